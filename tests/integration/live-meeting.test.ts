/**
 * A meeting in session over real Socket.io clients: attendance and quorum,
 * agenda, follow-the-presenter, speakers; wrong roles and out-of-order
 * actions refused with state unchanged; a restart loses nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveSnapshot, LiveUpdateMessage } from '../../server/contract/live.ts';
import type { AgendaItemDto, MeetingDto } from '../../server/contract/meetings.ts';
import type { DocumentDto } from '../../server/contract/documents.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { addAgendaItem, addMembers, changeStatus, createMeeting, loggedIn, pagesPdf, secretariat, uploadDocument, type Directory } from '../helpers/meetings.ts';
import { People } from '../helpers/people.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import type { ClientSocket } from '../helpers/socket.ts';

/** Every live update a socket receives, in arrival order. */
function recordUpdates(socket: ClientSocket): { updates: LiveUpdateMessage[] } {
  const updates: LiveUpdateMessage[] = [];
  socket.on('live:update', (message) => updates.push(message));
  return { updates };
}

describe('a live meeting', () => {
  let db: TestDatabase;
  let server: TestServer;
  let meeting: MeetingDto;
  let items: AgendaItemDto[];
  let document: DocumentDto;
  let directory: Directory;
  let people: People<{ updates: LiveUpdateMessage[] }>;

  const connect = (name: string) => people.connect(name);
  /** Waits until `name` has received the update of `version`, and returns it. */
  const updateOf = async (name: string, version: number) => {
    await expect.poll(() => people.get(name).updates.some((u) => u.version === version), { timeout: 5_000 }).toBe(true);
    return people.get(name).updates.find((u) => u.version === version)!;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db);
    people = new People(server.url, recordUpdates);
    const staff = await secretariat(server.url);
    directory = staff.directory;
    meeting = await createMeeting(staff.secretary, directory, {
      title: 'Hội nghị Ban Thường vụ Tỉnh ủy (phiên thường kỳ)',
      startsAt: '2026-12-10T01:30:00.000Z',
      membershipTotal: 5,
      members: [['bithu', 'chair'], ['thuky', 'secretary'], ['caophong.bithu', 'delegate'], ['maichau.bithu', 'delegate'], ['chutich', 'delegate'], ['khach', 'guest']],
    });
    items = [
      await addAgendaItem(staff.secretary, meeting, { title: 'Khai mạc', plannedMinutes: 5 }),
      await addAgendaItem(staff.secretary, meeting, { title: 'Tờ trình Đề án chuyển đổi số', plannedMinutes: 30, presenterUserId: directory.user('chutich').id }),
    ];
    const pdf = await pagesPdf('Đề án', Array.from({ length: 8 }, (_, i) => `Trang nội dung số ${i + 1}.`));
    document = await uploadDocument(staff.secretary, meeting, { title: 'Đề án chuyển đổi số', kind: 'submission', agendaItemId: items[1]!.id }, { bytes: pdf, filename: 'de-an.pdf' });
    expect(document.pageCount).toBe(8);
    await changeStatus(staff.secretary, meeting, 'published');
    for (const name of ['bithu', 'thuky', 'caophong.bithu', 'maichau.bithu', 'chutich', 'khach']) await connect(name);
  });
  afterAll(async () => {
    people?.disconnectAll();
    await server?.close();
    await db?.drop();
  });

  it('joining answers with the snapshot; outsiders cannot join', async () => {
    const snapshot = await people.act('caophong.bithu', 'meeting:join', { meetingId: meeting.id });
    expect(snapshot).toMatchObject({ status: 'published', presentation: null, speakers: [] });
    expect(snapshot.attendance).toMatchObject({ present: 0, membershipTotal: 5, quorumRequired: 4, quorumMet: false });
    expect(snapshot.attendance.entries.map((e) => e.fullName)).not.toContain('Phạm Minh Tuấn'); // guests are not members
    for (const name of ['bithu', 'thuky', 'maichau.bithu', 'chutich', 'khach']) await people.act(name, 'meeting:join', { meetingId: meeting.id });
    await connect('paco.chutich'); // a logged-in user who is not a participant
    expect(await people.refused('paco.chutich', 'meeting:join', { meetingId: meeting.id })).toBe('meetingNotFound');
    expect(await people.refused('bithu', 'meeting:join', { meetingId: 'khong-phai-uuid' })).toBe('validation');
  });

  it('check-in and the secretary’s marks move the quorum on every screen', async () => {
    const v1 = (await people.act('caophong.bithu', 'attendance:checkIn', { meetingId: meeting.id })).version;
    for (const name of ['bithu', 'thuky', 'maichau.bithu', 'khach']) {
      const update = await updateOf(name, v1);
      expect(update.update.section).toBe('attendance');
      if (update.update.section === 'attendance') expect(update.update.value.present).toBe(1);
    }
    expect(await people.refused('khach', 'attendance:checkIn', { meetingId: meeting.id })).toBe('notAMember');
    expect(await people.refused('caophong.bithu', 'attendance:mark', { meetingId: meeting.id, userId: directory.user('maichau.bithu').id, status: 'present' })).toBe('forbidden');
    expect(await people.refused('thuky', 'attendance:mark', { meetingId: meeting.id, userId: directory.user('maichau.bithu').id, status: 'proxy' })).toBe('proxyRequired');

    await people.act('thuky', 'attendance:mark', { meetingId: meeting.id, userId: directory.user('maichau.bithu').id, status: 'proxy', proxyUserId: directory.user('caophong.bithu').id });
    await people.act('thuky', 'attendance:mark', { meetingId: meeting.id, userId: directory.user('chutich').id, status: 'absent', reason: 'Đi công tác Trung ương' });
    await people.act('bithu', 'attendance:checkIn', { meetingId: meeting.id });
    const last = (await people.act('thuky', 'attendance:checkIn', { meetingId: meeting.id })).version;
    const update = await updateOf('caophong.bithu', last);
    if (update.update.section !== 'attendance') throw new Error('expected attendance');
    // The secretary checked in but never counts: two in person and one represented of five members, four needed.
    expect(update.update.value).toMatchObject({ present: 3, represented: 1, quorumRequired: 4, quorumMet: false });
    expect(update.update.value.entries.find((e) => e.userId === directory.user('chutich').id)).toMatchObject({ status: 'absent', reason: 'Đi công tác Trung ương' });
  });

  it('whether a represented member counts toward the quorum is the meeting’s setting, and every screen follows it', async () => {
    const secretary = await loggedIn(server.url, 'thuky');
    expect(meeting.proxiesCountForQuorum).toBe(true);
    const off = await secretary.patch(`/api/v1/meetings/${meeting.id}`, { proxiesCountForQuorum: false });
    expect(off.status).toBe(200);
    expect((off.body as { meeting: MeetingDto }).meeting.proxiesCountForQuorum).toBe(false);
    expect((await people.act('caophong.bithu', 'meeting:snapshot', { meetingId: meeting.id })).attendance).toMatchObject({ present: 2, represented: 1, proxiesCountForQuorum: false });
    expect((await secretary.patch(`/api/v1/meetings/${meeting.id}`, { proxiesCountForQuorum: 'có' })).status).toBe(400);
    expect((await secretary.patch(`/api/v1/meetings/${meeting.id}`, { proxiesCountForQuorum: true })).status).toBe(200);
    expect((await people.act('caophong.bithu', 'meeting:snapshot', { meetingId: meeting.id })).attendance).toMatchObject({ present: 3, proxiesCountForQuorum: true });
  });

  it('only the chair (or secretariat) runs the agenda, only in session', async () => {
    expect(await people.refused('bithu', 'agenda:open', { meetingId: meeting.id, itemId: items[0]!.id })).toBe('meetingNotInSession');
    expect(await people.refused('caophong.bithu', 'meeting:start', { meetingId: meeting.id })).toBe('forbidden');
    const started = (await people.act('bithu', 'meeting:start', { meetingId: meeting.id })).version;
    expect((await updateOf('khach', started)).update).toEqual({ section: 'status', value: 'in_session' });

    expect(await people.refused('caophong.bithu', 'agenda:next', { meetingId: meeting.id })).toBe('forbidden');
    await people.act('bithu', 'agenda:next', { meetingId: meeting.id });
    const second = (await people.act('thuky', 'agenda:next', { meetingId: meeting.id })).version;
    const update = await updateOf('caophong.bithu', second);
    if (update.update.section !== 'agenda') throw new Error('expected agenda');
    expect(update.update.value.currentItemId).toBe(items[1]!.id);
    expect(update.update.value.items[0]!.openSince).toBeNull();
    expect(update.update.value.items[1]!.openSince).not.toBeNull();

    const before = await people.act('bithu', 'meeting:snapshot', { meetingId: meeting.id });
    expect(await people.refused('bithu', 'agenda:next', { meetingId: meeting.id })).toBe('noNextItem');
    const after = await people.act('bithu', 'meeting:snapshot', { meetingId: meeting.id });
    expect(after.version).toBe(before.version);
  });

  it('every tablet follows the presenter to page 7; wrong pages and wrong people are refused', async () => {
    // The current item's presenter may present; another delegate may not.
    expect(await people.refused('caophong.bithu', 'presentation:show', { meetingId: meeting.id, documentId: document.id, version: 1, page: 1 })).toBe('forbidden');
    await people.act('chutich', 'presentation:show', { meetingId: meeting.id, documentId: document.id, version: 1, page: 1 });
    expect(await people.refused('chutich', 'presentation:page', { meetingId: meeting.id, page: 9 })).toBe('pageOutOfRange');
    const v = (await people.act('bithu', 'presentation:page', { meetingId: meeting.id, page: 7, zoom: 1.25 })).version;
    for (const name of ['caophong.bithu', 'maichau.bithu', 'thuky']) {
      const update = await updateOf(name, v);
      expect(update.update).toEqual({ section: 'presentation', value: { documentId: document.id, version: 1, page: 7, zoom: 1.25, presenterUserId: directory.user('bithu').id } });
    }
    // A late joiner lands on the presented page.
    await connect('phobithu');
    await addMembers(await loggedIn(server.url, 'thuky'), directory, meeting, [['phobithu', 'delegate']]);
    expect((await people.act('phobithu', 'meeting:join', { meetingId: meeting.id })).presentation).toMatchObject({ page: 7 });
  });

  it('speakers: request, reorder, floor, timer, finish; wrong people and strangers refused', async () => {
    await people.act('caophong.bithu', 'speaker:request', { meetingId: meeting.id, topic: 'Kinh phí thực hiện đề án' });
    expect(await people.refused('caophong.bithu', 'speaker:request', { meetingId: meeting.id })).toBe('alreadyInQueue');
    expect(await people.refused('khach', 'speaker:request', { meetingId: meeting.id })).toBe('notAMember');
    await people.act('bithu', 'speaker:request', { meetingId: meeting.id, topic: 'Kết luận' });
    const queue = (await people.act('bithu', 'meeting:snapshot', { meetingId: meeting.id })).speakers;
    expect(queue.map((s) => s.fullName)).toEqual(['Đinh Thị Hồng', 'Hoàng Văn Minh']);
    const [first, second] = queue as [LiveSnapshot['speakers'][0], LiveSnapshot['speakers'][0]];

    expect(await people.refused('caophong.bithu', 'speaker:reorder', { meetingId: meeting.id, requestIds: [second.id, first.id] })).toBe('forbidden');
    await people.act('bithu', 'speaker:reorder', { meetingId: meeting.id, requestIds: [second.id, first.id] });
    expect(await people.refused('bithu', 'speaker:give', { meetingId: meeting.id, requestId: '00000000-0000-4000-8000-000000000000' })).toBe('notInQueue');
    expect(await people.refused('caophong.bithu', 'speaker:give', { meetingId: meeting.id, requestId: first.id })).toBe('forbidden');

    const given = (await people.act('bithu', 'speaker:give', { meetingId: meeting.id, requestId: first.id })).version;
    const update = await updateOf('maichau.bithu', given);
    if (update.update.section !== 'speakers') throw new Error('expected speakers');
    expect(update.update.value[0]).toMatchObject({ id: first.id, status: 'speaking', fullName: 'Đinh Thị Hồng' });
    expect(update.update.value[0]!.timerRunningSince).not.toBeNull();

    await people.act('bithu', 'speaker:timer', { meetingId: meeting.id, requestId: first.id, running: false });
    const paused = (await people.act('bithu', 'meeting:snapshot', { meetingId: meeting.id })).speakers[0]!;
    expect(paused.timerRunningSince).toBeNull();
    expect(paused.timerMs).toBeGreaterThanOrEqual(0);
    expect(await people.refused('caophong.bithu', 'speaker:withdraw', { meetingId: meeting.id, requestId: second.id })).toBe('forbidden');
    await people.act('bithu', 'speaker:finish', { meetingId: meeting.id, requestId: first.id });
    expect((await people.act('bithu', 'meeting:snapshot', { meetingId: meeting.id })).speakers.map((s) => [s.fullName, s.status])).toEqual([['Hoàng Văn Minh', 'waiting']]);
    // The secretariat may take a request off the queue on someone's behalf.
    await people.act('thuky', 'speaker:withdraw', { meetingId: meeting.id, requestId: second.id });
    expect((await people.act('bithu', 'meeting:snapshot', { meetingId: meeting.id })).speakers).toEqual([]);
  });

  it('a client that floods is slowed down alone', async () => {
    const acks = await Promise.all(Array.from({ length: 120 }, () => people.call('maichau.bithu', 'meeting:snapshot', { meetingId: meeting.id })));
    expect(acks.some((a) => !a.ok && a.error.code === 'rateLimited')).toBe(true);
    expect((await people.call('caophong.bithu', 'meeting:snapshot', { meetingId: meeting.id })).ok).toBe(true);
  });

  it('actions at the same moment from several people come out in order, one version each, and the snapshot matches', async () => {
    const start = (await people.act('thuky', 'meeting:snapshot', { meetingId: meeting.id })).version;
    // The chair turns pages while a delegate asks to speak: all at once.
    const acks = await Promise.all([
      people.act('bithu', 'presentation:page', { meetingId: meeting.id, page: 2 }),
      people.act('bithu', 'presentation:page', { meetingId: meeting.id, page: 3 }),
      people.act('chutich', 'speaker:request', { meetingId: meeting.id, topic: 'Về kinh phí' }),
      people.act('bithu', 'presentation:page', { meetingId: meeting.id, page: 4 }),
    ]);
    const versions = acks.map((a) => a.version).sort((a, b) => a - b);
    expect(versions).toEqual([start + 1, start + 2, start + 3, start + 4]);
    // Every tablet saw the four updates with no gap, in version order.
    const seen = async () => (await Promise.all(versions.map((v) => updateOf('caophong.bithu', v)))).map((u) => u.version);
    expect(await seen()).toEqual(versions);
    const snapshot = await people.act('caophong.bithu', 'meeting:snapshot', { meetingId: meeting.id });
    expect(snapshot.version).toBe(start + 4);
    // The page on screen is the turn the server applied last (it checks access before queueing, so turns sent together may apply in any order).
    const turns = [[2, acks[0]!.version], [3, acks[1]!.version], [4, acks[3]!.version]] as const;
    expect(snapshot.presentation?.page).toBe(turns.reduce((last, turn) => (turn[1] > last[1] ? turn : last))[0]);
    expect(snapshot.speakers.some((s) => s.userId === directory.user('chutich').id && s.topic === 'Về kinh phí')).toBe(true);
  });

  it('a change made outside the live actions (agenda edited by the secretariat) is in the next snapshot', async () => {
    const secretary = await loggedIn(server.url, 'thuky');
    await people.act('caophong.bithu', 'meeting:snapshot', { meetingId: meeting.id }); // the owner caches now
    const edited = await secretary.patch(`/api/v1/meetings/${meeting.id}/agenda/${items[0]!.id}`, { title: 'Khai mạc hội nghị' });
    expect(edited.status).toBe(200);
    const snapshot = await people.act('caophong.bithu', 'meeting:snapshot', { meetingId: meeting.id });
    expect(snapshot.agenda.items.find((i) => i.itemId === items[0]!.id)?.title).toBe('Khai mạc hội nghị');
  });

  it('a server restart loses nothing: clients rejoin to the same state', async () => {
    const before = await people.act('thuky', 'meeting:snapshot', { meetingId: meeting.id });
    people.disconnectAll();
    await server.close();
    server = await startTestServer(db);
    people.moveTo(server.url);
    for (const name of ['thuky', 'caophong.bithu']) await connect(name);
    const after = await people.act('caophong.bithu', 'meeting:join', { meetingId: meeting.id });
    // Timers and elapsed times are stored as "so far + since when", so even they come back identical.
    expect({ ...after, serverTime: undefined }).toEqual({ ...before, serverTime: undefined });
  });

  it('a speaker’s timer does not run while the server is down: after a restart it resumes from what was used', async () => {
    const waiting = (await people.act('thuky', 'meeting:snapshot', { meetingId: meeting.id })).speakers.find((s) => s.status === 'waiting')!;
    await people.act('thuky', 'speaker:give', { meetingId: meeting.id, requestId: waiting.id });
    people.disconnectAll();
    // The server goes down for ten minutes: as if the timer's start had been ten minutes earlier when it stopped.
    await server.database.sql`update speaker_requests set timer_started_at = timer_started_at - interval '10 minutes' where id = ${waiting.id}`;
    await server.close();
    server = await startTestServer(db);
    people.moveTo(server.url);
    await connect('caophong.bithu');
    const used = async () => {
      const snapshot = await people.act('caophong.bithu', 'meeting:join', { meetingId: meeting.id });
      const speaker = snapshot.speakers.find((s) => s.id === waiting.id)!;
      expect(speaker.status).toBe('speaking');
      return speaker.timerMs + (speaker.timerRunningSince === null ? 0 : Date.parse(snapshot.serverTime) - Date.parse(speaker.timerRunningSince));
    };
    // What a screen shows: not the ten minutes of the outage, only the moments the servers ran.
    await expect.poll(used, { timeout: 5_000 }).toBeLessThan(60_000);
  });
});
