/**
 * The video conference over Socket.io (signaling for mediasoup-client): what a
 * browser asks (`conference:*` with an ack) and what the server pushes. One
 * conference per meeting; every payload names its meetingId. The server checks
 * every call against the caller's role in the meeting and against what the
 * caller's peer owns; a refused call gets an error ack and changes nothing.
 * (One file, a little over 400 lines: the whole typed table of conference
 * events, requests and pushes is read together by server and web.)
 *
 * Flow: join → (lobby until admitted) → device.load(routerRtpCapabilities) →
 * setRtpCapabilities → createTransport send/recv → connectTransport (on the
 * transport's 'connect') → produce (on 'produce') → consume each producer →
 * resumeConsumer once its track is attached. After `conference:rejoin` (the
 * media worker died) or a lost transport the client joins again by itself.
 */
import type { RecordingPush } from './recording.ts';
import Type, { type Static } from 'typebox';
import type * as ms from 'mediasoup/types';
import type { ConsumerInfo, PeerPermissions, ProducerInfo, WebRtcTransportInfo } from '../../media/types.ts';
import { Nullable, Uuid } from './common.ts';
import { UNIT_LEVELS, type UnitLevel } from './identity.ts';
import { MEETING_STATUSES } from './meetings.ts';
import type { AckCallback } from './realtime.ts';

export type { ConsumerInfo, PeerPermissions, ProducerInfo, WebRtcTransportInfo };

export const CONFERENCE_SOURCES = ['mic', 'camera', 'screen'] as const;
export type ConferenceSource = (typeof CONFERENCE_SOURCES)[number];
export const CONFERENCE_VIEW_MODES = ['stage', 'grid', 'audio-only'] as const;
export type ConferenceViewMode = (typeof CONFERENCE_VIEW_MODES)[number];
/** chair: the meeting's chair or the secretariat (controls the conference); endpoint: a hall's account */
export const CONFERENCE_ROLES = ['chair', 'endpoint', 'delegate', 'guest'] as const;
export type ConferenceRole = (typeof CONFERENCE_ROLES)[number];

const Strict = { additionalProperties: false } as const;
/** mediasoup ids (transports, producers, consumers) and peer ids (user ids) are UUIDs. */
const MediaId = Uuid;

// — mediasoup shapes, closed and bounded (issue 11, finding 18) —
// What a browser's mediasoup-client sends, field for field (mediasoup-client's
// RtpParameters.d.ts), and nothing else: every string, number and list has a
// bound, so nobody can push a 900 KB codec parameter through the SFU to every
// other tablet, or hand the worker an ssrc or header-extension id outside RTP's
// range. A field mediasoup-client adds later is refused until added here.

const MediaKindSchema = Type.Enum(['audio', 'video'] as const);
/** "audio/opus", "video/VP8", "video/rtx" … */
const MimeType = Type.String({ maxLength: 48, pattern: '^(audio|video)/[A-Za-z0-9.+_-]{1,40}$' });
/** RTP payload types are 7 bits. */
const PayloadType = Type.Integer({ minimum: 0, maximum: 127 });
/** 90 kHz for video, 48 kHz for Opus; nothing real is above a few hundred kHz. */
const ClockRate = Type.Integer({ minimum: 1, maximum: 1_000_000 });
/** SSRCs are 32-bit unsigned (RFC 3550). */
const Ssrc = Type.Integer({ minimum: 0, maximum: 0xffff_ffff });
/** Header-extension ids: 1–14 in the one-byte form, up to 255 in the two-byte form (RFC 8285). */
const HeaderExtensionId = Type.Integer({ minimum: 1, maximum: 255 });
/** a header extension's URI: printable ASCII, no spaces */
const ExtensionUri = Type.String({ minLength: 1, maxLength: 200, pattern: '^[\\x21-\\x7e]+$' });
/**
 * SDP format parameters ("profile-level-id": "42e01f", "apt": 101): short names, short values, few of them.
 * Typed as mediasoup types them, so its objects pass without a cast; the schema is what is checked.
 */
