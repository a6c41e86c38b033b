/**
 * Counting right, against the real app: an election fills its seats and never
 * more, a tie at the cut-off is declared and the chair opens a run-off among
 * the tied; the quorum counts voting members only; paper counts are checked
 * and never silently replace ballots cast on the tablets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeetingDto } from '../../server/contract/meetings.ts';
import { ACK_TIMEOUT_MS } from '../../server/contract/realtime.ts';
import type { PollDto } from '../../server/contract/votes.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { changeStatus, createMeeting, loggedIn, secretariat, type Directory } from '../helpers/meetings.ts';
import { socketOf } from '../helpers/people.ts';
import { startTestServer, type TestClient, type TestServer } from '../helpers/server.ts';
import { act, callWithin, type ClientSocket } from '../helpers/socket.ts';
import { addCheckedInDelegates, logInAll } from '../helpers/voters.ts';

type ErrorBody = { error: { code: string } };

/** Who approves whom, ballot by ballot: the names each voter ticks so that A, B… get the votes asked for. */
function ballotsGiving(votes: Record<string, number>, voters: number): string[][] {
  const ballots: string[][] = Array.from({ length: voters }, () => []);
  let next = 0;
  for (const [name, n] of Object.entries(votes)) for (let i = 0; i < n; i += 1) ballots[next++ % voters]!.push(name);
  return ballots;
}

