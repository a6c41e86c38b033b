/**
 * Fake endpoints for media/ integration tests: no browser, real workers.
 * A sender produces generated RTP (Opus-like audio with an audio-level header
 * extension, VP8 key frames, optionally three simulcast SSRCs) into a peer's
 * PlainTransport; a receiver consumes into a PlainTransport connected to a
 * local UDP socket that counts what arrives.
 */
import dgram from 'node:dgram';
import type * as ms from 'mediasoup/types';
import { resolveMediaConfig, type MediaConfig, type MediaConfigInput } from '../../media/config.ts';
import type { Peer } from '../../media/peer.ts';
import type { ConferenceRoom } from '../../media/conference-room.ts';
import type { PeerPermissions, ProducerInfo } from '../../media/types.ts';

export const AUDIO_LEVEL_URI = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level';
const OPUS_PT = 100;
const VP8_PT = 101;
const AUDIO_LEVEL_EXT_ID = 1;

/** Two workers on loopback, ports from ranges (files run in parallel), plain transports on, one peer per router. */
export function mediaTestConfig(overrides: MediaConfigInput = {}): MediaConfig {
  return resolveMediaConfig({
    numWorkers: 2,
    logLevel: 'error',
    rtcMinPort: 30000,
    rtcMaxPort: 39999,
    allowPlainTransports: true,
    peersPerRouter: 1,
    respawnMinDelayMs: 50,
    ...overrides,
    webRtcServer: { listenIp: '127.0.0.1', ports: { min: 20000, max: 29999 }, ...overrides.webRtcServer },
    activeSpeaker: { intervalMs: 200, debounceMs: 300, ...overrides.activeSpeaker },
  });
}

export function permissions(overrides: Partial<PeerPermissions> = {}): PeerPermissions {
  return { canProduceAudio: true, canProduceVideo: true, canShareScreen: false, isChair: false, priority: 10, ...overrides };
}

let nextSsrc = 1000;

type Stream = { ssrc: number; payloadType: number; clockRate: number; kind: ms.MediaKind; seq: number; ts: number; pictureId: number };

/**
 * Payloads a decoder accepts, for tests that hand the media to ffmpeg (the
 * recorder): a 160x120 VP8 key frame (libvpx, flat colour, 97 bytes) and
 * Opus's 20 ms silence frame (CELT, the frame WebRTC sends for silence).
 */
const DECODABLE_VP8_KEY_FRAME = Buffer.from(
  'MAcAnQEqoAB4AABHCIWFiJmEiAKCAuy6A/gCBrqsIzT3GnazT3GolXmms6dOnTp06dOnTp06dOnTp06dOnTp06dHAP73xF//0KH9Ch/Qof/Qof/27P67P67P+rrixYfQAA==',
  'base64',
);
const OPUS_SILENCE = Buffer.from([0xf8, 0xff, 0xfe]);

function audioPacket(stream: Stream, level: number, decodable = false): Buffer {
  // RTP header (12) + one-byte header extension block (4 + 4) + 40 bytes of "Opus"
  const header = Buffer.alloc(12);
  header[0] = 0x90; // V=2, X=1
  header[1] = stream.payloadType & 0x7f;
  header.writeUInt16BE(stream.seq & 0xffff, 2);
  header.writeUInt32BE(stream.ts >>> 0, 4);
  header.writeUInt32BE(stream.ssrc, 8);
  const ext = Buffer.from([0xbe, 0xde, 0x00, 0x01, (AUDIO_LEVEL_EXT_ID << 4) | 0, 0x80 | (level & 0x7f), 0x00, 0x00]);
  const payload = decodable ? OPUS_SILENCE : Buffer.alloc(40, 0x55);
  return Buffer.concat([header, ext, payload]);
}