const FormatParameters = Type.Unsafe<Record<string, unknown>>(
  Type.Record(Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$' }), Type.Union([Type.String({ maxLength: 128 }), Type.Number()]), {
    maxProperties: 24,
    additionalProperties: false,
  }),
);
const RtcpFeedbackSchema = Type.Object(
  { type: Type.String({ minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9._-]+$' }), parameter: Type.Optional(Type.String({ maxLength: 32, pattern: '^[A-Za-z0-9._ -]*$' })) },
  Strict,
);
const RtcpFeedbackList = Type.Array(RtcpFeedbackSchema, { maxItems: 16 });
const Priority = Type.Enum(['very-low', 'low', 'medium', 'high'] as const);

/** What a codec is, in capabilities and in parameters alike. */
const codecFields = {
  mimeType: MimeType,
  clockRate: ClockRate,
  channels: Type.Optional(Type.Integer({ minimum: 1, maximum: 8 })),
  parameters: Type.Optional(FormatParameters),
  rtcpFeedback: Type.Optional(RtcpFeedbackList),
};
const CodecCapability = Type.Object({ kind: MediaKindSchema, preferredPayloadType: Type.Optional(PayloadType), ...codecFields }, Strict);
const HeaderExtensionCapability = Type.Object(
  {
    kind: MediaKindSchema,
    uri: ExtensionUri,
    preferredId: HeaderExtensionId,
    preferredEncrypt: Type.Optional(Type.Boolean()),
    direction: Type.Optional(Type.Enum(['sendrecv', 'sendonly', 'recvonly', 'inactive'] as const)),
  },
  Strict,
);

export const RtpCapabilitiesSchema = Type.Object(
  {
    codecs: Type.Optional(Type.Array(CodecCapability, { maxItems: 32 })),
    headerExtensions: Type.Optional(Type.Array(HeaderExtensionCapability, { maxItems: 32 })),
  },
  Strict,
);

const CodecParameters = Type.Object({ payloadType: PayloadType, ...codecFields }, Strict);
const HeaderExtensionParameters = Type.Object(
  { uri: ExtensionUri, id: HeaderExtensionId, encrypt: Type.Optional(Type.Boolean()), parameters: Type.Optional(FormatParameters) },
  Strict,
);
const EncodingParameters = Type.Object(
  {
    active: Type.Optional(Type.Boolean()),
    ssrc: Type.Optional(Ssrc),
    /** RID (RFC 8851): alphanumeric; mediasoup-client says r0, r1, r2 */
    rid: Type.Optional(Type.String({ minLength: 1, maxLength: 16, pattern: '^[A-Za-z0-9_-]+$' })),
    codecPayloadType: Type.Optional(PayloadType),
    rtx: Type.Optional(Type.Object({ ssrc: Ssrc }, Strict)),
    dtx: Type.Optional(Type.Boolean()),
    /** "L1T3", "S3T3_KEY" … */
    scalabilityMode: Type.Optional(Type.String({ maxLength: 16, pattern: '^[A-Za-z0-9_]+$' })),
    scaleResolutionDownBy: Type.Optional(Type.Number({ minimum: 1, maximum: 64 })),
    maxBitrate: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000_000 })),
    maxFramerate: Type.Optional(Type.Number({ minimum: 0, maximum: 240 })),
    adaptivePtime: Type.Optional(Type.Boolean()),
    priority: Type.Optional(Priority),
    networkPriority: Type.Optional(Priority),
  },
  Strict,
);

