/**
 * media/recording against real workers and a real ffmpeg: two fake endpoints
 * send RTP, the recorder follows the stage from one to the other, and the
 * finished file has both tracks, the expected length and the chapters; and
 * a camera that, like a browser's, sends a key frame only when asked for
 * one is still recorded after a switch long after the start; and a room with
 * no camera at all has its sound in the file as it is spoken, not held until
 * a camera appears (or lost with the process).
 */
import { execFile } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConferenceRoom } from '../../media/conference-room.ts';
import type { ProducerInfo } from '../../media/types.ts';
import { RoomRegistry } from '../../media/room-registry.ts';
import { RoomRecorder } from '../../media/recording/room-recorder.ts';
import { finaliseRecording } from '../../media/recording/finalise.ts';
import { WorkerPool } from '../../media/worker-pool.ts';
import { ffprobe } from '../helpers/ffprobe.ts';
import { FakeSender, mediaTestConfig, permissions, sleep, waitFor } from '../helpers/media-rtp.ts';

const config = mediaTestConfig({ peersPerRouter: 1 });
let pool: WorkerPool;
let rooms: RoomRegistry;
let dir: string;
const senders: { close(): void }[] = [];

beforeAll(async () => {
  pool = await WorkerPool.create(config);
  rooms = new RoomRegistry(pool, config);
  dir = await mkdtemp(path.join(os.tmpdir(), 'rec-media-'));
});

afterAll(async () => {
  for (const s of senders) s.close();
  rooms?.close();
  pool?.close();
  await rm(dir, { recursive: true, force: true });
});

async function sender(room: Awaited<ReturnType<RoomRegistry['getOrCreate']>>, peerId: string): Promise<FakeSender> {
  const peer = await room.join({ peerId, displayName: peerId, permissions: permissions() });
  const s = await FakeSender.create(peer, { decodable: true });
  await s.produceAudio();
  await s.produceVideo();
  s.start();
  senders.push(s);
  return s;
}

/** A 160x120 VP8 key frame (libvpx, flat colour): ffmpeg learns the size from it. */
const VP8_KEY_FRAME = Buffer.from(
  'MAcAnQEqoAB4AABHCIWFiJmEiAKCAuy6A/gCBrqsIzT3GnazT3GolXmms6dOnTp06dOnTp06dOnTp06dOnTp06dHAP73xF//0KH9Ch/Qof/Qof/27P67P67P+rrixYfQAA==',
  'base64',
);
/** A VP8 inter frame's tag (not a key frame, shown, first partition of 4 bytes) and filler: copied, never decoded. */
const VP8_DELTA_FRAME = Buffer.concat([Buffer.from([0x91, 0x00, 0x00]), Buffer.alloc(300, 0x5a)]);

/**
 * A camera (and a mic) like a browser's: 25 frames a second, one RTP packet
 * each, a key frame only when mediasoup forwards a PLI or FIR for it, and
 * like libwebrtc's at most one per 300 ms (a request sooner is ignored).
 */
class AskedKeyFrameSender {
  readonly #socket = dgram.createSocket('udp4');
  readonly #audio = { ssrc: 0, seq: 1, ts: 0 };
  readonly #video = { ssrc: 0, seq: 1, ts: 0, pictureId: 1 };
  #keyFrameAsked = false;
  #lastKeyFrameAt = 0;
  #timer: NodeJS.Timeout | undefined;
  keyFramesSent = 0;
  mic: ProducerInfo | undefined;
  camera: ProducerInfo | undefined;

