/**
 * The kill -9 drill (issue 11): a vote under way on the real PostgreSQL, the
 * server process killed with SIGKILL while many voters cast, restarted on the
 * same address; the voters' tablets keep retrying (the same idempotency key,
 * as the web client does) until they get an answer. Every voter is counted
 * exactly once, with the choice they made, whether their first try was
 * committed before the kill, lost with it, or answered after the restart.
 * Only the public socket API (`vote:cast`) and the poll's published result
 * are used.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import type { Ack } from '../../server/contract/realtime.ts';
import type { CastReceipt, PollDto } from '../../server/contract/votes.ts';
import { createTestDatabase, realDatabaseUrl, type TestDatabase } from '../helpers/database.ts';
import { changeStatus, createMeeting, secretariat } from '../helpers/meetings.ts';
import { freePort, startServerProcess, type ServerProcess } from '../helpers/server-process.ts';
import type { TestClient } from '../helpers/server.ts';
import { connectSocket, connected, type ClientSocket } from '../helpers/socket.ts';
import { addCheckedInDelegates, logInAll } from '../helpers/voters.ts';

const VOTERS = 60;
const CHOICES = ['yes', 'no', 'abstain'] as const;
/** How long a tablet waits for an answer before it tries again. */
const TRY_TIMEOUT_MS = 3_000;
const LIMITS = { RATE_LIMIT_PER_USER_PER_MINUTE: '1000000', RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '1000000' };

type Outcome = { receipt: string; tries: number };

/**
 * One tablet casting one ballot: connects (again, after a lost server),
 * sends, and on no answer or a dropped connection tries again with the same
 * idempotency key; resolves with the receipt it finally got.
 */
async function castUntilAnswered(client: TestClient, ballot: { meetingId: string; pollId: string; choice: string }, onAnswer: () => void): Promise<Outcome> {
  const idempotencyKey = randomBytes(12).toString('base64url');
  let socket: ClientSocket | undefined;
  for (let tries = 1; tries <= 200; tries += 1) {
    try {
      if (socket === undefined || !socket.connected) {
        socket?.disconnect();
        socket = connectSocket(client.baseUrl, { cookie: client.cookieHeader });
        // A handshake cut by the kill may never settle either way: a tablet gives up on it and tries again.
        await Promise.race([connected(socket), new Promise((_, reject) => setTimeout(() => reject(new Error('connect timeout')), TRY_TIMEOUT_MS))]);
      }
      const emitter = socket.timeout(TRY_TIMEOUT_MS) as unknown as { emitWithAck(event: string, payload: unknown): Promise<Ack<CastReceipt>> };
      const answer = await emitter.emitWithAck('vote:cast', { ...ballot, idempotencyKey });
      if (answer.ok) {
        onAnswer();
        socket.disconnect();
        return { receipt: answer.data.receipt, tries };
      }
      // A refusal the server means (not a lost call) ends the drill for this voter: the test then fails on the counts.
      if (answer.error.code !== 'internal' && answer.error.code !== 'rateLimited') throw new Error(`refused: ${answer.error.code}`);
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('refused')) {
        socket?.disconnect();
        throw error;
      }
      socket?.disconnect();
      socket = undefined;
    }
    // The server is down or restarting: a tablet waits a moment before trying again.
    await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
  }
  throw new Error('no answer after 200 tries');
}

describe.runIf(realDatabaseUrl !== undefined)('kill -9 during a vote', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it.each([
    ['a public', false],
    ['a secret', true],
  ] as const)(
    'in %s ballot, every voter is counted exactly once after SIGKILL, a restart and retries',
    async (_label, secret) => {
      const db: TestDatabase = await createTestDatabase('external');
      const sql = postgres(db.databaseUrl!, { max: 2, onnotice: () => {} });
      cleanups.push(async () => {
        await sql.end();
        await db.drop();
      });
      const port = await freePort();
      let server: ServerProcess = await startServerProcess(db, port, LIMITS);
      cleanups.push(() => server.kill('SIGKILL'));

      const { secretary, directory } = await secretariat(server.url);
      const meeting = await createMeeting(secretary, directory, { title: 'Kỳ họp bất thường', membershipTotal: VOTERS, members: [] });
      await changeStatus(secretary, meeting, 'published');
      await changeStatus(secretary, meeting, 'in_session');
      const people = await addCheckedInDelegates({ database: { sql } }, meeting.id, directory.unit('Văn phòng Tỉnh ủy').id, VOTERS, directory.user('thuky').id);
      const created = await secretary.post<{ poll: PollDto }>(`/api/v1/meetings/${meeting.id}/polls`, { kind: 'motion', title: 'Thông qua Nghị quyết', secret, threshold: 'half_all' });
      expect(created.status).toBe(201);
      const pollId = created.body.poll.id;
      expect((await secretary.post(`/api/v1/meetings/${meeting.id}/polls/${pollId}/open`, {})).status).toBe(200);
      const voters = await logInAll({ url: server.url }, people.map((p) => p.username));

      // Everyone casts, spread over half a second; the server is killed once a quarter have their answer.
      let answered = 0;
      let killedAt: number | undefined;
      let markKilled: () => void = () => {};
      const killed = new Promise<void>((resolve) => (markKilled = resolve));
      const onAnswer = () => {
        answered += 1;
        if (answered === Math.ceil(VOTERS / 4)) {
          killedAt = answered;
          void server.kill('SIGKILL').then(markKilled);
        }
      };
      const casts = voters.map(async (client, i) => {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 500));
        return castUntilAnswered(client, { meetingId: meeting.id, pollId, choice: CHOICES[i % 3]! }, onAnswer);
      });
      // A refusal (or every answer before the kill) ends the wait with its reason.
      await Promise.race([killed, Promise.all(casts).then(() => expect.fail('every ballot was answered before the kill'))]);
      server = await startServerProcess(db, port, LIMITS);
      const outcomes = await Promise.all(casts);

      // The kill came mid-vote: some had their answer, others had to try again after the restart.
      expect(killedAt).toBeLessThan(VOTERS);
      expect(outcomes.filter((o) => o.tries > 1).length).toBeGreaterThan(0);
      expect(new Set(outcomes.map((o) => o.receipt)).size).toBe(VOTERS);

      // The secretary's session survived the kill; close and publish, then read the count.
      expect((await secretary.post(`/api/v1/meetings/${meeting.id}/polls/${pollId}/close`, {})).status).toBe(200);
      expect((await secretary.post(`/api/v1/meetings/${meeting.id}/polls/${pollId}/publish`, {})).status).toBe(200);
      const poll = (await secretary.get<{ poll: PollDto }>(`/api/v1/meetings/${meeting.id}/polls/${pollId}`)).body.poll;
      expect(poll.turnout.cast).toBe(VOTERS);
      expect(poll.result?.ballotsReturned).toBe(VOTERS);
      const votesFor = (key: string) => poll.result?.options.find((o) => o.key === key)?.votes;
      for (const choice of CHOICES) expect(votesFor(choice), choice).toBe(voters.filter((_, i) => CHOICES[i % 3] === choice).length);
    },
    180_000,
  );
});
