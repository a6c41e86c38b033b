/**
 * What a commune point sends: an Opus-like mic (50 packets/s, audio level
 * extension) and a small VP8 camera (one stream, 15 frames/s, one packet per
 * frame). Unlike the hall's generator (bench/sfu/rtp.ts, every frame a key
 * frame), a commune sends delta frames and a key frame only when mediasoup
 * asks for one (RTCP PLI or FIR on the same socket, rtcp-mux), as an encoder
 * does: so "give the floor → key frame at every point" includes the key frame
 * request's round trip, not just the first forwarded packet.
 *
 * All communes share one fine timer that catches up on what is due.
 */
import dgram from 'node:dgram';
import type * as ms from 'mediasoup/types';
import { AUDIO_LEVEL_EXT_ID, AUDIO_PPS, OPUS_PT, VP8_PT, header } from '../sfu/rtp.ts';

export const COMMUNE_FPS = 15;
const VIDEO_BYTES = 900;
const RTCP_PSFB = 206;
const FMT_PLI = 1;
const FMT_FIR = 4;

/**
 * One VP8 stream that takes key frame requests: without PLI/FIR in its
 * rtcpFeedback mediasoup never asks the producer for one, and a new consumer
 * waits for a key frame forever (as a browser's camera, which declares them).
 */
export function communeCameraParameters(ssrc: number): ms.RtpParameters {
  return {
    codecs: [
      {
        mimeType: 'video/VP8',
        payloadType: VP8_PT,
        clockRate: 90000,
        parameters: {},
        rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }],
      },
    ],
    encodings: [{ ssrc }],
  };
}

export class CommuneSender {
  readonly socket = dgram.createSocket('udp4');
  readonly audioSsrc: number;
  readonly videoSsrc: number;
  target: { ip: string; port: number } | undefined;
  audioSeq = 1;
  videoSeq = 1;
  pictureId = 1;
  /** the next frame is a key frame (the first one, and after each PLI/FIR) */
  keyPending = true;
  keyRequests = 0;

  constructor(ssrcBase: number) {
    this.audioSsrc = ssrcBase;
    this.videoSsrc = ssrcBase + 1;
    this.socket.on('message', (msg) => this.#onRtcp(msg));
  }

  async bind(): Promise<void> {
    await new Promise<void>((resolve) => this.socket.bind(0, '127.0.0.1', resolve));
  }

  /** walk a compound RTCP packet for a picture loss indication or a full intra request */
  #onRtcp(msg: Buffer): void {
    let offset = 0;
    while (offset + 4 <= msg.length) {
      const fmt = msg[offset]! & 0x1f;
      const pt = msg[offset + 1]!;
      if (pt === RTCP_PSFB && (fmt === FMT_PLI || fmt === FMT_FIR)) {
        this.keyPending = true;
        this.keyRequests++;
      }
      offset += (msg.readUInt16BE(offset + 2) + 1) * 4;
    }
  }

  sendAudio(index: number): void {
    const ext = Buffer.from([0xbe, 0xde, 0x00, 0x01, (AUDIO_LEVEL_EXT_ID << 4) | 0, 0x80 | 40, 0x00, 0x00]);
    this.#send(Buffer.concat([header(OPUS_PT, false, this.audioSeq++, 1000 + index * 960, this.audioSsrc, true), ext, Buffer.alloc(60, 0x55)]));
  }

  sendFrame(index: number): void {
    const key = this.keyPending;
    this.keyPending = false;
    const pid = this.pictureId++ & 0x7fff;
    // VP8 payload descriptor: X=1, S=1, partition 0, 15-bit picture id
    const descriptor = Buffer.from([0x90, 0x80, 0x80 | (pid >> 8), pid & 0xff]);
    // frame tag: bit 0 clear = key frame (then the start code and 320x240), set = delta frame
    const vp8 = key ? Buffer.from([0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00]) : Buffer.from([0x11, 0x02, 0x00]);
    const payload = Buffer.alloc(VIDEO_BYTES - vp8.length, 0x33);
    this.#send(Buffer.concat([header(VP8_PT, true, this.videoSeq++, 1000 + index * (90000 / COMMUNE_FPS), this.videoSsrc, false), descriptor, vp8, payload]));
  }

  #send(packet: Buffer): void {
    if (this.target) this.socket.send(packet, this.target.port, this.target.ip);
  }

  close(): void {
    this.socket.close();
  }
}

/** Drives every commune's mic and camera from one timer. */
export class CommuneGenerators {
  readonly senders: CommuneSender[] = [];
  #timer: NodeJS.Timeout | undefined;
  #started = 0;
  #audioSent = 0;
  #framesSent = 0;

  /** packets per second one commune sends */
  static get packetsPerSecond(): number {
    return AUDIO_PPS + COMMUNE_FPS;
  }

  async add(ssrcBase: number): Promise<CommuneSender> {
    const sender = new CommuneSender(ssrcBase);
    await sender.bind();
    this.senders.push(sender);
    return sender;
  }

  start(): void {
    this.#started = performance.now();
    this.#timer = setInterval(() => this.#tick(), 5);
  }

  #tick(): void {
    const elapsed = (performance.now() - this.#started) / 1000;
    while (this.#audioSent < elapsed * AUDIO_PPS) {
      for (const sender of this.senders) sender.sendAudio(this.#audioSent);
      this.#audioSent++;
    }
    while (this.#framesSent < elapsed * COMMUNE_FPS) {
      for (const sender of this.senders) sender.sendFrame(this.#framesSent);
      this.#framesSent++;
    }
  }

  close(): void {
    clearInterval(this.#timer);
    for (const sender of this.senders) sender.close();
  }
}
