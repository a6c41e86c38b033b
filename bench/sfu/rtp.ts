/**
 * Generated media for the SFU benchmark: one Opus-like audio stream (with the
 * audio-level header extension, 50 packets/s) and a VP8 camera in three
 * simulcast layers at 30 frames/s, each frame a key frame split into 1, 2 and
 * 4 packets (quarter, half, full resolution): what a hall's camera sends,
 * without an encoder. Sent from one UDP socket to a comedia PlainTransport.
 */
import dgram from 'node:dgram';
import type * as ms from 'mediasoup/types';

export const OPUS_PT = 100;
export const VP8_PT = 101;
export const AUDIO_LEVEL_EXT_ID = 1;
export const AUDIO_LEVEL_URI = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level';

/** packets per frame of each simulcast layer, and bytes of payload per packet */
export const LAYERS = [
  { packetsPerFrame: 1, bytes: 300 },
  { packetsPerFrame: 2, bytes: 700 },
  { packetsPerFrame: 4, bytes: 1100 },
] as const;
export const FPS = 30;
export const AUDIO_PPS = 50;

export function opusParameters(ssrc: number): ms.RtpParameters {
  return {
    codecs: [{ mimeType: 'audio/opus', payloadType: OPUS_PT, clockRate: 48000, channels: 2, parameters: {} }],
    encodings: [{ ssrc }],
    headerExtensions: [{ uri: AUDIO_LEVEL_URI as ms.RtpHeaderExtensionUri, id: AUDIO_LEVEL_EXT_ID }],
  };
}

export function vp8SimulcastParameters(ssrcs: readonly number[]): ms.RtpParameters {
  return {
    codecs: [{ mimeType: 'video/VP8', payloadType: VP8_PT, clockRate: 90000, parameters: {} }],
    encodings: ssrcs.map((ssrc) => ({ ssrc })),
  };
}

export function header(pt: number, marker: boolean, seq: number, ts: number, ssrc: number, extension: boolean): Buffer {
  const h = Buffer.alloc(12);
  h[0] = extension ? 0x90 : 0x80;
  h[1] = (marker ? 0x80 : 0) | (pt & 0x7f);
  h.writeUInt16BE(seq & 0xffff, 2);
  h.writeUInt32BE(ts >>> 0, 4);
  h.writeUInt32BE(ssrc >>> 0, 8);
  return h;
}

type Video = { ssrc: number; seq: number; pictureId: number; layer: (typeof LAYERS)[number] };

export class RtpGenerator {
  readonly #socket = dgram.createSocket('udp4');
  readonly audioSsrc: number;
  readonly videoSsrcs: number[];
  readonly #video: Video[];
  #audioSeq = 1;
  #timer: NodeJS.Timeout | undefined;
  #started = 0;
  #audioSent = 0;
  #framesSent = 0;
  packetsSent = 0;

  constructor(base: number) {
    this.audioSsrc = base;
    this.videoSsrcs = [base + 1, base + 2, base + 3];
    this.#video = this.videoSsrcs.map((ssrc, i) => ({ ssrc, seq: 1, pictureId: 1, layer: LAYERS[i]! }));
  }

  /** packets per second the producer sends in all */
  static get packetsPerSecond(): number {
    return AUDIO_PPS + FPS * LAYERS.reduce((sum, l) => sum + l.packetsPerFrame, 0);
  }

  start(target: { ip: string; port: number }): void {
    this.#started = performance.now();
    // A fine timer that catches up on what is due, so the rate holds even when the event loop is late.
    this.#timer = setInterval(() => this.#tick(target), 5);
  }

  #tick(target: { ip: string; port: number }): void {
    const elapsed = (performance.now() - this.#started) / 1000;
    while (this.#audioSent < elapsed * AUDIO_PPS) {
      const ts = 1000 + this.#audioSent * 960;
      const ext = Buffer.from([0xbe, 0xde, 0x00, 0x01, (AUDIO_LEVEL_EXT_ID << 4) | 0, 0x80 | 30, 0x00, 0x00]);
      this.#send(Buffer.concat([header(OPUS_PT, false, this.#audioSeq++, ts, this.audioSsrc, true), ext, Buffer.alloc(60, 0x55)]), target);
      this.#audioSent++;
    }
    while (this.#framesSent < elapsed * FPS) {
      const ts = 1000 + this.#framesSent * 3000;
      for (const stream of this.#video) {
        const pid = stream.pictureId++ & 0x7fff;
        for (let p = 0; p < stream.layer.packetsPerFrame; p++) {
          const first = p === 0;
          const last = p === stream.layer.packetsPerFrame - 1;
          // VP8 payload descriptor: X=1, S on the first packet, PID 15 bits
          const descriptor = Buffer.from([first ? 0x90 : 0x80, 0x80, 0x80 | (pid >> 8), pid & 0xff]);
          // key frame header (640x480) on the first packet of the frame
          const vp8 = first ? Buffer.from([0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01]) : Buffer.alloc(0);
          const payload = Buffer.alloc(stream.layer.bytes - vp8.length, 0x33);
          this.#send(Buffer.concat([header(VP8_PT, last, stream.seq++, ts, stream.ssrc, false), descriptor, vp8, payload]), target);
        }
      }
      this.#framesSent++;
    }
  }

  #send(packet: Buffer, target: { ip: string; port: number }): void {
    this.packetsSent++;
    this.#socket.send(packet, target.port, target.ip);
  }

  close(): void {
    clearInterval(this.#timer);
    this.#socket.close();
  }
}