export const RtpParametersSchema = Type.Object(
  {
    mid: Type.Optional(Type.String({ minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9._-]+$' })),
    /** the media codec and its RTX (and, rarely, RED/ULPFEC) */
    codecs: Type.Array(CodecParameters, { minItems: 1, maxItems: 8 }),
    headerExtensions: Type.Optional(Type.Array(HeaderExtensionParameters, { maxItems: 16 })),
    /** at most three simulcast encodings */
    encodings: Type.Optional(Type.Array(EncodingParameters, { maxItems: 3 })),
    rtcp: Type.Optional(
      Type.Object({ cname: Type.Optional(Type.String({ maxLength: 64, pattern: '^[\\x21-\\x7e]*$' })), reducedSize: Type.Optional(Type.Boolean()), mux: Type.Optional(Type.Boolean()) }, Strict),
    ),
    /** "<stream id> <track id>" */
    msid: Type.Optional(Type.String({ maxLength: 128, pattern: '^[\\x21-\\x7e]+( [\\x21-\\x7e]+)?$' })),
  },
  Strict,
);

/** SHA-512 at most: 64 bytes as colon-separated hex pairs. */
const Fingerprint = Type.Object(
  {
    algorithm: Type.Enum(['sha-1', 'sha-224', 'sha-256', 'sha-384', 'sha-512'] as const),
    value: Type.String({ maxLength: 191, pattern: '^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2})*$' }),
  },
  Strict,
);

export const DtlsParametersSchema = Type.Object(
  {
    role: Type.Optional(Type.Enum(['auto', 'client', 'server'] as const)),
    fingerprints: Type.Array(Fingerprint, { minItems: 1, maxItems: 8 }),
  },
  Strict,
);

// — client → server payloads —

export const ConferenceRef = Type.Object({ meetingId: Uuid }, Strict);
export type ConferenceRef = Static<typeof ConferenceRef>;

export const ConferenceJoin = Type.Object({ meetingId: Uuid, rtpCapabilities: Type.Optional(RtpCapabilitiesSchema) }, Strict);
export type ConferenceJoin = Static<typeof ConferenceJoin>;

export const ConferenceSetRtpCapabilities = Type.Object({ meetingId: Uuid, rtpCapabilities: RtpCapabilitiesSchema }, Strict);
export type ConferenceSetRtpCapabilities = Static<typeof ConferenceSetRtpCapabilities>;

export const ConferenceCreateTransport = Type.Object(
  { meetingId: Uuid, direction: Type.Enum(['send', 'recv'] as const), forceTcp: Type.Optional(Type.Boolean()) },
  Strict,
);
export type ConferenceCreateTransport = Static<typeof ConferenceCreateTransport>;

export const ConferenceConnectTransport = Type.Object({ meetingId: Uuid, transportId: MediaId, dtlsParameters: DtlsParametersSchema }, Strict);
export type ConferenceConnectTransport = Static<typeof ConferenceConnectTransport>;

export const ConferenceTransportRef = Type.Object({ meetingId: Uuid, transportId: MediaId }, Strict);
export type ConferenceTransportRef = Static<typeof ConferenceTransportRef>;

export const ConferenceProduce = Type.Object(
  {
    meetingId: Uuid,
    transportId: MediaId,
    kind: Type.Enum(['audio', 'video'] as const),
    rtpParameters: RtpParametersSchema,
    source: Type.Enum(CONFERENCE_SOURCES),
    /** start paused (the owner's button is off) */
    paused: Type.Optional(Type.Boolean()),
  },
  Strict,
);
export type ConferenceProduce = Static<typeof ConferenceProduce>;

export const ConferenceProducerRef = Type.Object({ meetingId: Uuid, producerId: MediaId }, Strict);
export type ConferenceProducerRef = Static<typeof ConferenceProducerRef>;

export const ConferenceConsume = Type.Object({ meetingId: Uuid, producerId: MediaId }, Strict);
export type ConferenceConsume = Static<typeof ConferenceConsume>;

export const ConferenceConsumerRef = Type.Object({ meetingId: Uuid, consumerId: MediaId }, Strict);
export type ConferenceConsumerRef = Static<typeof ConferenceConsumerRef>;

export const ConferenceSetPreferredLayers = Type.Object(
  {
    meetingId: Uuid,
    consumerId: MediaId,
    spatialLayer: Type.Integer({ minimum: 0, maximum: 2 }),
    temporalLayer: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 })),
  },
  Strict,
);
export type ConferenceSetPreferredLayers = Static<typeof ConferenceSetPreferredLayers>;

