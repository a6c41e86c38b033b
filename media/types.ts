/**
 * Public shapes of media/: what the signaling layer passes in and what it
 * relays to clients. Plain data, safe to serialize.
 */
import type * as ms from 'mediasoup/types';

export type ProducerSource = 'mic' | 'camera' | 'screen';
export const PRODUCER_SOURCES: readonly ProducerSource[] = ['mic', 'camera', 'screen'];

/** What the viewer shows: decides consumer layers (stage large, grid small) and pauses video for audio-only. */
export type ViewMode = 'stage' | 'grid' | 'audio-only';
export const VIEW_MODES: readonly ViewMode[] = ['stage', 'grid', 'audio-only'];

export type TransportDirection = 'send' | 'recv';

/** Given by the caller (the conference module knows roles); media/ only enforces it. */
export type PeerPermissions = Readonly<{
  canProduceAudio: boolean;
  canProduceVideo: boolean;
  canShareScreen: boolean;
  isChair: boolean;
  /** 1..100, e.g. province hall 30, district 20, commune 10; higher keeps quality under pressure */
  priority: number;
}>;

/** For mediasoup-client `device.createSendTransport(info)` / `createRecvTransport(info)`. */
export type WebRtcTransportInfo = {
  id: string;
  direction: TransportDirection;
  iceParameters: ms.IceParameters;
  iceCandidates: ms.IceCandidate[];
  dtlsParameters: ms.DtlsParameters;
};

/** A PlainTransport (tests, recording): send RTP to ip:port, or connect it to yours. */
export type PlainTransportInfo = {
  id: string;
  direction: TransportDirection;
  ip: string;
  port: number;
  rtcpPort: number | undefined;
};

export type ProducerInfo = {
  id: string;
  peerId: string;
  kind: ms.MediaKind;
  source: ProducerSource;
  paused: boolean;
  /** paused by the chair: the owner cannot resume it */
  serverMuted: boolean;
};

/** For mediasoup-client `recvTransport.consume({ id, producerId, kind, rtpParameters })`. */
export type ConsumerInfo = {
  id: string;
  producerId: string;
  /** the peer whose producer this is */
  producerPeerId: string;
  kind: ms.MediaKind;
  source: ProducerSource;
  rtpParameters: ms.RtpParameters;
  type: ms.ConsumerType;
  /** created paused: the client resumes it once its track is ready */
  paused: boolean;
  producerPaused: boolean;
};

export type ConsumerLayers = { spatialLayer: number; temporalLayer: number | undefined };

export type ConsumerState = {
  id: string;
  producerId: string;
  kind: ms.MediaKind;
  /** what mediasoup does: client pause, view-mode pause and producer pause combined */
  paused: boolean;
  clientPaused: boolean;
  /** paused because the viewer is audio-only */
  viewPaused: boolean;
  producerPaused: boolean;
  preferredLayers: ConsumerLayers | undefined;
  currentLayers: ConsumerLayers | undefined;
  priority: number;
};

export type StageReason = 'spotlight' | 'active-speaker';
export type Stage = { peerId: string | null; reason: StageReason | null };

export type PeerLeftReason = 'left' | 'removed' | 'timeout' | 'replaced' | 'room-closed';

export type PeerInfo = {
  id: string;
  displayName: string;
  permissions: PeerPermissions;
  serverMuted: ProducerSource[];
  connected: boolean;
  needsRejoin: boolean;
  producers: ProducerInfo[];
};

type ProducerRef = { producerId: string; peerId: string; kind: ms.MediaKind; source: ProducerSource };

export type ConferenceRoomEvents = {
  peerJoined: [{ peerId: string; displayName: string; permissions: PeerPermissions }];
  peerLeft: [{ peerId: string; reason: PeerLeftReason }];
  /** at least one transport of the peer is (or none is any more) connected */
  peerConnectionChanged: [{ peerId: string; connected: boolean }];
  producerAdded: [ProducerInfo];
  producerClosed: [ProducerRef];
  /** byServer: the chair's mute (or floor) rather than the owner's own button */
  producerPaused: [ProducerRef & { byServer: boolean }];
  producerResumed: [ProducerRef & { byServer: boolean }];
  /** which sources of the peer the chair holds muted */
  peerMuteChanged: [{ peerId: string; serverMuted: ProducerSource[] }];
  /** a consumer went away without the viewer asking (producer closed, worker died) */
  consumerClosed: [{ peerId: string; consumerId: string; producerId: string }];
  consumerLayersChanged: [{ peerId: string; consumerId: string; layers: ConsumerLayers | undefined }];
  consumerScore: [{ peerId: string; consumerId: string; score: number; producerScore: number }];
  /** debounced dominant speaker (null when they leave or fall silent for good) */
  activeSpeaker: [{ peerId: string | null }];
  stageChanged: [Stage];
  /** the peer's worker died: the client must create new transports (call room.rejoin(peerId) first) */
  peerNeedsRejoin: [{ peerId: string; reason: 'worker-died' }];
  closed: [];
};
