/**
 * Every point's far end, in its own process (bench/province.ts forks it):
 * one UDP socket per point. Two jobs:
 *  - loss at the sampled sockets: per SSRC, packets received against the
 *    span of RTP sequence numbers seen (mediasoup numbers a consumer's
 *    packets without gaps, so a gap is a packet lost on the way);
 *  - key frames once armed: for every socket and SSRC, when the first VP8
 *    key frame arrived after the arm (epoch ms, performance.timeOrigin +
 *    now(), the clock the parent uses too).
 * IPC (each request answered once, in order):
 *   → { type: 'open', count, sampleEvery }  ← { ports }
 *   → { type: 'loss-start' }                 ← { ok }
 *   → { type: 'loss-read' }                  ← { received, lost }
 *   → { type: 'arm', videoPt }               ← { ok }
 *   → { type: 'keyframes', watch: [port, ssrc][] } ← { times: (number | null)[] }
 * Exits with its parent.
 */
import dgram from 'node:dgram';

type Span = { first: number; highest: number; received: number };

const now = () => performance.timeOrigin + performance.now();
const sockets: dgram.Socket[] = [];
/** sampled socket index → SSRC → sequence span (extended sequence numbers) */
const spans = new Map<number, Map<number, Span>>();
let lossOn = false;
let armedPt: number | undefined;
/** `${port}:${ssrc}` → epoch ms of the first key frame since the arm */
const keyFrames = new Map<string, number>();

function rtpPayloadOffset(msg: Buffer): number {
  const cc = msg[0]! & 0x0f;
  let offset = 12 + 4 * cc;
  if (msg[0]! & 0x10) offset += 4 + 4 * msg.readUInt16BE(offset + 2);
  return offset;
}

/** VP8 (RFC 7741): skip the payload descriptor; at the start of partition 0, bit 0 of the frame tag clear = key frame */
function isVp8KeyFrame(msg: Buffer): boolean {
  let i = rtpPayloadOffset(msg);
  if (i >= msg.length) return false;
  const first = msg[i]!;
  const startOfPartition0 = (first & 0x10) !== 0 && (first & 0x07) === 0;
  if (!startOfPartition0) return false;
  i++;
  if (first & 0x80) {
    const x = msg[i++]!;
    if (x & 0x80) i += msg[i]! & 0x80 ? 2 : 1; // picture id, 7 or 15 bits
    if (x & 0x40) i++; // TL0PICIDX
    if (x & 0x30) i++; // TID / KEYIDX
  }
  return i < msg.length && (msg[i]! & 0x01) === 0;
}

function track(index: number, msg: Buffer): void {
  const ssrc = msg.readUInt32BE(8);
  const seq = msg.readUInt16BE(2);
  let bySsrc = spans.get(index);
  if (!bySsrc) spans.set(index, (bySsrc = new Map()));
  const span = bySsrc.get(ssrc);
  if (!span) {
    bySsrc.set(ssrc, { first: seq, highest: seq, received: 1 });
    return;
  }
  // extend the 16-bit sequence number around the highest one seen
  const base = span.highest & ~0xffff;
  let ext = base | seq;
  if (ext - span.highest > 0x8000) ext -= 0x10000;
  else if (span.highest - ext > 0x8000) ext += 0x10000;
  if (ext > span.highest) span.highest = ext;
  span.received++;
}

function onPacket(index: number, port: number, msg: Buffer, sampleEvery: number): void {
  if (msg.length < 12) return;
  const pt = msg[1]! & 0x7f;
  if (pt >= 72 && pt <= 76) return; // RTCP (rtcp-mux)
  if (lossOn && index % sampleEvery === 0) track(index, msg);
  if (armedPt !== undefined && pt === armedPt) {
    const key = `${port}:${msg.readUInt32BE(8)}`;
    if (!keyFrames.has(key) && isVp8KeyFrame(msg)) keyFrames.set(key, now());
  }
}

type Message =
  | { type: 'open'; count: number; sampleEvery: number }
  | { type: 'loss-start' }
  | { type: 'loss-read' }
  | { type: 'arm'; videoPt: number }
  | { type: 'keyframes'; watch: [number, number][] };

process.on('message', (message: Message) => {
  switch (message.type) {
    case 'open':
      void (async () => {
        for (let i = sockets.length; i < message.count; i++) {
          const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
          await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
          const index = i;
          const port = socket.address().port;
          socket.on('message', (msg) => onPacket(index, port, msg, message.sampleEvery));
          sockets.push(socket);
        }
        process.send?.({ ports: sockets.map((s) => s.address().port) });
      })();
      break;
    case 'loss-start':
      spans.clear();
      lossOn = true;
      process.send?.({ ok: true });
      break;
    case 'loss-read': {
      lossOn = false;
      let received = 0;
      let lost = 0;
      for (const bySsrc of spans.values()) {
        for (const span of bySsrc.values()) {
          received += span.received;
          lost += Math.max(0, span.highest - span.first + 1 - span.received);
        }
      }
      process.send?.({ received, lost });
      break;
    }
    case 'arm':
      keyFrames.clear();
      armedPt = message.videoPt;
      process.send?.({ ok: true });
      break;
    case 'keyframes':
      process.send?.({ times: message.watch.map(([port, ssrc]) => keyFrames.get(`${port}:${ssrc}`) ?? null) });
      break;
  }
});
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