describe('counting', () => {
  let db: TestDatabase;
  let server: TestServer;
  let meeting: MeetingDto;
  let directory: Directory;
  let chair: TestClient;
  let secretary: TestClient;
  let voters: ClientSocket[] = [];
  let delegates: { id: string; username: string }[] = [];

  const url = (path = '') => `/api/v1/meetings/${meeting.id}/polls${path}`;
  const newPoll = async (body: Record<string, unknown>) => {
    const response = await chair.post<{ poll: PollDto }>(url(), body);
    expect(response.status).toBe(201);
    return response.body.poll;
  };
  /** Opens an election, each voter ticks their names, the chair closes it. */
  const elect = async (title: string, seats: number, votes: Record<string, number>) => {
    const poll = await newPoll({ kind: 'election', title, secret: true, candidates: ['A', 'B', 'C', 'D', 'E'].map((n) => `Ứng viên ${n}`), seats });
    expect(poll).toMatchObject({ seats, maxChoices: seats, runoffOf: null });
    expect((await chair.post(url(`/${poll.id}/open`), {})).status).toBe(200);
    const idOf = new Map(poll.candidates.map((c) => [c.name.slice(-1), c.id]));
    const ballots = ballotsGiving(votes, voters.length);
    for (const [i, socket] of voters.entries()) {
      const choice = ballots[i]!.map((name) => idOf.get(name)!);
      expect(await callWithin(ACK_TIMEOUT_MS * 2, socket, 'vote:cast', { meetingId: meeting.id, pollId: poll.id, idempotencyKey: `${poll.id.slice(0, 8)}-${i}`, choice })).toMatchObject({ ok: true });
    }
    const closed = await chair.post<{ poll: PollDto }>(url(`/${poll.id}/close`));
    expect(closed.status).toBe(200);
    return closed.body.poll;
  };
  const verdicts = (poll: PollDto) => poll.result!.options.map((o) => [o.label, o.votes, o.passed, o.tied ?? false]);

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db);
    const staff = await secretariat(server.url);
    directory = staff.directory;
    secretary = staff.secretary;
    meeting = await createMeeting(secretary, directory, { kind: 'bch', title: 'Hội nghị bầu Ban Thường vụ', membershipTotal: 7, members: [['bithu', 'chair'], ['thuky', 'secretary']] });
    await changeStatus(secretary, meeting, 'published');
    chair = await loggedIn(server.url, 'bithu');
    await changeStatus(chair, meeting, 'in_session');
    delegates = await addCheckedInDelegates(server, meeting.id, directory.unit('Văn phòng Tỉnh ủy').id, 6, directory.user('thuky').id);
    const clients = [chair, ...(await logInAll(server, delegates.map((d) => d.username)))];
    voters = await Promise.all(clients.map((c) => socketOf(server.url, c)));
  });
  afterAll(async () => {
    for (const socket of voters) socket.disconnect();
    await server?.close();
    await db?.drop();
  });

  it('the quorum counts the chair and delegates only: a secretary who checks in does not make it', async () => {
    // Three delegates step out: chair + three delegates = 4 voting members of 7, five needed; the secretary makes a fifth person in the hall.
    await server.database.sql`update attendance set status = 'absent' where meeting_id = ${meeting.id} and user_id in ${server.database.sql(delegates.slice(0, 3).map((d) => d.id))}`;
    const sql = server.database.sql;
    for (const name of ['bithu', 'thuky']) await sql`insert into attendance (meeting_id, user_id, status, marked_by) values (${meeting.id}, ${directory.user(name).id}, 'present', ${directory.user(name).id})`;
    const bump = await secretary.patch(`/api/v1/meetings/${meeting.id}`, { location: 'Hội trường Tỉnh ủy' }); // a new version: screens re-read the marks
    expect(bump.status).toBe(200);
    const snapshot = await act(voters[0]!, 'meeting:snapshot', { meetingId: meeting.id });
    expect(snapshot.attendance).toMatchObject({ present: 4, membershipTotal: 7, quorumRequired: 5, quorumMet: false });
    const poll = await newPoll({ kind: 'motion', title: 'Thông qua chương trình', secret: false });
    const refused = await chair.post<ErrorBody>(url(`/${poll.id}/open`), {});
    expect(refused.body.error.code).toBe('quorumNotMet');
    await chair.post(url(`/${poll.id}/cancel`));
    await sql`update attendance set status = 'present' where meeting_id = ${meeting.id}`;
  });

  it('5 candidates, 3 seats, A5 B5 C5 D4 E2 with 4 needed: three are elected, not four', async () => {
    const poll = await elect('Bầu Ban Thường vụ (3 người)', 3, { A: 5, B: 5, C: 5, D: 4, E: 2 });
    expect(poll.result).toMatchObject({ required: 4, base: 7, ballotsValid: 7, election: { seats: 3, elected: 3, tie: null, unfilled: 0 } });
    expect(verdicts(poll)).toEqual([
      ['Ứng viên A', 5, true, false],
      ['Ứng viên B', 5, true, false],
      ['Ứng viên C', 5, true, false],
      ['Ứng viên D', 4, false, false],
      ['Ứng viên E', 2, false, false],
    ]);
    const csv = await (await chair.fetchRaw(`/api/v1/meetings/${meeting.id}/polls/${poll.id}/result.csv`)).text();
    expect(csv.match(/,Trúng cử/g)).toHaveLength(3);
    expect(csv).toContain('Số người cần bầu,3');
    // No tie: nothing to repeat.
    expect((await chair.post<ErrorBody>(url(`/${poll.id}/runoff`))).body.error.code).toBe('noTie');
  });

  it('a tie at the cut-off (A5 B4 C4, 2 seats) is declared, and the chair opens a run-off among B and C for the seat left', async () => {
    const poll = await elect('Bầu Phó Bí thư (2 người)', 2, { A: 5, B: 4, C: 4, D: 1 });
    expect(poll.result!.election).toMatchObject({ seats: 2, elected: 1, unfilled: 0, tie: { seats: 1 } });
    expect(verdicts(poll).slice(0, 3)).toEqual([
      ['Ứng viên A', 5, true, false],
      ['Ứng viên B', 4, false, true],
      ['Ứng viên C', 4, false, true],
    ]);
    const csv = await (await chair.fetchRaw(`/api/v1/meetings/${meeting.id}/polls/${poll.id}/result.csv`)).text();
    expect(csv).toContain('Ứng viên B,4,57.14,Bằng phiếu - bầu lại');
    expect(csv).toContain('Bằng phiếu ở vị trí cuối');
    const pdf = await chair.fetchRaw(`/api/v1/meetings/${meeting.id}/polls/${poll.id}/result.pdf`);
    expect(pdf.status).toBe(200);

    expect((await chair.post<ErrorBody>(url(`/00000000-0000-4000-8000-000000000000/runoff`))).status).toBe(404);
    expect((await chair.post<ErrorBody>(url(`/khong-phai-uuid/runoff`))).status).toBe(400);
    const runoff = await chair.post<{ poll: PollDto }>(url(`/${poll.id}/runoff`));
    expect(runoff.status).toBe(201);
    expect(runoff.body.poll).toMatchObject({ kind: 'election', status: 'draft', seats: 1, maxChoices: 1, runoffOf: poll.id, secret: true, title: 'Bầu lại: Bầu Phó Bí thư (2 người)' });
    expect(runoff.body.poll.candidates.map((c) => c.name)).toEqual(['Ứng viên B', 'Ứng viên C']);
    expect((await chair.post<ErrorBody>(url(`/${poll.id}/runoff`))).body.error.code).toBe('runoffExists');
    const history = (await chair.get<{ poll: PollDto }>(url(`/${poll.id}`))).body.poll.history.map((h) => h.action);
    expect(history).toContain('runoff');
  });

  it('a delegate cannot open a run-off; a poll still open has no result to repeat', async () => {
    const tied = (await chair.get<{ polls: PollDto[] }>(url())).body.polls.find((p) => p.result?.election?.tie != null)!;
    const delegate = (await logInAll(server, [delegates[0]!.username]))[0]!;
    expect((await delegate.post(url(`/${tied.id}/runoff`))).status).toBe(403);
    const open = await newPoll({ kind: 'election', title: 'Bầu Ủy viên', secret: false, candidates: ['Ứng viên X', 'Ứng viên Y'], seats: 1 });
    expect((await chair.post<ErrorBody>(url(`/${open.id}/runoff`))).body.error.code).toBe('pollResultNotReady');
  });

  it('seats are checked when an election is made', async () => {
    const base = { kind: 'election', title: 'Bầu thử', secret: true, candidates: ['Ứng viên X', 'Ứng viên Y'] };
    expect((await chair.post<ErrorBody>(url(), { ...base, seats: 3 })).body.error.code).toBe('seatsTooHigh');
    expect((await chair.post<ErrorBody>(url(), { ...base, seats: 1, maxChoices: 2 })).body.error.code).toBe('maxChoicesOverSeats');
    expect((await chair.post<ErrorBody>(url(), { ...base, seats: 0 })).status).toBe(400);
    expect((await chair.post<ErrorBody>(url(), { kind: 'motion', title: 'Biểu quyết', secret: false, seats: 2 })).status).toBe(400);
  });

  it('paper counts are checked, and replace ballots cast on tablets only with a recorded reason that the result shows', async () => {
    const poll = await newPoll({ kind: 'motion', title: 'Thông qua Nghị quyết', secret: true });
    expect((await chair.post(url(`/${poll.id}/open`), {})).status).toBe(200);
    for (const [i, socket] of voters.slice(0, 2).entries()) await callWithin(ACK_TIMEOUT_MS * 2, socket, 'vote:cast', { meetingId: meeting.id, pollId: poll.id, idempotencyKey: `paper-${i}-000`, choice: 'yes' });
    const put = (body: Record<string, unknown>) => secretary.request<ErrorBody & { poll: PollDto }>('PUT', url(`/${poll.id}/paper`), body);
    expect((await put({ counts: { yes: 6, no: 1 }, ballotsReturned: 7 })).body.error.code).toBe('paperOverrideReasonRequired');
    const reason = 'Máy tính bảng mất kết nối, hội nghị biểu quyết lại bằng phiếu giấy';
    expect((await put({ counts: { yes: 8 }, ballotsReturned: 8, overrideReason: reason })).body.error.code).toBe('paperReturnedOverIssued');
    expect((await put({ counts: { yes: 5, no: 1 }, ballotsReturned: 7, overrideReason: reason })).body.error.code).toBe('paperMotionSumMismatch');
    expect((await put({ counts: { yes: 5 }, ballotsReturned: 4, ballotsInvalid: 5, overrideReason: reason })).body.error.code).toBe('paperInvalidOverReturned');
    expect((await put({ counts: { yes: 5 }, ballotsReturned: 5, overrideReason: 'x' })).status).toBe(400);
    const entered = await put({ counts: { yes: 5, no: 1 }, ballotsReturned: 7, ballotsInvalid: 1, overrideReason: reason });
    expect(entered.status).toBe(200);
    expect(entered.body.poll.result).toMatchObject({ source: 'paper', passed: true, ballotsValid: 6, paper: { reason, replacedBallots: 2 } });
    expect(entered.body.poll.history.find((h) => h.action === 'paper-counts')?.reason).toBe(reason);
    await chair.post(url(`/${poll.id}/publish`));
    const csv = await (await chair.fetchRaw(`/api/v1/meetings/${meeting.id}/polls/${poll.id}/result.csv`)).text();
    expect(csv).toContain('Phiếu giấy (thư ký nhập)');
    expect(csv).toContain(reason);
  });

  it('a closed electronic election is not replaced by paper without a reason; an election\'s paper counts respect the per-ballot limit', async () => {
    const closed = (await chair.get<{ polls: PollDto[] }>(url())).body.polls.find((p) => p.title === 'Bầu Ban Thường vụ (3 người)')!;
    const [a, b, c, d] = closed.candidates.map((x) => x.id) as [string, string, string, string];
    const put = (body: Record<string, unknown>) => secretary.request<ErrorBody & { poll: PollDto }>('PUT', url(`/${closed.id}/paper`), body);
    expect((await put({ counts: { [a]: 7, [b]: 7, [c]: 7, [d]: 7 }, ballotsReturned: 7 })).body.error.code).toBe('paperOverrideReasonRequired');
    const reason = 'Kiểm phiếu lại theo yêu cầu của Ban kiểm phiếu';
    expect((await put({ counts: { [a]: 7, [b]: 7, [c]: 7, [d]: 7 }, ballotsReturned: 7, overrideReason: reason })).body.error.code).toBe('paperApprovalsOverLimit');
    expect((await put({ counts: { [a]: 8 }, ballotsReturned: 7, overrideReason: reason })).body.error.code).toBe('paperVotesOverValid');
    expect((await put({ counts: { [a]: 5 }, ballotsReturned: 7, overrideReason: reason })).body.poll.result).toMatchObject({ source: 'paper', paper: { reason, replacedBallots: 7 }, election: { elected: 1, unfilled: 2 } });
  });
});