export const ConferenceSetViewMode = Type.Object({ meetingId: Uuid, mode: Type.Enum(CONFERENCE_VIEW_MODES) }, Strict);
export type ConferenceSetViewMode = Static<typeof ConferenceSetViewMode>;

export const ConferenceRaiseHand = Type.Object({ meetingId: Uuid, raised: Type.Boolean() }, Strict);
export type ConferenceRaiseHand = Static<typeof ConferenceRaiseHand>;

/** chair: admit, remove, unmute, give the floor */
export const ConferencePeerRef = Type.Object({ meetingId: Uuid, peerId: Uuid }, Strict);
export type ConferencePeerRef = Static<typeof ConferencePeerRef>;

/** chair: mute one peer's sources (default the mic), or every mic but the chairs' */
export const ConferenceMute = Type.Object(
  {
    meetingId: Uuid,
    peerId: Type.Union([Uuid, Type.Literal('all')]),
    sources: Type.Optional(Type.Array(Type.Enum(CONFERENCE_SOURCES), { minItems: 1, maxItems: 3, uniqueItems: true })),
  },
  Strict,
);
export type ConferenceMute = Static<typeof ConferenceMute>;

/** chair: who is on the big screen (null: follow the active speaker) */
export const ConferenceSpotlight = Type.Object({ meetingId: Uuid, peerId: Nullable(Uuid) }, Strict);
export type ConferenceSpotlight = Static<typeof ConferenceSpotlight>;

/** chair: endpoints wait in the lobby until admitted */
export const ConferenceSetAdmission = Type.Object({ meetingId: Uuid, required: Type.Boolean() }, Strict);
export type ConferenceSetAdmission = Static<typeof ConferenceSetAdmission>;

/** REST: GET/PATCH /api/v1/meetings/:meetingId/conference (the secretariat prepares it) */
export const ConferenceSettingsPatch = Type.Object({ requireAdmission: Type.Boolean() }, Strict);
export type ConferenceSettingsPatch = Static<typeof ConferenceSettingsPatch>;

// — what the server answers and pushes —

export type ConferencePeer = {
  /** the user's id */
  id: string;
  /** the endpoint's name for an endpoint account, else the person's full name */
  displayName: string;
  /** the endpoint's level, else the level of the person's unit */
  level: UnitLevel | null;
  role: ConferenceRole;
  endpointId: string | null;
  permissions: PeerPermissions;
  /** sources the chair holds muted */
  serverMuted: ConferenceSource[];
  /** at least one of its transports is connected */
  connected: boolean;
  handRaised: boolean;
  producers: ProducerInfo[];
};

export type ConferenceStage = {
  /** who is on the big screen */
  peerId: string | null;
  reason: 'spotlight' | 'active-speaker' | null;
  activeSpeakerId: string | null;
};

export type LobbyEntry = {
  peerId: string;
  displayName: string;
  level: UnitLevel | null;
  endpointId: string;
  /** ISO time it started waiting */
  since: string;
  /** the chair sent it out earlier in this meeting */
  removed: boolean;
};

export const ConferenceSettings = Type.Object({ meetingId: Uuid, requireAdmission: Type.Boolean(), spotlightUserId: Nullable(Uuid) });
export type ConferenceSettings = Static<typeof ConferenceSettings>;
/** REST PATCH /api/v1/meetings/:meetingId/conference */
export const ConferenceSettingsEnvelope = Type.Object({ settings: ConferenceSettings });
export type ConferenceSettingsEnvelope = Static<typeof ConferenceSettingsEnvelope>;

export const PeerPermissionsSchema = Type.Object({
  canProduceAudio: Type.Boolean(),
  canProduceVideo: Type.Boolean(),
  canShareScreen: Type.Boolean(),
  isChair: Type.Boolean(),
  priority: Type.Number(),
});