  static async create(room: ConferenceRoom, peerId: string, ssrcBase: number): Promise<AskedKeyFrameSender> {
    const peer = await room.join({ peerId, displayName: peerId, permissions: permissions() });
    const info = await peer.createPlainTransport({ direction: 'send', comedia: true });
    const sender = new AskedKeyFrameSender(ssrcBase);
    sender.mic = await peer.produce({
      transportId: info.id,
      kind: 'audio',
      rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2, parameters: {} }], encodings: [{ ssrc: ssrcBase }] },
      appData: { source: 'mic' },
    });
    sender.camera = await peer.produce({
      transportId: info.id,
      kind: 'video',
      rtpParameters: {
        codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000, parameters: {}, rtcpFeedback: [{ type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }] }],
        encodings: [{ ssrc: ssrcBase + 1 }],
      },
      appData: { source: 'camera' },
    });
    sender.#timer = setInterval(() => sender.#tick(info.ip, info.port), 40);
    senders.push(sender);
    return sender;
  }

  private constructor(ssrcBase: number) {
    this.#audio.ssrc = ssrcBase;
    this.#video.ssrc = ssrcBase + 1;
    // RTCP from the SFU (rtcp-mux, back to where the RTP came from): a PLI or FIR for our camera
    this.#socket.on('message', (msg) => {
      for (let at = 0; at + 12 <= msg.length; at += ((msg.readUInt16BE(at + 2) + 1) * 4)) {
        const fmt = msg[at]! & 0x1f;
        const media = msg[at + 1] === 206 && (fmt === 1 ? msg.readUInt32BE(at + 8) : fmt === 4 && at + 16 <= msg.length ? msg.readUInt32BE(at + 12) : 0);
        if (media === this.#video.ssrc && Date.now() - this.#lastKeyFrameAt >= 300) this.#keyFrameAsked = true;
      }
    });
  }

  #tick(ip: string, port: number): void {
    const rtp = (payloadType: number, marker: boolean, s: { ssrc: number; seq: number; ts: number }, payload: Buffer) => {
      const header = Buffer.alloc(12);
      header[0] = 0x80;
      header[1] = (marker ? 0x80 : 0) | payloadType;
      header.writeUInt16BE(s.seq++ & 0xffff, 2);
      header.writeUInt32BE(s.ts >>> 0, 4);
      header.writeUInt32BE(s.ssrc, 8);
      return Buffer.concat([header, payload]);
    };
    for (let i = 0; i < 2; i++) {
      this.#socket.send(rtp(100, false, this.#audio, Buffer.from([0xf8, 0xff, 0xfe])), port, ip);
      this.#audio.ts += 960;
    }
    const key = this.#keyFrameAsked;
    this.#keyFrameAsked = false;
    if (key) {
      this.keyFramesSent++;
      this.#lastKeyFrameAt = Date.now();
    }
    const pid = this.#video.pictureId++ & 0x7fff;
    const descriptor = Buffer.from([0x90, 0x80, 0x80 | (pid >> 8), pid & 0xff]);
    this.#socket.send(rtp(101, true, this.#video, Buffer.concat([descriptor, key ? VP8_KEY_FRAME : VP8_DELTA_FRAME])), port, ip);
    this.#video.ts += 3600;
  }

  close(): void {
    clearInterval(this.#timer);
    this.#socket.close();
  }
}

