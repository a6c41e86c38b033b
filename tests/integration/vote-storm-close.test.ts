/**
 * A vote storm that the chair closes in the middle, against the real
 * PostgreSQL. Whatever order the close and the ballots meet in, an
 * acknowledged ballot is a counted ballot: every "ok" receipt is in the
 * published list, the count equals the acknowledgements and the stored rows,
 * and every other ballot is refused as "poll not open". Ballots sent after
 * the close has answered are all refused.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeetingDto } from '../../server/contract/meetings.ts';
import { ACK_TIMEOUT_MS } from '../../server/contract/realtime.ts';
import type { PollDto, PublishedBallot } from '../../server/contract/votes.ts';
import { eq } from 'drizzle-orm';
import { polls } from '../../server/db/schema/votes.ts';
import { castInOneStatement } from '../../server/modules/votes/cast-statement.ts';
import type { OpenPoll } from '../../server/modules/votes/open-poll.ts';
import { createTestDatabase, realDatabaseUrl, type TestDatabase } from '../helpers/database.ts';
import { changeStatus, createMeeting, loggedIn, secretariat } from '../helpers/meetings.ts';
import { socketOf } from '../helpers/people.ts';
import { startTestServer, type TestClient, type TestServer } from '../helpers/server.ts';
import { callWithin, type ClientSocket } from '../helpers/socket.ts';
import { addCheckedInDelegates, logInAll } from '../helpers/voters.ts';

const VOTERS = 240;

describe.runIf(realDatabaseUrl !== undefined)('a vote storm closed in the middle', () => {
  let db: TestDatabase;
  let server: TestServer;
  let chair: TestClient;
  let meeting: MeetingDto;
  let sockets: ClientSocket[] = [];
  let unitId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db);
    const { secretary, directory } = await secretariat(server.url);
    meeting = await createMeeting(secretary, directory, { title: 'Hội nghị biểu quyết (khóa giữa chừng)', membershipTotal: VOTERS + 1, members: [['bithu', 'chair']] });
    await changeStatus(secretary, meeting, 'published');
    chair = await loggedIn(server.url, 'bithu');
    await changeStatus(chair, meeting, 'in_session');
    unitId = directory.unit('Văn phòng Tỉnh ủy').id;
    const people = await addCheckedInDelegates(server, meeting.id, unitId, VOTERS, directory.user('thuky').id);
    const clients = await logInAll(server, people.map((p) => p.username));
    sockets = await Promise.all(clients.map((c) => socketOf(server.url, c)));
  }, 180_000);
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await server?.close();
    await db?.drop();
  });

  // The statement's own checks, with facts read while the poll was open and gone stale since (as on an app
  // process that has not heard of the change yet): each ballot is handed back unwritten, and the cast path
  // then answers it as before. A control ballot shows the same stale facts still write a valid one.
  it('the one-statement path writes nothing for a caster no longer voting, a closed poll or a meeting out of session', async () => {
    const created = await chair.post<{ poll: PollDto }>(`/api/v1/meetings/${meeting.id}/polls`, { kind: 'motion', title: 'Thông qua chương trình công tác', secret: false });
    const pollId = created.body.poll.id;
    expect((await chair.post(`/api/v1/meetings/${meeting.id}/polls/${pollId}/open`, {})).status).toBe(200);
    const [row] = await server.database.db.select().from(polls).where(eq(polls.id, pollId));
    const facts: OpenPoll = { poll: row!, candidateIds: [], key: null, receipts: new Map((row!.eligibleVoters ?? []).map((voter) => [voter, { text: `receipt-${voter}`, bytes: new Uint8Array(10) }])) };
    const voters = await server.database.sql<{ id: string; username: string }[]>`select u.id, u.username from users u join meeting_participants p on p.user_id = u.id where p.meeting_id = ${meeting.id} and p.role = 'delegate' order by u.username limit 4`;
    const ballot = (i: number) => ({ user: { id: voters[i]!.id, username: voters[i]!.username, fullName: 'Đại biểu', role: 'user' as const, unitId, locale: 'vi' as const }, input: { meetingId: meeting.id, pollId, idempotencyKey: `g-${randomUUID()}`, choice: 'yes' as const } });
    const inOne = (i: number) => castInOneStatement(server.database.db, facts, [ballot(i)]);
    const rows = async () => (await server.database.sql<{ n: number }[]>`select count(*)::int as n from poll_voters where poll_id = ${pollId}`)[0]!.n;

    expect((await inOne(0)).written.size).toBe(1);
    await server.database.sql`update meeting_participants set role = 'guest' where meeting_id = ${meeting.id} and user_id = ${voters[1]!.id}`;
    expect(await inOne(1)).toMatchObject({ written: new Map(), handedBack: [0], stillOpen: true });
    await server.database.sql`update meetings set status = 'closed' where id = ${meeting.id}`;
    expect(await inOne(2)).toMatchObject({ written: new Map(), handedBack: [0] });
    await server.database.sql`update meetings set status = 'in_session' where id = ${meeting.id}`;
    expect((await chair.post(`/api/v1/meetings/${meeting.id}/polls/${pollId}/close`)).status).toBe(200);
    expect(await inOne(3)).toMatchObject({ written: new Map(), handedBack: [0], stillOpen: false });
    expect(await rows()).toBe(1);
    await server.database.sql`update meeting_participants set role = 'delegate' where meeting_id = ${meeting.id} and user_id = ${voters[1]!.id}`;
  });

  for (const secret of [true, false]) {
    it(`${secret ? 'secret' : 'public'} motion: every acknowledged ballot is counted, every other one refused as closed`, async () => {
      const created = await chair.post<{ poll: PollDto }>(`/api/v1/meetings/${meeting.id}/polls`, { kind: 'motion', title: `Thông qua kết luận (${secret ? 'kín' : 'công khai'})`, secret });
      const poll = created.body.poll;
      expect((await chair.post(`/api/v1/meetings/${meeting.id}/polls/${poll.id}/open`, {})).status).toBe(200);
      const choices = ['yes', 'no', 'abstain'] as const;
      const castBy = (i: number) => callWithin(ACK_TIMEOUT_MS * 4, sockets[i]!, 'vote:cast', { meetingId: meeting.id, pollId: poll.id, idempotencyKey: `s-${randomUUID()}`, choice: choices[i % 3]! });

      // Ten cast first. Then the chair closes while the hall keeps casting, a group of eight after another
      // (each group as soon as the last one is answered), so ballots are in flight all through the close.
      const first = await Promise.all(Array.from({ length: 10 }, (_, i) => castBy(i)));
      let closeAnswered = false;
      const closing = chair.post<{ poll: PollDto }>(`/api/v1/meetings/${meeting.id}/polls/${poll.id}/close`).finally(() => (closeAnswered = true));
      const relay: Awaited<ReturnType<typeof castBy>>[] = [];
      let next = 10;
      while (!closeAnswered && next + 8 <= VOTERS - 8) {
        const group = Array.from({ length: 8 }, (_, i) => castBy(next + i));
        next += 8;
        relay.push(...(await Promise.all(group)));
      }
      const closed = await closing;
      expect(closed.status).toBe(200);
      const late = await Promise.all(Array.from({ length: VOTERS - next }, (_, i) => castBy(next + i)));
      const during = [...first, ...relay];
      const accepted = during.flatMap((ack) => (ack.ok ? [ack.data.receipt] : []));
      const refusals = [...during, ...late].flatMap((ack) => (ack.ok ? [] : [ack.error.code]));
      expect(first.every((ack) => ack.ok)).toBe(true);
      expect(new Set(refusals)).toEqual(new Set(['pollNotOpen']));
      expect(late.every((ack) => !ack.ok)).toBe(true);
      expect(accepted.length + refusals.length).toBe(next + late.length);
      expect(late.length).toBeGreaterThan(0);

      expect(closed.body.poll.result?.ballotsReturned).toBe(accepted.length);
      expect(closed.body.poll.result!.options.reduce((sum, o) => sum + o.votes, 0)).toBe(accepted.length);
      const [stored] = await server.database.sql<{ n: number }[]>`select count(*)::int as n from poll_voters where poll_id = ${poll.id}`;
      expect(stored?.n).toBe(accepted.length);
      expect((await chair.post(`/api/v1/meetings/${meeting.id}/polls/${poll.id}/publish`)).status).toBe(200);
      const published = (await chair.get<{ ballots: PublishedBallot[] }>(`/api/v1/meetings/${meeting.id}/polls/${poll.id}/ballots`)).body.ballots.map((b) => b.receipt);
      expect(published.sort()).toEqual([...accepted].sort());
    }, 120_000);
  }
});