/** REST GET /api/v1/meetings/:meetingId/conference: what the page shows before joining. */
export const ConferenceDescription = Type.Object({
  meeting: Type.Object({ id: Uuid, title: Type.String(), status: Type.Enum(MEETING_STATUSES) }),
  settings: ConferenceSettings,
  /** the caller as a peer of this conference (ConferencePeer's id, displayName, level, role, endpointId, permissions) */
  me: Type.Object({
    id: Uuid,
    displayName: Type.String(),
    level: Nullable(Type.Enum(UNIT_LEVELS)),
    role: Type.Enum(CONFERENCE_ROLES),
    endpointId: Nullable(Uuid),
    permissions: PeerPermissionsSchema,
  }),
});
export type ConferenceDescription = Static<typeof ConferenceDescription>;

/**
 * TURN relays for this participant (issue 14, closed networks): the
 * deployment's coturn with a time-limited credential; empty without TURN.
 * Passed to mediasoup-client's transports as `iceServers`.
 */
export const IceServerSchema = Type.Object(
  {
    urls: Type.Array(Type.String({ minLength: 6, maxLength: 512, pattern: '^turns?:' }), { minItems: 1, maxItems: 8 }),
    username: Type.String({ minLength: 1, maxLength: 256 }),
    credential: Type.String({ minLength: 1, maxLength: 256 }),
  },
  Strict,
);
export type IceServer = Static<typeof IceServerSchema>;
export const IceServersSchema = Type.Array(IceServerSchema, { maxItems: 4 });

export type ConferenceJoined = {
  state: 'joined';
  meetingId: string;
  routerRtpCapabilities: ms.RtpCapabilities;
  /** TURN servers with this participant's credential (IceServersSchema); [] without TURN */
  iceServers: IceServer[];
  me: ConferencePeer;
  /** everybody else in the conference */
  peers: ConferencePeer[];
  stage: ConferenceStage;
  viewMode: ConferenceViewMode;
  requireAdmission: boolean;
  /** who waits (chairs only; null for others) */
  lobby: LobbyEntry[] | null;
};
/** An endpoint waits for the chair; `conference:admission` tells it the decision. */
export type ConferenceWaiting = { state: 'lobby'; meetingId: string; removed: boolean };
export type ConferenceJoinResult = ConferenceJoined | ConferenceWaiting;

export type ConferenceTransport = WebRtcTransportInfo;

type WithMeeting<T> = T & { meetingId: string };

export interface ConferenceServerToClientEvents {
  /** someone joined (or joined again: replace the tile with this one) */
  'conference:peerJoined': (payload: WithMeeting<{ peer: ConferencePeer }>) => void;
  /** reason 'removed': the chair sent it out; to the peer itself: it is out of the conference */
  'conference:peerLeft': (payload: WithMeeting<{ peerId: string; reason: 'left' | 'removed' | 'timeout' | 'replaced' | 'room-closed' }>) => void;
  /** mute state or connectivity of a peer changed */
  'conference:peerUpdated': (payload: WithMeeting<{ peer: ConferencePeer }>) => void;
  'conference:newProducer': (payload: WithMeeting<{ producer: ProducerInfo }>) => void;
  'conference:producerClosed': (payload: WithMeeting<{ producerId: string; peerId: string }>) => void;
  /** byServer: the chair's mute (or floor), not the owner's button */
  'conference:producerPaused': (payload: WithMeeting<{ producerId: string; peerId: string; source: ConferenceSource; byServer: boolean }>) => void;
  'conference:producerResumed': (payload: WithMeeting<{ producerId: string; peerId: string; source: ConferenceSource; byServer: boolean }>) => void;
  /** one of my consumers went away (its producer closed, a worker died): drop its track */
  'conference:consumerClosed': (payload: WithMeeting<{ consumerId: string; producerId: string }>) => void;
  'conference:stage': (payload: WithMeeting<{ stage: ConferenceStage }>) => void;
  'conference:hand': (payload: WithMeeting<{ peerId: string; raised: boolean }>) => void;
  /** join again (new transports), no user action needed: my media worker died, or the conference moved to another app process (its owner was lost) */
  'conference:rejoin': (payload: WithMeeting<{ reason: 'worker-died' | 'owner-moved' }>) => void;
  /** to chairs: who waits for admission */
  'conference:lobby': (payload: WithMeeting<{ entries: LobbyEntry[] }>) => void;
  /** to a waiting endpoint: admitted (join again) or refused */
  'conference:admission': (payload: WithMeeting<{ state: 'admitted' | 'refused' }>) => void;
  'conference:settings': (payload: WithMeeting<{ requireAdmission: boolean }>) => void;
  /** recording started (the recording) or stopped (null): everyone shows the red indicator meanwhile */
  'conference:recording': (payload: RecordingPush) => void;
  /** the meeting closed: the conference is over */
  'conference:ended': (payload: WithMeeting<Record<never, never>>) => void;
}