function vp8KeyFramePacket(stream: Stream, decodable = false): Buffer {
  const header = Buffer.alloc(12);
  header[0] = 0x80;
  header[1] = 0x80 | (stream.payloadType & 0x7f); // marker: one packet per frame
  header.writeUInt16BE(stream.seq & 0xffff, 2);
  header.writeUInt32BE(stream.ts >>> 0, 4);
  header.writeUInt32BE(stream.ssrc, 8);
  const pid = stream.pictureId & 0x7fff;
  const descriptor = Buffer.from([0x90, 0x80, 0x80 | (pid >> 8), pid & 0xff]);
  // VP8 key frame header: frame tag (key frame, show), start code, 640x480
  if (decodable) return Buffer.concat([header, descriptor, DECODABLE_VP8_KEY_FRAME]);
  const vp8 = Buffer.from([0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01]);
  return Buffer.concat([header, descriptor, vp8, Buffer.alloc(200, 0x33)]);
}

/** Sends generated RTP at a steady pace to one UDP address. */
export class RtpPump {
  readonly #socket = dgram.createSocket('udp4');
  readonly #streams: { stream: Stream; level: () => number }[] = [];
  #timer: NodeJS.Timeout | undefined;
  #target: { ip: string; port: number } | undefined;
  /** send payloads a decoder accepts (see DECODABLE_VP8_KEY_FRAME) */
  decodable = false;

  audio(ssrc: number, level: () => number = () => 20): void {
    this.#streams.push({ stream: { ssrc, payloadType: OPUS_PT, clockRate: 48000, kind: 'audio', seq: 1, ts: 1000, pictureId: 1 }, level });
  }

  video(ssrc: number): void {
    this.#streams.push({ stream: { ssrc, payloadType: VP8_PT, clockRate: 90000, kind: 'video', seq: 1, ts: 1000, pictureId: 1 }, level: () => 0 });
  }

  start(target: { ip: string; port: number }, intervalMs = 20): void {
    this.#target = target;
    this.#timer = setInterval(() => this.#tick(intervalMs), intervalMs);
    this.#tick(intervalMs);
  }

  #tick(intervalMs: number): void {
    const target = this.#target;
    if (!target) return;
    for (const { stream, level } of this.#streams) {
      const packet = stream.kind === 'audio' ? audioPacket(stream, level(), this.decodable) : vp8KeyFramePacket(stream, this.decodable);
      stream.seq++;
      stream.ts += Math.round((stream.clockRate * intervalMs) / 1000);
      stream.pictureId++;
      this.#socket.send(packet, target.port, target.ip);
    }
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  close(): void {
    this.stop();
    this.#socket.close();
  }
}

/** A local UDP socket counting received RTP packets per payload type. */
export class UdpSink {
  readonly #socket = dgram.createSocket('udp4');
  readonly byPayloadType = new Map<number, number>();
  packets = 0;

  static async open(): Promise<UdpSink> {
    const sink = new UdpSink();
    await new Promise<void>((resolve) => sink.#socket.bind(0, '127.0.0.1', resolve));
    sink.#socket.on('message', (msg) => {
      if (msg.length < 12) return;
      const pt = msg[1]! & 0x7f;
      if (pt >= 72 && pt <= 76) return; // RTCP (rtcp-mux)
      sink.packets++;
      sink.byPayloadType.set(pt, (sink.byPayloadType.get(pt) ?? 0) + 1);
    });
    return sink;
  }

  get port(): number {
    return this.#socket.address().port;
  }

  count(kind: 'audio' | 'video', consumers: { kind: string; rtpParameters: ms.RtpParameters }[]): number {
    let total = 0;
    for (const c of consumers) {
      if (c.kind !== kind) continue;
      const pt = c.rtpParameters.codecs[0]?.payloadType;
      if (pt !== undefined) total += this.byPayloadType.get(pt) ?? 0;
    }
    return total;
  }

  reset(): void {
    this.packets = 0;
    this.byPayloadType.clear();
  }

  close(): void {
    this.#socket.close();
  }
}

export function opusParameters(ssrc: number): ms.RtpParameters {
  return {
    codecs: [{ mimeType: 'audio/opus', payloadType: OPUS_PT, clockRate: 48000, channels: 2, parameters: {} }],
    encodings: [{ ssrc }],
    headerExtensions: [{ uri: AUDIO_LEVEL_URI, id: AUDIO_LEVEL_EXT_ID }],
  };
}

