/**
 * Recording a real conference (issue 14, acceptance 5 without the browser):
 * the real server, database, mediasoup workers and ffmpeg; the chair joins
 * over Socket.io, two RTP-level endpoints send decodable audio and video into
 * the room, the chair records across two agenda changes and a stage switch,
 * and ffprobe checks the file: audio and video of the expected length, one
 * chapter per agenda item. Then who may start, stop, list and fetch, a
 * refusal for lack of disk, and an ffmpeg killed mid-recording.
 */
import { kill } from 'node:process';
import { execFile } from 'node:child_process';
import { rm, stat, statfs } from 'node:fs/promises';
import { promisify } from 'node:util';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgendaItemDto, MeetingDto } from '../../server/contract/meetings.ts';
import type { RecordingDto, RecordingEnvelope, RecordingsEnvelope } from '../../server/contract/recording.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { ffprobe } from '../helpers/ffprobe.ts';
import { FakeSender, permissions, sleep, waitFor } from '../helpers/media-rtp.ts';
import { addAgendaItem, changeStatus, createMeeting, loggedIn, secretariat, type Directory } from '../helpers/meetings.ts';
import { People } from '../helpers/people.ts';
import { startTestServer, type TestClient, type TestServer } from '../helpers/server.ts';

type Pushed = { event: string; payload: Record<string, unknown> };

const MEDIA_ENV = { MEDIA_WORKERS: '1', MEDIA_LISTEN_IP: '127.0.0.1', MEDIA_WEBRTC_PORT: '20000-29999', MEDIA_PEER_TIMEOUT_MS: '600000', MEDIA_ALLOW_PLAIN_TRANSPORTS: 'true' };

