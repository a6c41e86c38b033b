/**
 * media/: mediasoup only. Knows rooms, peers and the permissions it is told;
 * knows nothing of users, meetings or Socket.io. Driven by
 * server/modules/conference alone.
 *
 *   const media = await MediaService.start({ numWorkers: 2 }, logger);
 *   const room = await media.rooms.getOrCreate(conferenceId);
 *   const peer = await room.join({ peerId, displayName, permissions });
 *   ...
 *   media.close();
 */
import { resolveMediaConfig, silentLogger, type MediaConfig, type MediaConfigInput, type MediaLogger } from './config.ts';
import { RoomRegistry } from './room-registry.ts';
import type { NodeLink } from './nodes/node-link.ts';
import { WorkerPool } from './worker-pool.ts';

export class MediaService {
  readonly config: MediaConfig;
  readonly pool: WorkerPool;
  readonly rooms: RoomRegistry;

  /** `links`: media nodes the app runs workers on besides its own (started by the caller). */
  static async start(input: MediaConfigInput | MediaConfig = {}, logger: MediaLogger = silentLogger, links: readonly NodeLink[] = []): Promise<MediaService> {
    const config = resolveMediaConfig(input);
    const pool = await WorkerPool.create(config, logger, links);
    return new MediaService(config, pool, new RoomRegistry(pool, config, logger));
  }

  private constructor(config: MediaConfig, pool: WorkerPool, rooms: RoomRegistry) {
    this.config = config;
    this.pool = pool;
    this.rooms = rooms;
  }

  /** Idempotent: closes rooms, then workers. */
  close(): void {
    this.rooms.close();
    this.pool.close();
  }
}

export { resolveMediaConfig, routerMediaCodecs, silentLogger, MediaConfigError } from './config.ts';
export type { MediaConfig, MediaConfigInput, MediaLogger, VideoCodecName, WebRtcServerPorts } from './config.ts';
export { ConferenceRoom } from './conference-room.ts';
export { RoomRegistry } from './room-registry.ts';
export type { JoinOptions } from './conference-room.ts';
export { MediaError } from './errors.ts';
export type { MediaErrorCode } from './errors.ts';
export { Peer } from './peer.ts';
export type { ProduceOptions } from './peer-types.ts';
export { WorkerPool, WorkerSlot } from './worker-pool.ts';
export type { SlotNode } from './worker-pool.ts';
export { NodeLink } from './nodes/node-link.ts';
export type { MediaNodeTarget, NodeAddress } from './nodes/node-link.ts';
export { MediaNodeServer } from './nodes/node-server.ts';
export type { MediaNodeOptions } from './nodes/node-server.ts';
export type { WorkerPoolEvents } from './worker-pool.ts';
export * from './types.ts';
export type { RoomTap } from './conference-room.ts';
export { RoomRecorder } from './recording/room-recorder.ts';
export type { RecorderEndReason, RoomRecorderOptions } from './recording/room-recorder.ts';
export { finaliseRecording, chapterSpans, ffmetadata, probeDurationMs } from './recording/finalise.ts';
export type { Chapter, ChapterSpan, RecordingTools } from './recording/finalise.ts';
export { StageViewer } from './stage-viewer.ts';
export type { StageViewerEvents, ViewedStage } from './stage-viewer.ts';
