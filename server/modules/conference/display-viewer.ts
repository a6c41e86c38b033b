/**
 * The conference's receive-only presence for a paired hall display (issue 14:
 * "the province hall's wall shows the stage"). The display module has
 * already checked that the screen is paired to this meeting (its device
 * cookie, not a user); here each watching screen connection gets a
 * StageViewer (media/stage-viewer.ts) on the running conference's room:
 * no Peer, so it never produces, is in no peers list, roll call or count,
 * cannot be on stage, and holds no chair's powers; it consumes the stage
 * peer's camera, screen and mic only.
 *
 * A watch never starts a conference: while none runs the screen is idle,
 * and the first conference push of that meeting tells it to watch again.
 * One viewer per screen: a second watch of the same screen (a reload, a
 * reconnect on a new socket) ends the first.
 */
import type { FastifyBaseLogger } from 'fastify';
import type * as ms from 'mediasoup/types';
import { StageViewer, type ConferenceRoom } from '../../../media/index.ts';
import type { IceServer } from '../../contract/conference-realtime.ts';
import type { StageRewatchReason, StageWatchResult, WallStage, WallStageServerToClientEvents } from '../../contract/display-stage.ts';
import { AppError } from '../../errors.ts';
import type { ConferenceService } from './conference-service.ts';
import type { MediaHost } from './media-host.ts';
import { media } from './media-proxy.ts';

/** Sends one of the wall's pushes to the screen connection that watches. */
export type WallPush = <E extends keyof WallStageServerToClientEvents>(event: E, ...payload: Parameters<WallStageServerToClientEvents[E]>) => void;

type Watch = {
  displayId: string;
  connectionId: string;
  meetingId: string;
  push: WallPush;
  /** undefined while idle (no conference) or after the viewer was lost */
  viewer: StageViewer | undefined;
  /** the last stage pushed, so a pause elsewhere in the room pushes nothing */
  lastStage: string;
  /** told to watch again and not yet back: told once */
  woken: boolean;
};

export class DisplayViewers {
  readonly #service: ConferenceService;
  readonly #host: MediaHost;
  readonly #iceServers: (id: string) => IceServer[];
  readonly #log: FastifyBaseLogger;
  readonly #byConnection = new Map<string, Watch>();
  readonly #byDisplay = new Map<string, string>();

  constructor(service: ConferenceService, host: MediaHost, iceServers: (id: string) => IceServer[], log: FastifyBaseLogger) {
    this.#service = service;
    this.#host = host;
    this.#iceServers = iceServers;
    this.#log = log.child({ module: 'conference', part: 'display-viewer' });
    // Any conference push of a meeting means its conference runs: idle screens of that meeting look again.
    service.presence.on('push', ({ meetingId }) => this.#wake(meetingId));
  }

  /** How many screens watch (diagnostics, tests). */
  get size(): number {
    return this.#byConnection.size;
  }

  /** The viewer of a screen connection (diagnostics, tests). */
  viewerOf(connectionId: string): StageViewer | undefined {
    return this.#byConnection.get(connectionId)?.viewer;
  }

  /**
   * Watch the meeting's conference from this screen connection; the caller
   * (the display module) has checked that the screen is paired to `meetingId`.
   */
  async watch(displayId: string, connectionId: string, meetingId: string, push: WallPush): Promise<StageWatchResult> {
    const previous = this.#byDisplay.get(displayId);
    if (previous !== undefined && previous !== connectionId) this.#end(previous, 'replaced');
    this.#end(connectionId);
    const watch: Watch = { displayId, connectionId, meetingId, push, viewer: undefined, lastStage: '', woken: false };
    this.#byConnection.set(connectionId, watch);
    this.#byDisplay.set(displayId, connectionId);

    const room = this.#service.room(meetingId);
    if (!room) return { state: 'idle', meetingId };
    const viewer = await media(() => StageViewer.open(room, { transport: this.#host.config.webRtcTransport }));
    if (this.#byConnection.get(connectionId) !== watch) {
      // left, replaced or unpaired while the viewer opened
      viewer.close();
      throw new AppError(404, 'notFound');
    }
    watch.viewer = viewer;
    const stage = this.#stageOf(room, viewer);
    watch.lastStage = JSON.stringify(stage);
    viewer.on('stage', () => this.#pushStage(watch, room, viewer));
    viewer.on('lost', ({ reason }) => {
      if (watch.viewer !== viewer) return;
      watch.viewer = undefined;
      this.#log.info({ meetingId, displayId, reason }, 'hall display viewer lost');
      push('stage:rewatch', { meetingId, reason: reason === 'room-closed' ? 'conference-ended' : 'media-lost' });
    });
    this.#log.info({ meetingId, displayId, router: viewer.routerId }, 'hall display watches the stage');
    return { state: 'watching', meetingId, routerRtpCapabilities: viewer.routerRtpCapabilities, iceServers: this.#iceServers(`display-${displayId}`), stage };
  }

  /** The screen stops watching (stage:leave, or its socket is gone). */
  leave(connectionId: string): void {
    this.#end(connectionId);
  }

  /** The screen was unpaired or moved: its viewer ends (a moved screen watches its new meeting by itself). */
  forgetDisplay(displayId: string): void {
    const connectionId = this.#byDisplay.get(displayId);
    if (connectionId !== undefined) this.#end(connectionId);
  }

  // ---- the viewer's media calls (only on the connection's own viewer) ----

  setRtpCapabilities(connectionId: string, meetingId: string, rtpCapabilities: ms.RtpCapabilities): Promise<null> {
    return this.#onOwn(connectionId, meetingId, (viewer) => {
      viewer.setRtpCapabilities(rtpCapabilities);
      return null;
    });
  }

  /** A receive transport only: a wall never sends. */
  createTransport(connectionId: string, meetingId: string, direction: 'send' | 'recv', forceTcp: boolean) {
    return this.#onOwn(connectionId, meetingId, (viewer) => {
      if (direction !== 'recv') throw new AppError(403, 'forbidden');
      return viewer.createRecvTransport({ forceTcp });
    });
  }

  connectTransport(connectionId: string, meetingId: string, transportId: string, dtlsParameters: ms.DtlsParameters): Promise<null> {
    return this.#onOwn(connectionId, meetingId, async (viewer) => {
      await viewer.connectTransport(transportId, dtlsParameters);
      return null;
    });
  }

