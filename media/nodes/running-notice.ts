/**
 * mediasoup's Node side waits for a worker's first "running" notification
 * addressed to the worker's pid. A worker on a media node has another pid
 * (and another host) than the stub mediasoup spawned on the app's side, so
 * the node rewrites that one notification to name the stub's pid. Every
 * other message passes untouched.
 *
 * Channel messages are a 4-byte little-endian length followed by a
 * FlatBuffers `Message` (mediasoup's worker/fbs/message.fbs):
 *   Message { data_type: Body (ubyte), data: union }   Body.Notification = 3
 *   Notification { handler_id: string, event: Event (ubyte), body_type, body }   Event.WORKER_RUNNING = 4
 */
import { Builder, ByteBuffer } from 'flatbuffers';

const BODY_NOTIFICATION = 3;
const EVENT_WORKER_RUNNING = 4;

/** The handler id of a WORKER_RUNNING notification, or undefined when the message is anything else. */
export function runningNoticeHandler(message: Buffer): string | undefined {
  try {
    const bb = new ByteBuffer(new Uint8Array(message.buffer, message.byteOffset, message.length));
    const root = bb.readInt32(0);
    const typeOffset = bb.__offset(root, 4);
    if (!typeOffset || bb.readUint8(root + typeOffset) !== BODY_NOTIFICATION) return undefined;
    const dataOffset = bb.__offset(root, 6);
    if (!dataOffset) return undefined;
    const notification = bb.__indirect(root + dataOffset);
    const eventOffset = bb.__offset(notification, 6);
    if (!eventOffset || bb.readUint8(notification + eventOffset) !== EVENT_WORKER_RUNNING) return undefined;
    const handlerOffset = bb.__offset(notification, 4);
    if (!handlerOffset) return undefined;
    const handler = bb.__string(notification + handlerOffset);
    return typeof handler === 'string' ? handler : undefined;
  } catch {
    return undefined;
  }
}

/** A WORKER_RUNNING notification addressed to `pid`, framed as the channel sends it. */
export function runningNotice(pid: number): Buffer {
  const builder = new Builder(64);
  const handler = builder.createString(String(pid));
  builder.startObject(4);
  builder.addFieldOffset(0, handler, 0);
  builder.addFieldInt8(1, EVENT_WORKER_RUNNING, -1);
  const notification = builder.endObject();
  builder.startObject(2);
  builder.addFieldInt8(0, BODY_NOTIFICATION, 0);
  builder.addFieldOffset(1, notification, 0);
  const message = builder.endObject();
  builder.finish(message);
  const bytes = builder.asUint8Array();
  const framed = Buffer.allocUnsafe(4 + bytes.length);
  framed.writeUInt32LE(bytes.length, 0);
  framed.set(bytes, 4);
  return framed;
}

/**
 * Follows a worker's outgoing channel bytes and replaces its running
 * notification (addressed to `workerPid`) by one addressed to `stubPid`.
 * After that notification the bytes pass through without being parsed.
 */
export class RunningNoticeRewriter {
  readonly #workerPid: string;
  readonly #stubPid: number;
  #pending: Buffer = Buffer.alloc(0);
  #done = false;

  constructor(workerPid: number, stubPid: number) {
    this.#workerPid = String(workerPid);
    this.#stubPid = stubPid;
  }

  push(chunk: Buffer): Buffer {
    if (this.#done) return chunk;
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    const out: Buffer[] = [];
    while (!this.#done && this.#pending.length >= 4) {
      const length = this.#pending.readUInt32LE(0);
      if (this.#pending.length < 4 + length) break;
      const message = this.#pending.subarray(4, 4 + length);
      if (runningNoticeHandler(message) === this.#workerPid) {
        out.push(runningNotice(this.#stubPid));
        this.#done = true;
      } else {
        out.push(this.#pending.subarray(0, 4 + length));
      }
      this.#pending = this.#pending.subarray(4 + length);
    }
    if (this.#done) {
      out.push(this.#pending);
      this.#pending = Buffer.alloc(0);
    }
    return Buffer.concat(out);
  }
}