/** When the last video packet of a file starts, and the file's duration (s). */
async function videoEnd(file: string): Promise<{ lastVideoS: number; durationS: number }> {
  const { stdout } = await promisify(execFile)('ffprobe', ['-v', 'error', '-select_streams', 'v', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', file]);
  const times = stdout.split('\n').filter(Boolean).map(Number);
  return { lastVideoS: Math.max(...times), durationS: (await ffprobe(file)).durationS };
}

describe('RoomRecorder', () => {
  it('records the stage across a switch into a playable WebM with chapters', async () => {
    const room = await rooms.getOrCreate('rec-1');
    const a = await sender(room, 'a');
    const b = await sender(room, 'b');
    room.setSpotlight('a');
    const raw = path.join(dir, 'one.webm.rec');
    const started = Date.now();
    const recorder = await RoomRecorder.start(room, { output: raw, ffmpeg: 'ffmpeg', listenIp: '127.0.0.1' });
    expect(recorder.sources).toEqual({ audio: a.mic!.id, video: a.camera!.id });
    await waitFor(() => stat(raw).then((s) => s.size, () => 0), (size) => size > 0, 8000, 'ffmpeg writing').catch(async (error: unknown) => {
      throw new Error(`${String(error)}\nffmpeg: ${(await recorder.stop()).stderr}`);
    });
    await sleep(2500);
    room.setSpotlight('b');
    await waitFor(() => recorder.sources.video, (v) => v === b.camera!.id, 5000, 'video follows the stage');
    // the audio source follows on its own event (the stage's mic), not necessarily in the same tick as the video
    await waitFor(() => recorder.sources.audio, (id) => id === b.mic!.id, 5000, 'audio follows the stage');
    await sleep(3000);
    const exit = await recorder.stop();
    const wallMs = Date.now() - started;
    expect(exit.signal === null || exit.code === 0 || exit.code === 255).toBe(true);

    const out = path.join(dir, 'one.webm');
    const result = await finaliseRecording({ ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' }, raw, out, 'Họp thử', (duration) => [
      { title: 'Mục 1: Khai mạc', startMs: 0 },
      { title: 'Mục 2: Thảo luận', startMs: duration / 2 },
    ]);
    const probe = await ffprobe(out);
    expect(probe.streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort()).toEqual(['audio:opus', 'video:vp8']);
    // the file starts at ffmpeg's first packet, a little after start()
    expect(Math.abs(probe.durationS * 1000 - wallMs)).toBeLessThanOrEqual(1500);
    expect(Math.abs(result.durationMs - probe.durationS * 1000)).toBeLessThan(100);
    expect(probe.chapters.map((c) => c.tags?.title)).toEqual(['Mục 1: Khai mạc', 'Mục 2: Thảo luận']);
  }, 40_000);

  it('keeps recording through a silent stretch longer than ffmpeg waits for packets', async () => {
    const room = await rooms.getOrCreate('rec-2');
    const a = await sender(room, 'solo');
    const raw = path.join(dir, 'two.webm.rec');
    const recorder = await RoomRecorder.start(room, { output: raw, ffmpeg: 'ffmpeg', listenIp: '127.0.0.1' });
    await waitFor(() => stat(raw).then((s) => s.size, () => 0), (size) => size > 0, 8000, 'ffmpeg writing');
    // everyone muted, camera off: nothing to consume for longer than ffmpeg's 5 s
    await a.peer.pauseProducer(a.mic!.id);
    await a.peer.pauseProducer(a.camera!.id);
    await waitFor(() => recorder.sources, (s) => s.audio === undefined && s.video === undefined, 3000, 'nothing consumed');
    await sleep(7000);
    expect(recorder.ended).toBe(false);
    await a.peer.resumeProducer(a.mic!.id);
    await a.peer.resumeProducer(a.camera!.id);
    await waitFor(() => recorder.sources.video, (v) => v === a.camera!.id, 3000, 'camera back');
    const size = (await stat(raw)).size;
    await waitFor(() => stat(raw).then((s) => s.size), (now) => now > size + 5000, 8000, 'media written again');
    // stopped while silent: ffmpeg is nudged to close the file, not killed
    await a.peer.pauseProducer(a.mic!.id);
    await a.peer.pauseProducer(a.camera!.id);
    await waitFor(() => recorder.sources, (s) => s.audio === undefined && s.video === undefined, 3000, 'nothing consumed again');
    const asked = Date.now();
    const exit = await recorder.stop();
    expect(exit.signal).toBeNull();
    expect(exit.code === 0 || exit.code === 255).toBe(true);
    expect(Date.now() - asked).toBeLessThan(3000);
    const out = path.join(dir, 'two.webm');
    const { durationMs } = await finaliseRecording({ ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' }, raw, out, 'Họp', () => []);
    expect(durationMs).toBeGreaterThan(7000);
  }, 40_000);

  it('records the video of a camera switched to long after the start, though it sends key frames only when asked', async () => {
    const room = await rooms.getOrCreate('rec-3');
    const a = await AskedKeyFrameSender.create(room, 'a3', 7000);
    const b = await AskedKeyFrameSender.create(room, 'b3', 7100);
    room.setSpotlight('a3');
    const raw = path.join(dir, 'three.webm.rec');
    const recorder = await RoomRecorder.start(room, { output: raw, ffmpeg: 'ffmpeg', listenIp: '127.0.0.1' });
    const size = () => stat(raw).then((s) => s.size, () => 0);
    await waitFor(size, (n) => n > 0, 8000, 'ffmpeg writing').catch(async (error: unknown) => {
      throw new Error(`${String(error)}\nffmpeg: ${(await recorder.stop()).stderr}`);
    });
    expect(a.keyFramesSent).toBeGreaterThan(0);
    // past the key frames asked for at the start
    await sleep(4000);
    room.setSpotlight('b3');
    await waitFor(() => recorder.sources.video, (v) => v === b.camera!.id, 5000, 'video follows the stage');
    const switched = await size();
    // the file goes on growing: ffmpeg took b's video (and so writes the audio it holds back while the video has none)
    await waitFor(size, (n) => n > switched + 20_000, 10_000, 'the file grows after the switch').catch(async (error: unknown) => {
      throw new Error(`${String(error)}\nkey frames sent by b: ${b.keyFramesSent}\nffmpeg: ${(await recorder.stop()).stderr}`);
    });
    await sleep(1000);
    await recorder.stop();
    const out = path.join(dir, 'three.webm');
    await finaliseRecording({ ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' }, raw, out, 'Họp', () => []);
    const { lastVideoS, durationS } = await videoEnd(out);
    expect(durationS).toBeGreaterThan(5);
    expect(lastVideoS).toBeGreaterThan(durationS - 1.5);
  }, 40_000);

  it('writes the sound of a room with no camera as it comes: the file being written holds the last seconds', async () => {
    const room = await rooms.getOrCreate('rec-4');
    const peer = await room.join({ peerId: 'voice', displayName: 'voice', permissions: permissions() });
    const voice = await FakeSender.create(peer, { decodable: true });
    await voice.produceAudio();
    voice.start();
    senders.push(voice);
    const raw = path.join(dir, 'four.webm.rec');
    const recorder = await RoomRecorder.start(room, { output: raw, ffmpeg: 'ffmpeg', listenIp: '127.0.0.1' });
    const started = Date.now();
    expect(recorder.sources).toEqual({ audio: expect.any(String), video: undefined });
    // What the file holds so far (a WebM still being written), up to when: its last audio packet.
    const lastAudioS = async () => {
      const { stdout } = await promisify(execFile)('ffprobe', ['-v', 'error', '-select_streams', 'a', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', raw]).catch(() => ({ stdout: '' }));
      const times = stdout.split('\n').filter(Boolean).map(Number);
      return times.length === 0 ? 0 : Math.max(...times);
    };
    await sleep(6000);
    const spokenS = (Date.now() - started) / 1000;
    // Held back until a video packet came, none of it was in the file before: now all but the last few seconds are.
    await waitFor(lastAudioS, (s) => s > spokenS - 3, 5000, 'the sound so far in the file').catch(async (error: unknown) => {
      throw new Error(`${String(error)}\nffmpeg: ${(await recorder.stop()).stderr}`);
    });
    await recorder.stop();
    const out = path.join(dir, 'four.webm');
    const { durationMs } = await finaliseRecording({ ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' }, raw, out, 'Họp', () => []);
    expect(durationMs).toBeGreaterThan(5000);
    const probe = await ffprobe(out);
    expect(probe.streams.map((s) => s.codec_type)).toContain('audio');
  }, 40_000);
});
