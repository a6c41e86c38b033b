/**
 * A page turn goes to the tablets before its commit (LiveService.#actAhead):
 * when that commit fails, or the version it was sent as was taken meanwhile by
 * a change the owner did not hear of, every screen is told to resync
 * (`live:resync`), the database and the next snapshot hold the page before
 * (or the turn made the ordinary way), and the version numbers stay usable:
 * the next change follows what committed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveResync, LiveUpdateMessage } from '../../server/contract/live.ts';
import type { MeetingDto } from '../../server/contract/meetings.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { addAgendaItem, changeStatus, createMeeting, pagesPdf, secretariat, uploadDocument, type Directory } from '../helpers/meetings.ts';
import { People } from '../helpers/people.ts';
import { startTestServer, type TestClient, type TestServer } from '../helpers/server.ts';
import type { ClientSocket } from '../helpers/socket.ts';

type Heard = { kind: 'update'; message: LiveUpdateMessage } | { kind: 'resync'; message: LiveResync };

/** Every live update and resync a socket receives, in arrival order. */
function recordLive(socket: ClientSocket): { heard: Heard[] } {
  const heard: Heard[] = [];
  socket.on('live:update', (message) => heard.push({ kind: 'update', message }));
  socket.on('live:resync', (message) => heard.push({ kind: 'resync', message }));
  return { heard };
}

const pageOf = (entry: Heard) => (entry.kind === 'update' && entry.message.update.section === 'presentation' ? entry.message.update.value?.page : undefined);