  restartIce(connectionId: string, meetingId: string, transportId: string): Promise<{ iceParameters: ms.IceParameters }> {
    return this.#onOwn(connectionId, meetingId, async (viewer) => ({ iceParameters: await viewer.restartIce(transportId) }));
  }

  /** The stage peer's producers only: anything else is 'forbidden'. */
  consume(connectionId: string, meetingId: string, producerId: string) {
    return this.#onOwn(connectionId, meetingId, (viewer) => viewer.consume(producerId));
  }

  resumeConsumer(connectionId: string, meetingId: string, consumerId: string): Promise<null> {
    return this.#onOwn(connectionId, meetingId, async (viewer) => {
      await viewer.resumeConsumer(consumerId);
      return null;
    });
  }

  /** Idempotent: every viewer closed (the app stops). */
  close(): void {
    for (const connectionId of [...this.#byConnection.keys()]) this.#end(connectionId);
  }

  // ---- internals ----------------------------------------------------------

  async #onOwn<T>(connectionId: string, meetingId: string, work: (viewer: StageViewer) => T | Promise<T>): Promise<T> {
    const viewer = this.#byConnection.get(connectionId);
    if (viewer?.meetingId !== meetingId || viewer.viewer === undefined || viewer.viewer.closed) throw new AppError(404, 'notFound');
    const own = viewer.viewer;
    return media(() => work(own));
  }

  #end(connectionId: string, reason?: StageRewatchReason): void {
    const watch = this.#byConnection.get(connectionId);
    if (!watch) return;
    this.#byConnection.delete(connectionId);
    if (this.#byDisplay.get(watch.displayId) === connectionId) this.#byDisplay.delete(watch.displayId);
    watch.viewer?.close();
    watch.viewer = undefined;
    if (reason !== undefined) watch.push('stage:rewatch', { meetingId: watch.meetingId, reason });
  }

  #wake(meetingId: string): void {
    for (const watch of this.#byConnection.values()) {
      if (watch.meetingId !== meetingId || watch.viewer !== undefined || watch.woken) continue;
      if (!this.#service.room(meetingId)) continue;
      watch.woken = true;
      watch.push('stage:rewatch', { meetingId, reason: 'conference-started' });
    }
  }

  #pushStage(watch: Watch, room: ConferenceRoom, viewer: StageViewer): void {
    if (watch.viewer !== viewer) return;
    const stage = this.#stageOf(room, viewer);
    const key = JSON.stringify(stage);
    if (key === watch.lastStage) return;
    watch.lastStage = key;
    watch.push('stage:update', { meetingId: watch.meetingId, stage });
  }

  /** Who is on stage, named as the conference names them (never more than the hall sees under the picture). */
  #stageOf(room: ConferenceRoom, viewer: StageViewer): WallStage {
    const { peerId, reason, producers } = viewer.stage();
    if (peerId === null) return { peer: null, reason: null, producers: [] };
    const identity = this.#service.presence.get(room.id)?.identities.get(peerId);
    const peer = room.getPeer(peerId);
    return {
      peer: { id: peerId, displayName: identity?.displayName ?? peer?.displayName ?? '', level: identity?.level ?? null, role: identity?.role ?? 'guest' },
      reason,
      producers,
    };
  }
}
