/**
 * The link between the app and a media node: one TLS connection (pre-shared
 * key, see psk.ts) carrying frames. A frame is
 *
 *   type (1 byte) · channel (4 bytes, BE) · length (4 bytes, BE) · payload
 *
 * Control frames (channel 0) carry one JSON message each, checked against
 * the schemas below on arrival; `data` frames carry a worker's channel bytes
 * (mediasoup's own length-prefixed messages) for the worker numbered by
 * `channel`, untouched. Both ends send a ping every HEARTBEAT_MS and drop a
 * link that stays silent for LINK_TIMEOUT_MS, which is what turns a node
 * lost on the network into dead workers on the app side (and freed workers
 * on the node side).
 */
import Type, { type Static } from 'typebox';
import { Compile } from 'typebox/compile';

export const HEARTBEAT_MS = 2_000;
export const LINK_TIMEOUT_MS = 6_000;
/** a frame larger than mediasoup's own channel maximum (8 MiB) is an attack or a bug */
export const MAX_FRAME_BYTES = 8 * 1024 * 1024 + 64;
const HEADER_BYTES = 9;

export const FrameType = { control: 1, data: 2, ping: 3, pong: 4 } as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

const Name = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$' });
const Ip = Type.String({ minLength: 2, maxLength: 64 });

/** The node introduces itself once the TLS handshake has proved it holds the secret. */
export const NodeHello = Type.Object(
  {
    type: Type.Literal('hello'),
    node: Name,
    /** how many workers one app may run there */
    workers: Type.Integer({ minimum: 1, maximum: 64 }),
    /** where WebRtcServers and pipe transports listen on the node, and the address clients and other nodes reach */
    listenIp: Ip,
    announcedAddress: Type.Optional(Ip),
  },
  { additionalProperties: false },
);
export type NodeHello = Static<typeof NodeHello>;

/** app → node: start a worker for this channel (the stub's pid is what the app's mediasoup knows it by). */
export const SpawnWorker = Type.Object(
  {
    type: Type.Literal('spawn'),
    channel: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    stubPid: Type.Integer({ minimum: 1 }),
    logLevel: Type.Union([Type.Literal('debug'), Type.Literal('warn'), Type.Literal('error'), Type.Literal('none')]),
  },
  { additionalProperties: false },
);
export type SpawnWorker = Static<typeof SpawnWorker>;

/** node → app: the worker runs, with its WebRtcServer port (or could not start). */
export const WorkerSpawned = Type.Object(
  {
    type: Type.Literal('spawned'),
    channel: Type.Integer({ minimum: 1 }),
    webRtcPort: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
    error: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type WorkerSpawned = Static<typeof WorkerSpawned>;

/** either side: this worker's channel is over (the worker exited, or the app closed it). */
export const WorkerGone = Type.Object({ type: Type.Literal('gone'), channel: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });
export type WorkerGone = Static<typeof WorkerGone>;

export const AppToNode = Type.Union([SpawnWorker, WorkerGone]);
export type AppToNode = Static<typeof AppToNode>;
export const NodeToApp = Type.Union([NodeHello, WorkerSpawned, WorkerGone]);
export type NodeToApp = Static<typeof NodeToApp>;

const checkAppToNode = Compile(AppToNode);
const checkNodeToApp = Compile(NodeToApp);

export function encodeFrame(type: FrameType, channel: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  header.writeUInt8(type, 0);
  header.writeUInt32BE(channel, 1);
  header.writeUInt32BE(payload.length, 5);
  return Buffer.concat([header, payload]);
}

export function encodeControl(message: AppToNode | NodeToApp): Buffer {
  return encodeFrame(FrameType.control, 0, Buffer.from(JSON.stringify(message), 'utf8'));
}

/** A control payload checked against `schema`; undefined when it is not one. */
export function decodeControl<S extends typeof AppToNode | typeof NodeToApp>(schema: S, payload: Buffer): Static<S> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
  const check = schema === AppToNode ? checkAppToNode : checkNodeToApp;
  return check.Check(value) ? (value as Static<S>) : undefined;
}

export type Frame = { type: FrameType; channel: number; payload: Buffer };

/** Cuts a byte stream into frames; throws on a frame no peer of ours would send. */
export class FrameReader {
  #buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const frames: Frame[] = [];
    while (this.#buffer.length >= HEADER_BYTES) {
      const type = this.#buffer.readUInt8(0);
      const length = this.#buffer.readUInt32BE(5);
      if (type < FrameType.control || type > FrameType.pong) throw new Error(`unknown frame type ${type}`);
      if (length > MAX_FRAME_BYTES) throw new Error(`frame of ${length} bytes`);
      if (this.#buffer.length < HEADER_BYTES + length) break;
      frames.push({ type: type as FrameType, channel: this.#buffer.readUInt32BE(1), payload: this.#buffer.subarray(HEADER_BYTES, HEADER_BYTES + length) });
      this.#buffer = this.#buffer.subarray(HEADER_BYTES + length);
    }
    return frames;
  }
}