describe('a page turn sent ahead of its commit', () => {
  let db: TestDatabase;
  let server: TestServer;
  let meeting: MeetingDto;
  let people: People<{ heard: Heard[] }>;
  let staff: { secretary: TestClient; directory: Directory };

  const heardSince = (name: string, from: number) => people.get(name).heard.slice(from);
  const snapshot = () => people.act('caophong.bithu', 'meeting:snapshot', { meetingId: meeting.id });
  const turn = (page: number) => people.act('bithu', 'presentation:page', { meetingId: meeting.id, page });

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db);
    people = new People(server.url, recordLive);
    staff = await secretariat(server.url);
    meeting = await createMeeting(staff.secretary, staff.directory, {
      title: 'Hội nghị Ban Chấp hành (phiên thường kỳ)',
      startsAt: '2026-12-10T01:30:00.000Z',
      membershipTotal: 3,
      members: [['bithu', 'chair'], ['thuky', 'secretary'], ['caophong.bithu', 'delegate']],
    });
    const pdf = await pagesPdf('Báo cáo', Array.from({ length: 8 }, (_, i) => `Trang ${i + 1}.`));
    const document = await uploadDocument(staff.secretary, meeting, { title: 'Báo cáo chính trị', kind: 'report' }, { bytes: pdf, filename: 'bao-cao.pdf' });
    await changeStatus(staff.secretary, meeting, 'published');
    for (const name of ['bithu', 'caophong.bithu']) {
      await people.connect(name);
      await people.act(name, 'meeting:join', { meetingId: meeting.id });
    }
    await people.act('bithu', 'meeting:start', { meetingId: meeting.id });
    await people.act('bithu', 'presentation:show', { meetingId: meeting.id, documentId: document.id, version: 1, page: 1 });
    await turn(2); // the owner now knows the document's page count: the next turns go ahead of their commit
  });
  afterAll(async () => {
    people?.disconnectAll();
    await server?.close();
    await db?.drop();
  });

  it('a turn is acked with the version the tablets got it as, and the database has it', async () => {
    const from = people.get('caophong.bithu').heard.length;
    const { version } = await turn(3);
    await expect.poll(() => heardSince('caophong.bithu', from).length).toBe(1);
    const [entry] = heardSince('caophong.bithu', from);
    expect(entry).toMatchObject({ kind: 'update', message: { version } });
    expect(pageOf(entry!)).toBe(3);
    expect(await snapshot()).toMatchObject({ version, presentation: { page: 3 } });
  });

  it('a turn whose commit fails is retracted: tablets are told to resync, and the database and the next snapshot keep the page before', async () => {
    // Fails at COMMIT (a deferred constraint trigger), after the update went out.
    await server.database.sql.unsafe(`
      create function phs_test_refuse_page_5() returns trigger language plpgsql as $$ begin raise exception 'page 5 refused by the test'; end $$;
      create constraint trigger phs_test_refuse_page_5 after update on meeting_live_state deferrable initially deferred
        for each row when (new.presentation_page = 5) execute function phs_test_refuse_page_5();
    `);
    try {
      const before = await snapshot();
      const from = people.get('caophong.bithu').heard.length;
      expect(await people.refused('bithu', 'presentation:page', { meetingId: meeting.id, page: 5 })).toBe('internal');
      await expect.poll(() => heardSince('caophong.bithu', from).length).toBe(2);
      const [sent, resync] = heardSince('caophong.bithu', from);
      expect(sent).toMatchObject({ kind: 'update', message: { version: before.version + 1 } });
      expect(pageOf(sent!)).toBe(5);
      expect(resync).toEqual({ kind: 'resync', message: { meetingId: meeting.id, version: before.version + 1 } });
      // What a tablet fetches on the resync: the page the database has.
      expect(await snapshot()).toMatchObject({ version: before.version, presentation: { page: 3 } });
      const [row] = await server.database.sql<{ page: number }[]>`select presentation_page as page from meeting_live_state where meeting_id = ${meeting.id}`;
      expect(row!.page).toBe(3);

      // The version that never committed is the next turn's: a tablet that resynced follows it.
      const next = await turn(6);
      expect(next.version).toBe(before.version + 1);
      await expect.poll(() => heardSince('caophong.bithu', from).length).toBe(3);
      expect(pageOf(heardSince('caophong.bithu', from)[2]!)).toBe(6);
      expect(await snapshot()).toMatchObject({ version: next.version, presentation: { page: 6 } });
    } finally {
      await server.database.sql.unsafe('drop trigger phs_test_refuse_page_5 on meeting_live_state; drop function phs_test_refuse_page_5();');
    }
  });

  it('a turn whose version was taken by a change the owner never heard of is retracted, then made the ordinary way', async () => {
    const before = await snapshot();
    // Another process (or a bug) bumps the version without telling this one.
    await server.database.sql`update meetings set version = version + 1 where id = ${meeting.id}`;
    const from = people.get('caophong.bithu').heard.length;
    const { version } = await turn(4);
    expect(version).toBe(before.version + 2);
    await expect.poll(() => heardSince('caophong.bithu', from).length).toBe(3);
    const [sent, resync, made] = heardSince('caophong.bithu', from);
    expect(sent).toMatchObject({ kind: 'update', message: { version: before.version + 1 } });
    expect(resync).toEqual({ kind: 'resync', message: { meetingId: meeting.id, version: before.version + 1 } });
    expect(made).toMatchObject({ kind: 'update', message: { version } });
    expect(pageOf(made!)).toBe(4);
    expect(await snapshot()).toMatchObject({ version, presentation: { page: 4 } });

    // And the owner is back on the quick path: the next turn is one update, no resync.
    const again = people.get('caophong.bithu').heard.length;
    const next = await turn(5);
    expect(next.version).toBe(version + 1);
    await expect.poll(() => heardSince('caophong.bithu', again).length).toBe(1);
    expect(heardSince('caophong.bithu', again)[0]).toMatchObject({ kind: 'update', message: { version: next.version } });
  });

  it('a turn whose row is not as the owner thought (changed behind its back, version kept) is retracted, then made the ordinary way', async () => {
    const before = await snapshot();
    // The presenter recorded in the row changes without a version bump: the turn's UPDATE matches no row.
    const idOf = (role: string) => before.attendance.entries.find((e) => e.role === role)!.userId;
    const thuky = idOf('secretary');
    await server.database.sql`update meeting_live_state set presenter_user_id = ${thuky} where meeting_id = ${meeting.id}`;
    const from = people.get('caophong.bithu').heard.length;
    const { version } = await turn(7);
    // The version sent ahead was bumped with no change (harmless), and the ordinary way made the turn after it.
    expect(version).toBe(before.version + 2);
    await expect.poll(() => heardSince('caophong.bithu', from).length).toBe(3);
    const [sent, resync, made] = heardSince('caophong.bithu', from);
    expect(sent).toMatchObject({ kind: 'update', message: { version: before.version + 1 } });
    expect(resync).toEqual({ kind: 'resync', message: { meetingId: meeting.id, version: before.version + 1 } });
    expect(made).toMatchObject({ kind: 'update', message: { version } });
    expect(pageOf(made!)).toBe(7);
    expect(await snapshot()).toMatchObject({ version, presentation: { page: 7, presenterUserId: idOf('chair') } });
  });

  it('someone who may not present sends nothing ahead, and is refused', async () => {
    const from = people.get('caophong.bithu').heard.length;
    expect(await people.refused('caophong.bithu', 'presentation:page', { meetingId: meeting.id, page: 7 })).toBe('forbidden');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(heardSince('caophong.bithu', from)).toEqual([]);
  });

  it('the presenter of the item under way turns pages ahead too once the agenda was read; an agenda edit takes that away at once', async () => {
    const presenter = staff.directory.user('caophong.bithu').id;
    const item = await addAgendaItem(staff.secretary, meeting, { title: 'Báo cáo chính trị', plannedMinutes: 30, presenterUserId: presenter });
    await people.act('bithu', 'agenda:open', { meetingId: meeting.id, itemId: item.id });
    // Taking over from the chair (the ordinary way: it checks the document and reads the agenda).
    await people.act('caophong.bithu', 'presentation:page', { meetingId: meeting.id, page: 2 });
    await snapshot(); // the owner has rebuilt its state (after the agenda edit) by the time a snapshot is answered

    // Now ahead of the commit: a commit that fails shows as a retraction (only a turn sent ahead is retracted).
    await server.database.sql.unsafe(`
      create function phs_test_refuse_page_3() returns trigger language plpgsql as $$ begin raise exception 'page 3 refused by the test'; end $$;
      create constraint trigger phs_test_refuse_page_3 after update on meeting_live_state deferrable initially deferred
        for each row when (new.presentation_page = 3) execute function phs_test_refuse_page_3();
    `);
    try {
      const from = people.get('bithu').heard.length;
      expect(await people.refused('caophong.bithu', 'presentation:page', { meetingId: meeting.id, page: 3 })).toBe('internal');
      await expect.poll(() => heardSince('bithu', from).map((h) => h.kind)).toEqual(['update', 'resync']);
    } finally {
      await server.database.sql.unsafe('drop trigger phs_test_refuse_page_3 on meeting_live_state; drop function phs_test_refuse_page_3();');
    }
    expect((await people.act('caophong.bithu', 'presentation:page', { meetingId: meeting.id, page: 4 })).version).toBeGreaterThan(0);

    // The secretariat gives the item to someone else: the next turn is refused, and nothing was sent ahead.
    const edited = await staff.secretary.patch(`/api/v1/meetings/${meeting.id}/agenda/${item.id}`, { presenterUserId: staff.directory.user('bithu').id });
    expect(edited.status).toBe(200);
    await snapshot(); // the owner's state is rebuilt: only its forgetting the agenda stands between the turn and the tablets
    const from = people.get('bithu').heard.length;
    expect(await people.refused('caophong.bithu', 'presentation:page', { meetingId: meeting.id, page: 5 })).toBe('forbidden');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(heardSince('bithu', from)).toEqual([]);
  });
});
