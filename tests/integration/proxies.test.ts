/**
 * Issue 11, findings 7, 11 and 18: who may vote for whom, and when a ballot
 * is still taken. A proxy is an absent voting member represented by a present
 * voting member, fixed before a poll opens; polls close with their meeting;
 * a participant removed from a meeting no longer votes in it.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeetingDto, ParticipantDto } from '../../server/contract/meetings.ts';
import type { PollDto } from '../../server/contract/votes.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { changeStatus, createMeeting, secretariat, type Directory } from '../helpers/meetings.ts';
import { online, type Person } from '../helpers/people.ts';
import { startTestServer, type TestClient, type TestServer } from '../helpers/server.ts';
import { act, refusal } from '../helpers/socket.ts';

describe('proxies and the end of a vote', () => {
  let db: TestDatabase;
  let server: TestServer;
  let directory: Directory;
  let secretary: TestClient;
  let chair: Person;
  const people: Person[] = [];
  const join = async (username: string) => {
    const person = await online(server.url, username);
    people.push(person);
    return person;
  };

  /** A meeting in session: bithu chairs, three delegates, a guest. */
  async function newMeeting(title: string): Promise<MeetingDto> {
    const meeting = await createMeeting(secretary, directory, {
      title,
      membershipTotal: 4,
      members: [
        ['bithu', 'chair'],
        ['caophong.bithu', 'delegate'],
        ['maichau.bithu', 'delegate'],
        ['paco.chutich', 'delegate'],
        ['khach', 'guest'],
      ],
    });
    await changeStatus(secretary, meeting, 'published');
    await changeStatus(chair.client, meeting, 'in_session');
    return meeting;
  }
  const id = (username: string) => directory.user(username).id;
  const mark = (meeting: MeetingDto, username: string, status: 'present' | 'absent' | 'proxy', proxy?: string) =>
    ({ meetingId: meeting.id, userId: id(username), status, ...(proxy === undefined ? {} : { proxyUserId: id(proxy) }) }) as const;
  const openPoll = async (meeting: MeetingDto, body: Record<string, unknown> = {}) => {
    const created = await chair.client.post<{ poll: PollDto }>(`/api/v1/meetings/${meeting.id}/polls`, { kind: 'motion', title: 'Thông qua tờ trình', secret: true, ...body });
    expect((await chair.client.post(`/api/v1/meetings/${meeting.id}/polls/${created.body.poll.id}/open`, { quorumOverrideReason: 'Kiểm thử ủy quyền' })).status).toBe(200);
    return created.body.poll;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db);
    ({ secretary, directory } = await secretariat(server.url));
    chair = await join('bithu');
  });
  afterAll(async () => {
    for (const person of people) person.socket.disconnect();
    await server?.close();
    await db?.drop();
  });

  it('a chair cannot vote for a present delegate: only an absent voting member, by a present voting member, before the poll opens', async () => {
    const meeting = await newMeeting('Ủy quyền biểu quyết');
    const delegate = await join('caophong.bithu');
    const holder = await join('maichau.bithu');
    await act(delegate.socket, 'attendance:checkIn', { meetingId: meeting.id });
    await act(holder.socket, 'attendance:checkIn', { meetingId: meeting.id });
    await act(chair.socket, 'attendance:checkIn', { meetingId: meeting.id });

    // The attack of finding 7: a present delegate "represented" by the chair.
    expect(await refusal(chair.socket, 'attendance:mark', mark(meeting, 'caophong.bithu', 'proxy', 'bithu'))).toBe('proxyForPresentMember');
    // Not a voting member on either side; not present.
    expect(await refusal(chair.socket, 'attendance:mark', mark(meeting, 'paco.chutich', 'proxy', 'khach'))).toBe('proxyNotVoter');
    expect(await refusal(chair.socket, 'attendance:mark', mark(meeting, 'paco.chutich', 'proxy', 'thuky'))).toBe('proxyNotVoter');
    await act(chair.socket, 'attendance:mark', mark(meeting, 'caophong.bithu', 'absent'));
    expect(await refusal(chair.socket, 'attendance:mark', mark(meeting, 'caophong.bithu', 'proxy', 'paco.chutich'))).toBe('proxyNotPresent');

    // The legitimate proxy: absent delegate, represented by a present delegate, before the vote.
    await act(chair.socket, 'attendance:mark', mark(meeting, 'caophong.bithu', 'proxy', 'maichau.bithu'));
    // Whoever represents someone stays present until the proxy is moved.
    expect(await refusal(chair.socket, 'attendance:mark', mark(meeting, 'maichau.bithu', 'absent'))).toBe('proxyHolderLeaving');

    const poll = await openPoll(meeting);
    // While the poll is open, no proxy changes: not moved, not ended, not by checking in.
    expect(await refusal(chair.socket, 'attendance:mark', mark(meeting, 'caophong.bithu', 'proxy', 'bithu'))).toBe('proxyWhilePollOpen');
    expect(await refusal(chair.socket, 'attendance:mark', mark(meeting, 'caophong.bithu', 'present'))).toBe('proxyWhilePollOpen');
    expect(await refusal(delegate.socket, 'attendance:checkIn', { meetingId: meeting.id })).toBe('proxyWhilePollOpen');
    // The chair holds no proxy; the holder does, once.
    expect(await refusal(chair.socket, 'vote:cast', { meetingId: meeting.id, pollId: poll.id, idempotencyKey: `c-${randomUUID()}`, choice: 'yes', voterUserId: id('caophong.bithu') })).toBe('notProxy');
    await act(holder.socket, 'vote:cast', { meetingId: meeting.id, pollId: poll.id, idempotencyKey: `h-${randomUUID()}`, choice: 'no', voterUserId: id('caophong.bithu') });
    expect(await refusal(delegate.socket, 'vote:cast', { meetingId: meeting.id, pollId: poll.id, idempotencyKey: `d-${randomUUID()}`, choice: 'yes' })).toBe('alreadyVoted');
    expect((await chair.client.post(`/api/v1/meetings/${meeting.id}/polls/${poll.id}/close`)).status).toBe(200);
    // Once closed, the member checks in again.
    await act(delegate.socket, 'attendance:checkIn', { meetingId: meeting.id });
  });

  it('a participant removed after a poll opened can no longer vote in it', async () => {
    const meeting = await newMeeting('Biểu quyết sau khi rút tên');
    const delegate = await join('paco.chutich');
    await act(delegate.socket, 'attendance:checkIn', { meetingId: meeting.id });
    const poll = await openPoll(meeting, { eligibility: 'all_members' });
    const roster = (await secretary.get<{ participants: ParticipantDto[] }>(`/api/v1/meetings/${meeting.id}/participants`)).body.participants;
    const row = roster.find((p) => p.userId === id('paco.chutich'))!;
    expect((await secretary.request('DELETE', `/api/v1/meetings/${meeting.id}/participants/${row.id}`)).status).toBe(204);
    const refused = await refusal(delegate.socket, 'vote:cast', { meetingId: meeting.id, pollId: poll.id, idempotencyKey: `r-${randomUUID()}`, choice: 'yes' });
    // As for anyone outside the meeting: as if the poll did not exist.
    expect(refused).toBe('pollNotFound');
    const state = (await chair.client.get<{ poll: PollDto }>(`/api/v1/meetings/${meeting.id}/polls/${poll.id}`)).body.poll;
    expect(state.turnout.cast).toBe(0);
  });

  it('closing the meeting closes its open polls and refuses later ballots', async () => {
    const meeting = await newMeeting('Bế mạc khi còn biểu quyết');
    const delegate = await join('maichau.bithu');
    const late = await join('caophong.bithu');
    await act(delegate.socket, 'attendance:checkIn', { meetingId: meeting.id });
    const poll = await openPoll(meeting, { secret: true, eligibility: 'all_members' });
    await act(delegate.socket, 'vote:cast', { meetingId: meeting.id, pollId: poll.id, idempotencyKey: `a-${randomUUID()}`, choice: 'yes' });
    await changeStatus(chair.client, meeting, 'closed');
    // An eligible member who had not voted yet: too late once the meeting is closed.
    expect(await refusal(late.socket, 'vote:cast', { meetingId: meeting.id, pollId: poll.id, idempotencyKey: `l-${randomUUID()}`, choice: 'no' })).toBe('pollNotOpen');
    await expect.poll(async () => (await chair.client.get<{ poll: PollDto }>(`/api/v1/meetings/${meeting.id}/polls/${poll.id}`)).body.poll.status, { timeout: 10_000 }).toBe('closed');
    const closed = (await chair.client.get<{ poll: PollDto }>(`/api/v1/meetings/${meeting.id}/polls/${poll.id}`)).body.poll;
    expect(closed.result!.options.map((o) => o.votes)).toEqual([1, 0, 0]);
    expect(closed.history.map((h) => h.action)).toContain('closed-with-meeting');
  });
});
