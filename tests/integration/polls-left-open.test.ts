/**
 * A crash between closing a meeting and closing its polls must not leave a
 * poll open for ever: at the next start the server closes and counts the
 * polls of meetings that are already closed, and leaves those of meetings
 * still in session open.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeetingDto } from '../../server/contract/meetings.ts';
import type { PollDto } from '../../server/contract/votes.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { changeStatus, createMeeting, loggedIn, secretariat, type Directory } from '../helpers/meetings.ts';
import { online, type Person } from '../helpers/people.ts';
import { startTestServer, type TestClient, type TestServer } from '../helpers/server.ts';
import { act } from '../helpers/socket.ts';

describe('polls left open by a crash', () => {
  let db: TestDatabase;
  let server: TestServer;
  let directory: Directory;
  let secretary: TestClient;
  const people: Person[] = [];

  async function meetingWithOpenPoll(title: string): Promise<{ meeting: MeetingDto; poll: PollDto }> {
    const meeting = await createMeeting(secretary, directory, {
      title,
      membershipTotal: 3,
      members: [
        ['bithu', 'chair'],
        ['caophong.bithu', 'delegate'],
        ['maichau.bithu', 'delegate'],
      ],
    });
    await changeStatus(secretary, meeting, 'published');
    const chair = await online(server.url, 'bithu');
    const delegate = await online(server.url, 'caophong.bithu');
    people.push(chair, delegate);
    await changeStatus(chair.client, meeting, 'in_session');
    await act(delegate.socket, 'attendance:checkIn', { meetingId: meeting.id });
    const created = await chair.client.post<{ poll: PollDto }>(`/api/v1/meetings/${meeting.id}/polls`, { kind: 'motion', title: 'Thông qua tờ trình', secret: true });
    expect((await chair.client.post(`/api/v1/meetings/${meeting.id}/polls/${created.body.poll.id}/open`, { quorumOverrideReason: 'Kiểm thử khởi động lại' })).status).toBe(200);
    await act(delegate.socket, 'vote:cast', { meetingId: meeting.id, pollId: created.body.poll.id, idempotencyKey: `k-${randomUUID()}`, choice: 'yes' });
    return { meeting, poll: created.body.poll };
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db);
    ({ secretary, directory } = await secretariat(server.url));
  });
  afterAll(async () => {
    for (const person of people) person.socket.disconnect();
    await server?.close();
    await db?.drop();
  });

  it('closes and counts, at start, the open polls of a meeting that closed before the crash; others stay open', async () => {
    const crashed = await meetingWithOpenPoll('Hội nghị đóng khi máy chủ dừng đột ngột');
    const running = await meetingWithOpenPoll('Hội nghị vẫn đang họp');
    // The meeting's close committed, but the process died before its polls were closed: written
    // straight to the table, so no event reaches the votes module.
    await server.database.sql`update meetings set status = 'closed' where id = ${crashed.meeting.id}`;
    for (const person of people.splice(0)) person.socket.disconnect();
    await server.close();

    server = await startTestServer(db);
    const chair = await loggedIn(server.url, 'bithu');
    const pollOf = async (meeting: MeetingDto, poll: PollDto) => (await chair.get<{ poll: PollDto }>(`/api/v1/meetings/${meeting.id}/polls/${poll.id}`)).body.poll;

    const closed = await pollOf(crashed.meeting, crashed.poll);
    expect(closed.status).toBe('closed');
    expect(closed.turnout.cast).toBe(1);
    expect(closed.result?.options.find((option) => option.key === 'yes')?.votes).toBe(1);

    const stillOpen = await pollOf(running.meeting, running.poll);
    expect(stillOpen.status).toBe('open');
    expect(stillOpen.result).toBeNull();
  });
});