export interface ConferenceClientToServerEvents {
  'conference:join': (payload: ConferenceJoin, ack: AckCallback<ConferenceJoinResult>) => void;
  'conference:setRtpCapabilities': (payload: ConferenceSetRtpCapabilities, ack: AckCallback<null>) => void;
  'conference:createTransport': (payload: ConferenceCreateTransport, ack: AckCallback<ConferenceTransport>) => void;
  'conference:connectTransport': (payload: ConferenceConnectTransport, ack: AckCallback<null>) => void;
  'conference:restartIce': (payload: ConferenceTransportRef, ack: AckCallback<{ iceParameters: ms.IceParameters }>) => void;
  'conference:produce': (payload: ConferenceProduce, ack: AckCallback<ProducerInfo>) => void;
  'conference:closeProducer': (payload: ConferenceProducerRef, ack: AckCallback<null>) => void;
  'conference:pauseProducer': (payload: ConferenceProducerRef, ack: AckCallback<null>) => void;
  'conference:resumeProducer': (payload: ConferenceProducerRef, ack: AckCallback<null>) => void;
  'conference:consume': (payload: ConferenceConsume, ack: AckCallback<ConsumerInfo>) => void;
  'conference:resumeConsumer': (payload: ConferenceConsumerRef, ack: AckCallback<null>) => void;
  'conference:pauseConsumer': (payload: ConferenceConsumerRef, ack: AckCallback<null>) => void;
  'conference:setPreferredLayers': (payload: ConferenceSetPreferredLayers, ack: AckCallback<null>) => void;
  'conference:setViewMode': (payload: ConferenceSetViewMode, ack: AckCallback<null>) => void;
  'conference:leave': (payload: ConferenceRef, ack: AckCallback<null>) => void;
  'conference:raiseHand': (payload: ConferenceRaiseHand, ack: AckCallback<null>) => void;
  // chair controls
  'conference:admit': (payload: ConferencePeerRef, ack: AckCallback<null>) => void;
  'conference:remove': (payload: ConferencePeerRef, ack: AckCallback<null>) => void;
  'conference:mute': (payload: ConferenceMute, ack: AckCallback<null>) => void;
  'conference:unmute': (payload: ConferencePeerRef, ack: AckCallback<null>) => void;
  'conference:giveFloor': (payload: ConferencePeerRef, ack: AckCallback<null>) => void;
  'conference:spotlight': (payload: ConferenceSpotlight, ack: AckCallback<null>) => void;
  'conference:setAdmission': (payload: ConferenceSetAdmission, ack: AckCallback<null>) => void;
}

/** Socket.io rooms of a conference (the server's; clients never name them). */
export const conferenceRooms = {
  all: (meetingId: string) => `conference:${meetingId}`,
  chairs: (meetingId: string) => `conference:${meetingId}:chairs`,
  peer: (meetingId: string, userId: string) => `conference:${meetingId}:peer:${userId}`,
} as const;
