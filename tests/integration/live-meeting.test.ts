/**
 * A meeting in session over real Socket.io clients: attendance and quorum,
 * agenda, follow-the-presenter, speakers; wrong roles and out-of-order
 * actions refused with state unchanged; a restart loses nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveSnapshot, LiveUpdateMessage } from '../../server/contract/live.ts';
import type { AgendaItemDto, MeetingDto } from '../../server/contract/meetings.ts';
import type { DocumentDto } from '../../server/contract/documents.ts';
import { ACK_TIMEOUT_MS, type Ack } from '../../server/contract/realtime.ts';
import { PAGE_BREAK, renderTextPdf } from '../../server/modules/documents/text-pdf.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { demoDirectory } from '../helpers/demo.ts';
import { DEMO_PASSWORD, startTestServer, TestClient, type TestServer } from '../helpers/server.ts';
import { connectSocket, connected, type ClientSocket } from '../helpers/socket.ts';

type Person = { client: TestClient; socket: ClientSocket; updates: LiveUpdateMessage[] };

describe('a live meeting', () => {
  let db: TestDatabase;
  let server: TestServer;
  let meeting: MeetingDto;
  let items: AgendaItemDto[];
  let document: DocumentDto;
  let directory: Awaited<ReturnType<typeof demoDirectory>>;
  const people: Record<string, Person> = {};

  async function connect(name: string): Promise<Person> {
    const client = people[name]?.client ?? new TestClient(server.url);
    if (people[name] === undefined) expect((await client.login(name, DEMO_PASSWORD)).status).toBe(200);
    const socket = connectSocket(server.url, { cookie: client.cookieHeader });
    await connected(socket);
    const person = { client, socket, updates: [] as LiveUpdateMessage[] };
    socket.on('live:update', (message) => person.updates.push(message));
    people[name] = person;
    return person;
  }
  const call = <T>(name: string, event: string, payload: unknown): Promise<Ack<T>> =>
    (people[name]!.socket.timeout(ACK_TIMEOUT_MS) as unknown as { emitWithAck(e: string, p: unknown): Promise<Ack<T>> }).emitWithAck(event, payload);
  const ok = async <T>(name: string, event: string, payload: unknown): Promise<T> => {
    const ack = await call<T>(name, event, payload);
    if (!ack.ok) throw new Error(`${event} by ${name}: ${ack.error.code} ${ack.error.message}`);
    return ack.data;
  };
  const refused = async (name: string, event: string, payload: unknown) => {
    const ack = await call(name, event, payload);
    expect(ack.ok).toBe(false);
    return ack.ok ? '' : ack.error.code;
  };
  /** Waits until `name` has received the update of `version`, and returns it. */
  const updateOf = async (name: string, version: number) => {
    await expect.poll(() => people[name]!.updates.some((u) => u.version === version), { timeout: 5_000 }).toBe(true);
    return people[name]!.updates.find((u) => u.version === version)!;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db);
    const secretary = new TestClient(server.url);
    await secretary.login('thuky', DEMO_PASSWORD);
    directory = await demoDirectory(secretary);
    meeting = (
      await secretary.post<{ meeting: MeetingDto }>('/api/v1/meetings', {
        kind: 'btv',
        title: 'Hội nghị Ban Thường vụ Tỉnh ủy (phiên thường kỳ)',
        organizerUnitId: directory.unit('Văn phòng Tỉnh ủy').id,
        startsAt: '2026-12-10T01:30:00.000Z',
        membershipTotal: 5,
      })
    ).body.meeting;
    for (const [username, role] of [['bithu', 'chair'], ['thuky', 'secretary'], ['caophong.bithu', 'delegate'], ['maichau.bithu', 'delegate'], ['chutich', 'delegate'], ['khach', 'guest']] as const) {
      await secretary.post(`/api/v1/meetings/${meeting.id}/participants`, { userId: directory.user(username).id, role });
    }
    items = [
      (await secretary.post<{ item: AgendaItemDto }>(`/api/v1/meetings/${meeting.id}/agenda`, { title: 'Khai mạc', plannedMinutes: 5 })).body.item,
      (await secretary.post<{ item: AgendaItemDto }>(`/api/v1/meetings/${meeting.id}/agenda`, { title: 'Tờ trình Đề án chuyển đổi số', plannedMinutes: 30, presenterUserId: directory.user('chutich').id })).body.item,
    ];
    const pdf = await renderTextPdf({ title: 'Đề án', paragraphs: Array.from({ length: 8 }, (_, i) => [`Trang nội dung số ${i + 1}.`, PAGE_BREAK]).flat().slice(0, -1) });
    document = (await secretary.upload<{ document: DocumentDto }>(`/api/v1/meetings/${meeting.id}/documents`, { title: 'Đề án chuyển đổi số', kind: 'submission', agendaItemId: items[1]!.id }, { bytes: pdf, filename: 'de-an.pdf' })).body.document;
    expect(document.pageCount).toBe(8);
    await secretary.post(`/api/v1/meetings/${meeting.id}/status`, { to: 'published' });
    for (const name of ['bithu', 'thuky', 'caophong.bithu', 'maichau.bithu', 'chutich', 'khach']) await connect(name);
  });
  afterAll(async () => {
    for (const person of Object.values(people)) person.socket.disconnect();
    await server?.close();
    await db?.drop();
  });

  it('joining answers with the snapshot; outsiders cannot join', async () => {
    const snapshot = await ok<LiveSnapshot>('caophong.bithu', 'meeting:join', { meetingId: meeting.id });
    expect(snapshot).toMatchObject({ status: 'published', presentation: null, speakers: [] });
    expect(snapshot.attendance).toMatchObject({ present: 0, membershipTotal: 5, quorumRequired: 4, quorumMet: false });
    expect(snapshot.attendance.entries.map((e) => e.fullName)).not.toContain('Phạm Minh Tuấn'); // guests are not members
    for (const name of ['bithu', 'thuky', 'maichau.bithu', 'chutich', 'khach']) await ok(name, 'meeting:join', { meetingId: meeting.id });
    await connect('paco.chutich'); // a logged-in user who is not a participant
    expect(await refused('paco.chutich', 'meeting:join', { meetingId: meeting.id })).toBe('meetingNotFound');
    expect(await refused('bithu', 'meeting:join', { meetingId: 'khong-phai-uuid' })).toBe('validation');
  });

  it('check-in and the secretary’s marks move the quorum on every screen', async () => {
    const v1 = (await ok<{ version: number }>('caophong.bithu', 'attendance:checkIn', { meetingId: meeting.id })).version;
    for (const name of ['bithu', 'thuky', 'maichau.bithu', 'khach']) {
      const update = await updateOf(name, v1);
      expect(update.update.section).toBe('attendance');
      if (update.update.section === 'attendance') expect(update.update.value.present).toBe(1);
    }
    expect(await refused('khach', 'attendance:checkIn', { meetingId: meeting.id })).toBe('notAMember');
    expect(await refused('caophong.bithu', 'attendance:mark', { meetingId: meeting.id, userId: directory.user('maichau.bithu').id, status: 'present' })).toBe('forbidden');
    expect(await refused('thuky', 'attendance:mark', { meetingId: meeting.id, userId: directory.user('maichau.bithu').id, status: 'proxy' })).toBe('proxyRequired');

    await ok('thuky', 'attendance:mark', { meetingId: meeting.id, userId: directory.user('maichau.bithu').id, status: 'proxy', proxyUserId: directory.user('caophong.bithu').id });
    await ok('thuky', 'attendance:mark', { meetingId: meeting.id, userId: directory.user('chutich').id, status: 'absent', reason: 'Đi công tác Trung ương' });
    await ok('bithu', 'attendance:checkIn', { meetingId: meeting.id });
    const last = (await ok<{ version: number }>('thuky', 'attendance:checkIn', { meetingId: meeting.id })).version;
    const update = await updateOf('caophong.bithu', last);
    if (update.update.section !== 'attendance') throw new Error('expected attendance');
    expect(update.update.value).toMatchObject({ present: 4, quorumRequired: 4, quorumMet: true });
    expect(update.update.value.entries.find((e) => e.userId === directory.user('chutich').id)).toMatchObject({ status: 'absent', reason: 'Đi công tác Trung ương' });
  });

  it('only the chair (or secretariat) runs the agenda, only in session', async () => {
    expect(await refused('bithu', 'agenda:open', { meetingId: meeting.id, itemId: items[0]!.id })).toBe('meetingNotInSession');
    expect(await refused('caophong.bithu', 'meeting:start', { meetingId: meeting.id })).toBe('forbidden');
    const started = (await ok<{ version: number }>('bithu', 'meeting:start', { meetingId: meeting.id })).version;
    expect((await updateOf('khach', started)).update).toEqual({ section: 'status', value: 'in_session' });

    expect(await refused('caophong.bithu', 'agenda:next', { meetingId: meeting.id })).toBe('forbidden');
    await ok('bithu', 'agenda:next', { meetingId: meeting.id });
    const second = (await ok<{ version: number }>('thuky', 'agenda:next', { meetingId: meeting.id })).version;
    const update = await updateOf('caophong.bithu', second);
    if (update.update.section !== 'agenda') throw new Error('expected agenda');
    expect(update.update.value.currentItemId).toBe(items[1]!.id);
    expect(update.update.value.items[0]!.openSince).toBeNull();
    expect(update.update.value.items[1]!.openSince).not.toBeNull();

    const before = await ok<LiveSnapshot>('bithu', 'meeting:snapshot', { meetingId: meeting.id });
    expect(await refused('bithu', 'agenda:next', { meetingId: meeting.id })).toBe('noNextItem');
    const after = await ok<LiveSnapshot>('bithu', 'meeting:snapshot', { meetingId: meeting.id });
    expect(after.version).toBe(before.version);
  });

  it('every tablet follows the presenter to page 7; wrong pages and wrong people are refused', async () => {
    // The current item's presenter may present; another delegate may not.
    expect(await refused('caophong.bithu', 'presentation:show', { meetingId: meeting.id, documentId: document.id, version: 1, page: 1 })).toBe('forbidden');
    await ok('chutich', 'presentation:show', { meetingId: meeting.id, documentId: document.id, version: 1, page: 1 });
    expect(await refused('chutich', 'presentation:page', { meetingId: meeting.id, page: 9 })).toBe('pageOutOfRange');
    const v = (await ok<{ version: number }>('bithu', 'presentation:page', { meetingId: meeting.id, page: 7, zoom: 1.25 })).version;
    for (const name of ['caophong.bithu', 'maichau.bithu', 'thuky']) {
      const update = await updateOf(name, v);
      expect(update.update).toEqual({ section: 'presentation', value: { documentId: document.id, version: 1, page: 7, zoom: 1.25, presenterUserId: directory.user('bithu').id } });
    }
    // A late joiner lands on the presented page.
    await connect('phobithu');
    const secretary = new TestClient(server.url);
    await secretary.login('thuky', DEMO_PASSWORD);
    await secretary.post(`/api/v1/meetings/${meeting.id}/participants`, { userId: directory.user('phobithu').id, role: 'delegate' });
    expect((await ok<LiveSnapshot>('phobithu', 'meeting:join', { meetingId: meeting.id })).presentation).toMatchObject({ page: 7 });
  });

  it('speakers: request, reorder, floor, timer, finish; wrong people and strangers refused', async () => {
    await ok('caophong.bithu', 'speaker:request', { meetingId: meeting.id, topic: 'Kinh phí thực hiện đề án' });
    expect(await refused('caophong.bithu', 'speaker:request', { meetingId: meeting.id })).toBe('alreadyInQueue');
    expect(await refused('khach', 'speaker:request', { meetingId: meeting.id })).toBe('notAMember');
    await ok('bithu', 'speaker:request', { meetingId: meeting.id, topic: 'Kết luận' });
    const queue = (await ok<LiveSnapshot>('bithu', 'meeting:snapshot', { meetingId: meeting.id })).speakers;
    expect(queue.map((s) => s.fullName)).toEqual(['Đinh Thị Hồng', 'Hoàng Văn Minh']);
    const [first, second] = queue as [LiveSnapshot['speakers'][0], LiveSnapshot['speakers'][0]];

    expect(await refused('caophong.bithu', 'speaker:reorder', { meetingId: meeting.id, requestIds: [second.id, first.id] })).toBe('forbidden');
    await ok('bithu', 'speaker:reorder', { meetingId: meeting.id, requestIds: [second.id, first.id] });
    expect(await refused('bithu', 'speaker:give', { meetingId: meeting.id, requestId: '00000000-0000-4000-8000-000000000000' })).toBe('notInQueue');
    expect(await refused('caophong.bithu', 'speaker:give', { meetingId: meeting.id, requestId: first.id })).toBe('forbidden');

    const given = (await ok<{ version: number }>('bithu', 'speaker:give', { meetingId: meeting.id, requestId: first.id })).version;
    const update = await updateOf('maichau.bithu', given);
    if (update.update.section !== 'speakers') throw new Error('expected speakers');
    expect(update.update.value[0]).toMatchObject({ id: first.id, status: 'speaking', fullName: 'Đinh Thị Hồng' });
    expect(update.update.value[0]!.timerRunningSince).not.toBeNull();

    await ok('bithu', 'speaker:timer', { meetingId: meeting.id, requestId: first.id, running: false });
    const paused = (await ok<LiveSnapshot>('bithu', 'meeting:snapshot', { meetingId: meeting.id })).speakers[0]!;
    expect(paused.timerRunningSince).toBeNull();
    expect(paused.timerMs).toBeGreaterThanOrEqual(0);
    expect(await refused('caophong.bithu', 'speaker:withdraw', { meetingId: meeting.id, requestId: second.id })).toBe('forbidden');
    await ok('bithu', 'speaker:finish', { meetingId: meeting.id, requestId: first.id });
    expect((await ok<LiveSnapshot>('bithu', 'meeting:snapshot', { meetingId: meeting.id })).speakers.map((s) => [s.fullName, s.status])).toEqual([['Hoàng Văn Minh', 'waiting']]);
    // The secretariat may take a request off the queue on someone's behalf.
    await ok('thuky', 'speaker:withdraw', { meetingId: meeting.id, requestId: second.id });
    expect((await ok<LiveSnapshot>('bithu', 'meeting:snapshot', { meetingId: meeting.id })).speakers).toEqual([]);
  });

  it('a client that floods is slowed down alone', async () => {
    const acks = await Promise.all(Array.from({ length: 120 }, () => call('maichau.bithu', 'meeting:snapshot', { meetingId: meeting.id })));
    expect(acks.some((a) => !a.ok && a.error.code === 'rateLimited')).toBe(true);
    expect((await call('caophong.bithu', 'meeting:snapshot', { meetingId: meeting.id })).ok).toBe(true);
  });

  it('actions at the same moment from several people come out in order, one version each, and the snapshot matches', async () => {
    const start = (await ok<LiveSnapshot>('thuky', 'meeting:snapshot', { meetingId: meeting.id })).version;
    // The chair turns pages while a delegate asks to speak: all at once.
    const acks = await Promise.all([
      ok<{ version: number }>('bithu', 'presentation:page', { meetingId: meeting.id, page: 2 }),
      ok<{ version: number }>('bithu', 'presentation:page', { meetingId: meeting.id, page: 3 }),
      ok<{ version: number }>('chutich', 'speaker:request', { meetingId: meeting.id, topic: 'Về kinh phí' }),
      ok<{ version: number }>('bithu', 'presentation:page', { meetingId: meeting.id, page: 4 }),
    ]);
    const versions = acks.map((a) => a.version).sort((a, b) => a - b);
    expect(versions).toEqual([start + 1, start + 2, start + 3, start + 4]);
    // Every tablet saw the four updates with no gap, in version order.
    const seen = async () => (await Promise.all(versions.map((v) => updateOf('caophong.bithu', v)))).map((u) => u.version);
    expect(await seen()).toEqual(versions);
    const snapshot = await ok<LiveSnapshot>('caophong.bithu', 'meeting:snapshot', { meetingId: meeting.id });
    expect(snapshot.version).toBe(start + 4);
    expect(snapshot.presentation?.page).toBe(acks[3]!.version > acks[1]!.version ? 4 : 3);
    expect(snapshot.speakers.some((s) => s.userId === directory.user('chutich').id && s.topic === 'Về kinh phí')).toBe(true);
  });

  it('a change made outside the live actions (agenda edited by the secretariat) is in the next snapshot', async () => {
    const secretary = new TestClient(server.url);
    await secretary.login('thuky', DEMO_PASSWORD);
    await ok<LiveSnapshot>('caophong.bithu', 'meeting:snapshot', { meetingId: meeting.id }); // the owner caches now
    const edited = await secretary.patch(`/api/v1/meetings/${meeting.id}/agenda/${items[0]!.id}`, { title: 'Khai mạc hội nghị' });
    expect(edited.status).toBe(200);
    const snapshot = await ok<LiveSnapshot>('caophong.bithu', 'meeting:snapshot', { meetingId: meeting.id });
    expect(snapshot.agenda.items.find((i) => i.itemId === items[0]!.id)?.title).toBe('Khai mạc hội nghị');
  });

  it('a server restart loses nothing: clients rejoin to the same state', async () => {
    const before = await ok<LiveSnapshot>('thuky', 'meeting:snapshot', { meetingId: meeting.id });
    for (const person of Object.values(people)) person.socket.disconnect();
    await server.close();
    server = await startTestServer(db);
    for (const name of ['thuky', 'caophong.bithu']) {
      people[name]!.client.baseUrl = server.url;
      people[name]!.client.origin = server.url;
      await connect(name);
    }
    const after = await ok<LiveSnapshot>('caophong.bithu', 'meeting:join', { meetingId: meeting.id });
    // Timers and elapsed times are stored as "so far + since when", so even they come back identical.
    expect({ ...after, serverTime: undefined }).toEqual({ ...before, serverTime: undefined });
  });
});