export function vp8Parameters(ssrcs: number[]): ms.RtpParameters {
  return {
    codecs: [{ mimeType: 'video/VP8', payloadType: VP8_PT, clockRate: 90000, parameters: {} }],
    encodings: ssrcs.map((ssrc) => ({ ssrc })),
  };
}

/** A peer that produces generated RTP through a comedia PlainTransport. */
export class FakeSender {
  readonly peer: Peer;
  readonly pump = new RtpPump();
  readonly transportId: string;
  readonly #target: { ip: string; port: number };
  mic: ProducerInfo | undefined;
  camera: ProducerInfo | undefined;

  static async create(peer: Peer, options: { decodable?: boolean } = {}): Promise<FakeSender> {
    const info = await peer.createPlainTransport({ direction: 'send', comedia: true });
    const sender = new FakeSender(peer, info.id, { ip: info.ip, port: info.port });
    sender.pump.decodable = options.decodable === true;
    return sender;
  }

  private constructor(peer: Peer, transportId: string, target: { ip: string; port: number }) {
    this.peer = peer;
    this.transportId = transportId;
    this.#target = target;
  }

  async produceAudio(level: () => number = () => 20): Promise<ProducerInfo> {
    const ssrc = nextSsrc++;
    this.mic = await this.peer.produce({ transportId: this.transportId, kind: 'audio', rtpParameters: opusParameters(ssrc), appData: { source: 'mic' } });
    this.pump.audio(ssrc, level);
    return this.mic;
  }

  /** layers: 1 = one stream, 3 = simulcast with three SSRCs */
  async produceVideo(layers: 1 | 3 = 1): Promise<ProducerInfo> {
    const ssrcs = Array.from({ length: layers }, () => nextSsrc++);
    this.camera = await this.peer.produce({ transportId: this.transportId, kind: 'video', rtpParameters: vp8Parameters(ssrcs), appData: { source: 'camera' } });
    for (const ssrc of ssrcs) this.pump.video(ssrc);
    return this.camera;
  }

  start(): void {
    this.pump.start(this.#target);
  }

  close(): void {
    this.pump.close();
  }
}

/** A peer that consumes into a PlainTransport pointed at a local UdpSink. */
export class FakeReceiver {
  readonly peer: Peer;
  readonly sink: UdpSink;
  readonly consumers: { id: string; producerId: string; kind: string; rtpParameters: ms.RtpParameters }[] = [];

  static async create(peer: Peer, room: ConferenceRoom): Promise<FakeReceiver> {
    const sink = await UdpSink.open();
    const info = await peer.createPlainTransport({ direction: 'recv' });
    await peer.connectPlainTransport(info.id, { ip: '127.0.0.1', port: sink.port });
    peer.setRtpCapabilities(room.rtpCapabilities);
    return new FakeReceiver(peer, sink);
  }

  private constructor(peer: Peer, sink: UdpSink) {
    this.peer = peer;
    this.sink = sink;
  }

  /** consume and resume, as a client does once its track is ready */
  async consume(producerId: string): Promise<string> {
    const info = await this.peer.consume(producerId);
    this.consumers.push(info);
    await this.peer.resumeConsumer(info.id);
    return info.id;
  }

  audioPackets(): number {
    return this.sink.count('audio', this.consumers);
  }

  videoPackets(): number {
    return this.sink.count('video', this.consumers);
  }

  close(): void {
    this.sink.close();
  }
}

/** Poll until the check passes (or fail with the last value after timeoutMs). */
export async function waitFor<T>(read: () => T | Promise<T>, check: (value: T) => boolean, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!check(value)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
    value = await read();
  }
  return value;
}

/** byteCount of a consumer's outgoing stream(s) as mediasoup reports it */
export async function consumerBytes(peer: Peer, consumerId: string): Promise<number> {
  const stats = await peer.getConsumerStats(consumerId);
  return stats.filter((s) => s.type === 'outbound-rtp').reduce((sum, s) => sum + s.byteCount, 0);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
