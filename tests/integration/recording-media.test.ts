/**
 * media/recording against real workers and a real ffmpeg: two fake endpoints
 * send RTP, the recorder follows the stage from one to the other, and the
 * finished file has both tracks, the expected length and the chapters.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
const senders: FakeSender[] = [];

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
});