describe('conference recording', () => {
  let db: TestDatabase;
  let server: TestServer;
  let meeting: MeetingDto;
  let other: MeetingDto;
  let items: AgendaItemDto[];
  let directory: Directory;
  let secretary: TestClient;
  let people: People<{ pushes: Pushed[] }>;
  const senders: FakeSender[] = [];
  let recorded: RecordingDto;

  const base = (meetingId = meeting.id) => `/api/v1/meetings/${meetingId}/recordings`;
  const client = (name: string) => people.get(name).client;

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db, { ...MEDIA_ENV, RECORDING_MIN_FREE_MB: '1', RECORDING_DISK_CHECK_MS: '200' });
    people = new People(server.url, (socket) => {
      const pushes: Pushed[] = [];
      socket.onAny((event: string, payload: Record<string, unknown>) => {
        if (event === 'conference:recording') pushes.push({ event, payload });
      });
      return { pushes };
    });
    ({ secretary, directory } = await secretariat(server.url));
    meeting = await createMeeting(secretary, directory, {
      title: 'Hội nghị trực tuyến ghi hình',
      membershipTotal: 2,
      members: [['bithu', 'chair'], ['caophong.bithu', 'delegate'], ['khach', 'guest']],
    });
    items = [];
    for (const title of ['Khai mạc hội nghị', 'Báo cáo kinh tế – xã hội', 'Thảo luận và kết luận']) items.push(await addAgendaItem(secretary, meeting, { title, plannedMinutes: 10 }));
    other = await createMeeting(secretary, directory, { title: 'Cuộc họp khác', membershipTotal: 1, members: [['phobithu', 'chair']] });
    for (const m of [meeting, other]) {
      await changeStatus(secretary, m, 'published');
      await changeStatus(secretary, m, 'in_session');
    }
    for (const name of ['bithu', 'caophong.bithu', 'khach', 'phobithu', 'paco.chutich']) await people.connect(name);
  });

  afterAll(async () => {
    for (const s of senders) s.close();
    people?.disconnectAll();
    await server?.close();
    await db?.drop();
  });

  /** An RTP-level endpoint in the room: a peer with a mic and a camera sending decodable media. */
  async function endpoint(peerId: string): Promise<FakeSender> {
    const room = server.app.modules.conference.service.room(meeting.id)!;
    const peer = await room.join({ peerId, displayName: `Điểm cầu ${peerId}`, permissions: permissions() });
    const sender = await FakeSender.create(peer, { decodable: true });
    await sender.produceAudio();
    await sender.produceVideo();
    sender.start();
    senders.push(sender);
    return sender;
  }

  it('refuses to record a conference nobody joined, and anyone but the chair', async () => {
    expect((await client('bithu').post(base())).body).toMatchObject({ error: expect.objectContaining({ code: 'recordingNoConference' }) });
    await people.act('bithu', 'conference:join', { meetingId: meeting.id });
    await people.act('caophong.bithu', 'conference:join', { meetingId: meeting.id });
    expect((await client('bithu').post(base())).body).toMatchObject({ error: expect.objectContaining({ code: 'recordingNoVideo' }) });
    expect((await client('caophong.bithu').post(base())).status).toBe(403);
    expect((await client('khach').post(base())).status).toBe(403);
    expect((await client('paco.chutich').post(base())).status).toBe(404);
    expect((await client('phobithu').post(base())).status).toBe(404);
  });

  it('records the stage across two agenda changes into a file ffprobe reads, with a chapter per item', async () => {
    await people.act('bithu', 'agenda:open', { meetingId: meeting.id, itemId: items[0]!.id });
    const a = await endpoint('a');
    const b = await endpoint('b');
    const room = server.app.modules.conference.service.room(meeting.id)!;
    room.setSpotlight('a');

    const before = Date.now();
    const started = await client('bithu').post<RecordingEnvelope>(base());
    const startedAt = Date.now();
    expect(started.status).toBe(201);
    expect(started.body.recording).toMatchObject({ status: 'recording', fileUrl: null });
    expect((await client('bithu').post(base())).status).toBe(409);
    for (const name of ['bithu', 'caophong.bithu']) {
      await expect.poll(() => people.get(name).pushes.some((p) => (p.payload.recording as RecordingDto | null)?.id === started.body.recording.id)).toBe(true);
    }
    const listed = await client('caophong.bithu').get<RecordingsEnvelope>(base());
    expect(listed.body.active?.id).toBe(started.body.recording.id);
    const recorder = server.app.modules.conference.recording.recorder(meeting.id)!;
    expect(recorder.sources).toEqual({ audio: a.mic!.id, video: a.camera!.id });

    await sleep(2500);
    const second = Date.now();
    await people.act('bithu', 'agenda:next', { meetingId: meeting.id });
    room.setSpotlight('b');
    await waitFor(() => recorder.sources.video, (v) => v === b.camera!.id, 2000, 'the recorder follows the stage');
    await sleep(2500);
    const third = Date.now();
    await people.act('bithu', 'agenda:next', { meetingId: meeting.id });
    await sleep(2500);

    expect((await client('caophong.bithu').post(`${base()}/stop`)).status).toBe(403);
    // ffmpeg is told to stop as the request arrives; the answer comes after the remux
    const stoppedAt = Date.now();
    const stopped = await client('bithu').post<RecordingEnvelope>(`${base()}/stop`);
    expect(stopped.status).toBe(200);
    recorded = stopped.body.recording;
    expect(recorded).toMatchObject({ status: 'ready', stopReason: 'chair' });
    expect(recorded.fileUrl).toBe(`${base()}/${recorded.id}/file`);
    expect(recorded.chapters.map((c) => c.title)).toEqual(['Khai mạc hội nghị', 'Báo cáo kinh tế – xã hội', 'Thảo luận và kết luận']);
    await expect.poll(() => people.get('caophong.bithu').pushes.at(-1)?.payload.recording).toBeNull();
    expect((await client('bithu').post(`${base()}/stop`)).status).toBe(409);

    const file = path.join(server.config.recording.dir, `${recorded.id}.webm`);
    const probe = await ffprobe(file);
    expect(probe.streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort()).toEqual(['audio:opus', 'video:vp8']);
    const expectedS = (stoppedAt - startedAt) / 1000;
    expect(Math.abs(probe.durationS - expectedS)).toBeLessThanOrEqual(1.5);
    expect(Math.abs((recorded.durationMs ?? 0) / 1000 - probe.durationS)).toBeLessThan(0.1);
    expect(probe.chapters.map((c) => c.tags?.title)).toEqual(['Khai mạc hội nghị', 'Báo cáo kinh tế – xã hội', 'Thảo luận và kết luận']);
    const starts = probe.chapters.map((c) => Number(c.start_time));
    expect(starts[0]).toBe(0);
    expect(Math.abs(starts[1]! - (second - before) / 1000)).toBeLessThanOrEqual(1.5);
    expect(Math.abs(starts[2]! - (third - before) / 1000)).toBeLessThanOrEqual(1.5);
    expect(Number(probe.chapters[2]!.end_time)).toBeCloseTo(probe.durationS, 1);
  }, 60_000);

  it('lets participants of the meeting list and stream it with ranges, nobody else', async () => {
    const list = await client('khach').get<RecordingsEnvelope>(base());
    expect(list.status).toBe(200);
    expect(list.body.active).toBeNull();
    expect(list.body.recordings[0]).toMatchObject({ id: recorded.id, status: 'ready', chapters: recorded.chapters });

    const whole = await client('caophong.bithu').fetchRaw(recorded.fileUrl!);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('video/webm');
    const size = (await whole.arrayBuffer()).byteLength;
    expect(size).toBe((await stat(path.join(server.config.recording.dir, `${recorded.id}.webm`))).size);
    const part = await client('caophong.bithu').fetchRaw(recorded.fileUrl!, { range: 'bytes=100-199' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${size}`);
    expect((await part.arrayBuffer()).byteLength).toBe(100);

    const vtt = await client('khach').fetchRaw(`${base()}/${recorded.id}/chapters.vtt`);
    expect(vtt.headers.get('content-type')).toContain('text/vtt');
    const text = await vtt.text();
    expect(text.startsWith('WEBVTT')).toBe(true);
    expect(text).toContain('00:00:00.000 --> ');
    expect(text).toContain('Báo cáo kinh tế – xã hội');

    // outsiders: the meeting does not exist for them
    for (const name of ['paco.chutich', 'phobithu']) {
      expect((await client(name).get(base())).status).toBe(404);
      expect((await client(name).fetchRaw(recorded.fileUrl!)).status).toBe(404);
      expect((await client(name).get(`${base()}/${recorded.id}`)).status).toBe(404);
    }
    // the other meeting's chair cannot reach it through their own meeting
    expect((await client('phobithu').fetchRaw(`${base(other.id)}/${recorded.id}/file`)).status).toBe(404);
    expect((await client('phobithu').get(`${base(other.id)}/${recorded.id}`)).status).toBe(404);
    const anonymous = await loggedIn(server.url, 'khach');
    anonymous.cookies.clear();
    expect((await anonymous.fetchRaw(recorded.fileUrl!)).status).toBe(401);
    expect((await client('khach').fetchRaw(`${base()}/not-a-uuid/file`)).status).toBe(400);
  });

  it('closes a playable file when ffmpeg dies mid-recording', async () => {
    const started = await client('bithu').post<RecordingEnvelope>(base());
    expect(started.status).toBe(201);
    const raw = path.join(server.config.recording.dir, `${started.body.recording.id}.webm.rec`);
    await waitFor(() => stat(raw).then((s) => s.size, () => 0), (size) => size > 20_000, 10_000, 'ffmpeg writing');
    const pid = server.app.modules.conference.recording.recorder(meeting.id)!.pid!;
    kill(pid, 'SIGKILL');
    const done = await waitFor(
      async () => (await client('bithu').get<RecordingEnvelope>(`${base()}/${started.body.recording.id}`)).body.recording,
      (r) => r.status !== 'recording' && r.status !== 'finalising',
      10_000,
      'the killed recording closed',
    );
    expect(done).toMatchObject({ status: 'ready', stopReason: 'error' });
    const probe = await ffprobe(path.join(server.config.recording.dir, `${started.body.recording.id}.webm`));
    expect(probe.streams.map((s) => s.codec_type).sort()).toEqual(['audio', 'video']);
    expect(probe.durationS).toBeGreaterThan(0.5);
  }, 30_000);

  it('stops and closes the file when the meeting closes', async () => {
    const started = await client('bithu').post<RecordingEnvelope>(base());
    expect(started.status).toBe(201);
    const raw = path.join(server.config.recording.dir, `${started.body.recording.id}.webm.rec`);
    await waitFor(() => stat(raw).then((s) => s.size, () => 0), (size) => size > 0, 10_000, 'ffmpeg writing');
    await changeStatus(secretary, meeting, 'closed');
    const done = await waitFor(
      async () => (await client('bithu').get<RecordingEnvelope>(`${base()}/${started.body.recording.id}`)).body.recording,
      (r) => r.status === 'ready' || r.status === 'failed',
      15_000,
      'the recording closed with the meeting',
    );
    expect(done).toMatchObject({ status: 'ready', stopReason: 'meeting-closed' });
    expect((await client('bithu').post(base())).status).toBe(409);
  }, 30_000);
});

describe('conference recording with too little disk', () => {
  let db: TestDatabase;
  let server: TestServer;

  beforeAll(async () => {
    db = await createTestDatabase();
    // a floor no disk here reaches: 100 TB
    server = await startTestServer(db, { ...MEDIA_ENV, RECORDING_MIN_FREE_MB: '100000000' });
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('is refused with a clear message in Vietnamese, and nothing is recorded', async () => {
    const { secretary, directory } = await secretariat(server.url);
    const meeting = await createMeeting(secretary, directory, { title: 'Họp thiếu đĩa', membershipTotal: 1, members: [['bithu', 'chair']] });
    await changeStatus(secretary, meeting, 'published');
    await changeStatus(secretary, meeting, 'in_session');
    const people = new People(server.url, () => ({}));
    await people.connect('bithu');
    await people.act('bithu', 'conference:join', { meetingId: meeting.id });
    const refused = await people.get('bithu').client.request<{ error: { code: string; message: string } }>('POST', `/api/v1/meetings/${meeting.id}/recordings`, {}, { 'accept-language': 'vi' });
    expect(refused.status).toBe(507);
    expect(refused.body.error.code).toBe('recordingLowDisk');
    expect(refused.body.error.message).toMatch(/^Không đủ dung lượng đĩa để ghi hình: còn trống \d+ MB, cần tối thiểu 100000000 MB/);
    expect((await people.get('bithu').client.get<RecordingsEnvelope>(`/api/v1/meetings/${meeting.id}/recordings`)).body.recordings).toEqual([]);
    people.disconnectAll();
  });
});

describe('conference recording without ffmpeg', () => {
  let db: TestDatabase;
  let server: TestServer;

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db, { ...MEDIA_ENV, RECORDING_MIN_FREE_MB: '1', FFMPEG_PATH: '/nonexistent/ffmpeg' });
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('answers 503 at once and keeps the failed attempt on the record', async () => {
    const { secretary, directory } = await secretariat(server.url);
    const meeting = await createMeeting(secretary, directory, { title: 'Họp thiếu ffmpeg', membershipTotal: 1, members: [['bithu', 'chair']] });
    await changeStatus(secretary, meeting, 'published');
    await changeStatus(secretary, meeting, 'in_session');
    const people = new People(server.url, () => ({}));
    await people.connect('bithu');
    await people.act('bithu', 'conference:join', { meetingId: meeting.id });
    const room = server.app.modules.conference.service.room(meeting.id)!;
    const sender = await FakeSender.create(await room.join({ peerId: 'hall', displayName: 'Điểm cầu tỉnh', permissions: permissions() }), { decodable: true });
    await sender.produceVideo();
    const chair = people.get('bithu').client;
    const refused = await chair.post<{ error: { code: string } }>(`/api/v1/meetings/${meeting.id}/recordings`);
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('recordingUnavailable');
    const { recordings, active } = (await chair.get<RecordingsEnvelope>(`/api/v1/meetings/${meeting.id}/recordings`)).body;
    expect(active).toBeNull();
    expect(recordings.map((r) => [r.status, r.stopReason, r.fileUrl])).toEqual([['failed', 'error', null]]);
    // the media room is as it was: a second try is refused the same way, not "already running"
    expect((await chair.post(`/api/v1/meetings/${meeting.id}/recordings`)).status).toBe(503);
    sender.close();
    people.disconnectAll();
  });
});

describe('a recording left open by a restart', () => {
  let db: TestDatabase;
  let server: TestServer;

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db, { ...MEDIA_ENV, RECORDING_MIN_FREE_MB: '1' });
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('is closed into a playable file, marked interrupted, when the server starts again', async () => {
    const { secretary, directory } = await secretariat(server.url);
    const meeting = await createMeeting(secretary, directory, { title: 'Họp bị khởi động lại', membershipTotal: 1, members: [['bithu', 'chair']] });
    const item = await addAgendaItem(secretary, meeting, { title: 'Nội dung duy nhất', plannedMinutes: 5 });
    await changeStatus(secretary, meeting, 'published');
    await changeStatus(secretary, meeting, 'in_session');
    const people = new People(server.url, () => ({}));
    await people.connect('bithu');
    await people.act('bithu', 'conference:join', { meetingId: meeting.id });
    await people.act('bithu', 'agenda:open', { meetingId: meeting.id, itemId: item.id });
    const room = server.app.modules.conference.service.room(meeting.id)!;
    const peer = await room.join({ peerId: 'hall', displayName: 'Điểm cầu tỉnh', permissions: permissions() });
    const sender = await FakeSender.create(peer, { decodable: true });
    await sender.produceAudio();
    await sender.produceVideo();
    sender.start();

    const started = await people.get('bithu').client.post<RecordingEnvelope>(`/api/v1/meetings/${meeting.id}/recordings`);
    expect(started.status).toBe(201);
    const id = started.body.recording.id;
    const raw = path.join(server.config.recording.dir, `${id}.webm.rec`);
    await waitFor(() => stat(raw).then((s) => s.size, () => 0), (size) => size > 0, 10_000, 'ffmpeg writing');
    await sleep(3000);
    sender.close();
    people.disconnectAll();
    await server.close();

    server = await startTestServer(db, { ...MEDIA_ENV, RECORDING_MIN_FREE_MB: '1' });
    people.moveTo(server.url);
    const chair = people.get('bithu').client;
    const closed = await waitFor(
      async () => (await chair.get<RecordingEnvelope>(`/api/v1/meetings/${meeting.id}/recordings/${id}`)).body.recording,
      (r) => r.durationMs !== null || r.status === 'failed',
      20_000,
      'the open recording closed',
    );
    expect(closed).toMatchObject({ status: 'interrupted', stopReason: 'restart', fileUrl: `/api/v1/meetings/${meeting.id}/recordings/${id}/file` });
    expect(closed.chapters.map((c) => c.title)).toEqual(['Nội dung duy nhất']);
    const probe = await ffprobe(path.join(server.config.recording.dir, `${id}.webm`));
    expect(probe.streams.map((s) => s.codec_type).sort()).toEqual(['audio', 'video']);
    expect(probe.durationS).toBeGreaterThan(2);
    expect((await chair.fetchRaw(closed.fileUrl!, { range: 'bytes=0-9' })).status).toBe(206);
  }, 60_000);
});

describe('a recording that fills the disk', () => {
  let db: TestDatabase;
  let server: TestServer;
  let filler: string | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
    const free = await statfs(db.dataDir);
    const freeMb = Math.floor((free.bavail * free.bsize) / (1024 * 1024));
    // a floor 400 MB under what is free now: recording may start; a 1 GB file written beside it crosses the floor
    server = await startTestServer(db, { ...MEDIA_ENV, RECORDING_MIN_FREE_MB: String(freeMb - 400), RECORDING_DISK_CHECK_MS: '200' });
  });
  afterAll(async () => {
    if (filler !== undefined) await rm(filler, { force: true });
    await server?.close();
    await db?.drop();
  });

  it('stops cleanly when free space reaches the floor, and the file plays', async () => {
    const { secretary, directory } = await secretariat(server.url);
    const meeting = await createMeeting(secretary, directory, { title: 'Họp đầy đĩa', membershipTotal: 1, members: [['bithu', 'chair']] });
    await changeStatus(secretary, meeting, 'published');
    await changeStatus(secretary, meeting, 'in_session');
    const people = new People(server.url, () => ({}));
    await people.connect('bithu');
    await people.act('bithu', 'conference:join', { meetingId: meeting.id });
    const room = server.app.modules.conference.service.room(meeting.id)!;
    const sender = await FakeSender.create(await room.join({ peerId: 'hall', displayName: 'Điểm cầu tỉnh', permissions: permissions() }), { decodable: true });
    try {
      await sender.produceAudio();
      await sender.produceVideo();
      sender.start();
      const chair = people.get('bithu').client;
      const started = await chair.post<RecordingEnvelope>(`/api/v1/meetings/${meeting.id}/recordings`);
      expect(started.status).toBe(201);
      const id = started.body.recording.id;
      await waitFor(() => stat(path.join(server.config.recording.dir, `${id}.webm.rec`)).then((s) => s.size, () => 0), (size) => size > 0, 10_000, 'ffmpeg writing');
      await sleep(1500);
      filler = path.join(server.config.recording.dir, 'filler.bin');
      await promisify(execFile)('fallocate', ['-l', '1G', filler]);
      const stopped = await waitFor(
        async () => (await chair.get<RecordingEnvelope>(`/api/v1/meetings/${meeting.id}/recordings/${id}`)).body.recording,
        (r) => r.status === 'ready' || r.status === 'failed',
        15_000,
        'the recording stopped for the disk',
      );
      expect(stopped).toMatchObject({ status: 'ready', stopReason: 'disk' });
      expect(stopped.durationMs).toBeGreaterThan(1000);
      expect((await chair.post(`/api/v1/meetings/${meeting.id}/recordings/stop`)).status).toBe(409);
      // still below the floor: a new start is refused
      expect((await chair.post(`/api/v1/meetings/${meeting.id}/recordings`)).status).toBe(507);
    } finally {
      sender.close();
      people.disconnectAll();
    }
  }, 60_000);
});
