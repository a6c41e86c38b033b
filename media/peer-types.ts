/**
 * What a Peer and its room share: the room's routers and producer index as
 * the peer sees them, the host callbacks a peer reports to, the room's
 * privileged handle on a peer, and the checks both apply (permissions,
 * allowed sources).
 */
import type * as ms from 'mediasoup/types';
import type { MediaConfig, MediaLogger } from './config.ts';
import { MediaError } from './errors.ts';
import type { Peer } from './peer.ts';
import type { ConsumerLayers, PeerLeftReason, PeerPermissions, ProducerInfo, ProducerSource, ViewMode } from './types.ts';
import type { WorkerSlot } from './worker-pool.ts';


/** A room's router on one worker, with the peers placed on it. */
export type RoomRouter = {
  readonly slot: WorkerSlot;
  readonly router: ms.Router;
  readonly peers: Set<Peer>;
  /** closed on purpose by the room (not lost with its worker) */
  closing: boolean;
};

/** A producer as the room indexes it; shared by the owner peer and the room. */
export type ProducerEntry = {
  readonly producer: ms.Producer;
  readonly peer: Peer;
  readonly source: ProducerSource;
  /** the router the producer lives on */
  readonly home: RoomRouter;
  /** the owner's own mute button */
  clientPaused: boolean;
  /** last pause state requested from mediasoup (requests are applied in order) */
  appliedPaused: boolean;
};

/** What a peer needs from its room. */
export type PeerHost = {
  readonly config: MediaConfig;
  readonly logger: MediaLogger;
  findProducer(producerId: string): ProducerEntry | undefined;
  /** the other peer that owns this id, if any (to tell 'not-owner' from 'not-found') */
  ownerOf(kind: 'transport' | 'producer' | 'consumer', id: string): string | undefined;
  /** make the producer available on `target` (pipeToRouter, cached) */
  pipe(entry: ProducerEntry, target: RoomRouter): Promise<void>;
  /** how a viewer should show this producer */
  placement(entry: ProducerEntry): { onStage: boolean; priority: number };
  producerAdded(entry: ProducerEntry): void;
  producerClosed(entry: ProducerEntry): void;
  producerPauseChanged(entry: ProducerEntry, paused: boolean, byServer: boolean): void;
  muteChanged(peer: Peer): void;
  consumerClosed(peer: Peer, consumerId: string, producerId: string): void;
  consumerLayersChanged(peer: Peer, consumerId: string, layers: ConsumerLayers | undefined): void;
  consumerScore(peer: Peer, consumerId: string, score: number, producerScore: number): void;
  connectivityChanged(peer: Peer, connected: boolean): void;
  peerClosed(peer: Peer, reason: PeerLeftReason): void;
};

/** The room's privileged handle on a peer. */
export type PeerControl = {
  readonly router: RoomRouter | undefined;
  close(reason: PeerLeftReason): void;
  /** the router died with its worker: transports are gone, the peer must rejoin */
  routerLost(): void;
  /** placed on a (new) router after a rejoin */
  relocate(router: RoomRouter): void;
  /** re-apply view mode, stage layers and priorities to every consumer */
  applyLayout(): Promise<void>;
  setPermissions(permissions: PeerPermissions): void;
  serverMute(sources: readonly ProducerSource[]): Promise<void>;
  /** resumeMic: also resume a mic the owner had paused (giving the floor) */
  serverUnmute(sources: readonly ProducerSource[], options?: { resumeMic?: boolean }): Promise<void>;
};

export type PeerOptions = {
  id: string;
  displayName: string;
  permissions: PeerPermissions;
  host: PeerHost;
  router: RoomRouter;
  rtpCapabilities?: ms.RtpCapabilities | undefined;
  serverMuted?: readonly ProducerSource[] | undefined;
  viewMode?: ViewMode | undefined;
};

export type ProduceOptions = {
  transportId: string;
  kind: ms.MediaKind;
  rtpParameters: ms.RtpParameters;
  appData: { source: ProducerSource };
  /** start paused (the owner's mic button is off) */
  paused?: boolean;
};

export function validatePermissions(value: unknown): PeerPermissions {
  const p = value as Partial<Record<keyof PeerPermissions, unknown>> | null;
  if (
    typeof p !== 'object' ||
    p === null ||
    typeof p.canProduceAudio !== 'boolean' ||
    typeof p.canProduceVideo !== 'boolean' ||
    typeof p.canShareScreen !== 'boolean' ||
    typeof p.isChair !== 'boolean' ||
    typeof p.priority !== 'number' ||
    !Number.isFinite(p.priority)
  ) {
    throw new MediaError('invalid', 'permissions must give canProduceAudio, canProduceVideo, canShareScreen, isChair and priority');
  }
  return Object.freeze({
    canProduceAudio: p.canProduceAudio,
    canProduceVideo: p.canProduceVideo,
    canShareScreen: p.canShareScreen,
    isChair: p.isChair,
    priority: p.priority,
  });
}

export function allowed(permissions: PeerPermissions, source: ProducerSource): boolean {
  if (source === 'mic') return permissions.canProduceAudio;
  if (source === 'camera') return permissions.canProduceVideo;
  return permissions.canShareScreen;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function producerInfo(entry: ProducerEntry, serverMuted: ReadonlySet<ProducerSource>): ProducerInfo {
  return {
    id: entry.producer.id,
    peerId: entry.peer.id,
    kind: entry.producer.kind,
    source: entry.source,
    paused: entry.appliedPaused,
    serverMuted: serverMuted.has(entry.source),
  };
}
