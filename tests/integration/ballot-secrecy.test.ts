/**
 * Acceptance 4 of issue 11: a secret ballot stays secret after its poll
 * closes. On embedded PGlite and on the real PostgreSQL: every seal of a poll
 * has the same length whatever was chosen; after the close, the database's
 * files (PGlite's data directory; PostgreSQL's relation files of the ballot
 * tables after a CHECKPOINT, and its WAL), the server's logs and
 * DATA_DIR/keys hold nothing that opens an old seal, so nothing links a voter
 * to a choice. Also: the server refuses to start when an open secret poll's
 * key is missing, instead of stranding the poll.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MeetingDto } from '../../server/contract/meetings.ts';
import type { PollDto } from '../../server/contract/votes.ts';
import { BallotKeys } from '../../server/modules/votes/ballot-keys.ts';
import { unseal, type BallotShape } from '../../server/modules/votes/sealing.ts';
import { createTestDatabase, realDatabaseUrl, type TestDatabase } from '../helpers/database.ts';
import { changeStatus, createMeeting, loggedIn, secretariat } from '../helpers/meetings.ts';
import { socketOf } from '../helpers/people.ts';
import { startTestServer, type TestClient, type TestServer } from '../helpers/server.ts';
import { act, type ClientSocket } from '../helpers/socket.ts';
import { addCheckedInDelegates, logInAll } from '../helpers/voters.ts';

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/** Every 32-byte key anything left in DATA_DIR/keys could give: raw file contents, and every poll key file opened with the master key. */
async function keysLeft(dataDir: string, pollIds: string[]): Promise<Buffer[]> {
  const found: Buffer[] = [];
  for (const file of await filesUnder(path.join(dataDir, 'keys'))) {
    const raw = Buffer.from((await fs.readFile(file, 'utf8')).trim(), 'base64');
    if (raw.length >= 32) found.push(raw.subarray(0, 32));
  }
  const keys = await BallotKeys.load(dataDir, undefined, []);
  for (const id of [...pollIds, ...(await keys.storedPollIds())]) {
    const key = await keys.pollKey(id).catch(() => null);
    if (key !== null) found.push(key);
  }
  return found;
}

function opens(key: Buffer, shape: BallotShape, sealed: string, pollId: string): boolean {
  try {
    unseal(key, shape, sealed, pollId);
    return true;
  } catch {
    return false;
  }
}

const kinds = (realDatabaseUrl === undefined ? ['embedded'] : ['embedded', 'external']) as ('embedded' | 'external')[];

describe.each(kinds)('secret ballots after close (%s database)', (kind) => {
  const dbs: TestDatabase[] = [];
  const servers: TestServer[] = [];
  const sockets: ClientSocket[] = [];
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    for (const server of servers) await server.close();
    for (const db of dbs) await db.drop();
  });

  async function meetingWithVoters(server: TestServer, count: number): Promise<{ meeting: MeetingDto; chair: TestClient; voters: ClientSocket[] }> {
    const { secretary, directory } = await secretariat(server.url);
    const meeting = await createMeeting(secretary, directory, { title: 'Hội nghị bỏ phiếu kín', membershipTotal: count + 1, members: [['bithu', 'chair']] });
    await changeStatus(secretary, meeting, 'published');
    const chair = await loggedIn(server.url, 'bithu');
    await changeStatus(chair, meeting, 'in_session');
    const people = await addCheckedInDelegates(server, meeting.id, directory.unit('Văn phòng Tỉnh ủy').id, count, directory.user('thuky').id);
    const clients = await logInAll(server, people.map((p) => p.username));
    const voters = await Promise.all(clients.map((c) => socketOf(server.url, c)));
    sockets.push(...voters);
    return { meeting, chair, voters };
  }

  it('seals every ballot of a poll to one length, and after close nothing left opens them', async () => {
    const db = await createTestDatabase(kind);
    dbs.push(db);
    const server = await startTestServer(db);
    servers.push(server);
    const { meeting, chair, voters } = await meetingWithVoters(server, 9);
    const make = async (body: Record<string, unknown>) => {
      const created = await chair.post<{ poll: PollDto }>(`/api/v1/meetings/${meeting.id}/polls`, { secret: true, eligibility: 'present', ...body });
      expect((await chair.post(`/api/v1/meetings/${meeting.id}/polls/${created.body.poll.id}/open`, { quorumOverrideReason: 'Kiểm thử bí mật' })).status).toBe(200);
      return created.body.poll;
    };
    const motion = await make({ kind: 'motion', title: 'Thông qua nghị quyết kín' });
    const election = await make({ kind: 'election', title: 'Bầu Ban Thường vụ', candidates: ['An', 'Bình', 'Cường', 'Dung', 'Em', 'Giang', 'Hà', 'Khánh', 'Lan'], maxChoices: 9 });
    const ids = election.candidates.map((c) => c.id);
    const motionChoices = ['yes', 'no', 'abstain', 'yes', 'no', 'abstain', 'yes', 'yes', 'no'] as const;
    // Nobody, one name, several, every name: the seal must not tell them apart.
    const electionChoices = voters.map((_, i) => ids.slice(0, i));
    const receipts: string[] = [];
    for (const [i, socket] of voters.entries()) {
      receipts.push((await act(socket, 'vote:cast', { meetingId: meeting.id, pollId: motion.id, idempotencyKey: `m-${randomUUID()}`, choice: motionChoices[i]! })).receipt);
      await act(socket, 'vote:cast', { meetingId: meeting.id, pollId: election.id, idempotencyKey: `e-${randomUUID()}`, choice: electionChoices[i]! });
    }

    const seals = new Map<string, string[]>();
    for (const poll of [motion, election]) {
      const rows = await server.database.sql<{ sealed: string }[]>`select sealed from poll_voters where poll_id = ${poll.id}`;
      expect(rows).toHaveLength(voters.length);
      expect(new Set(rows.map((r) => r.sealed.length)).size, `${poll.kind}: seals of different lengths`).toBe(1);
      seals.set(poll.id, rows.map((r) => r.sealed));
    }
    // While open the poll's key exists (the window the README names), outside the database.
    expect(existsSync(path.join(db.dataDir, 'keys', 'polls', `${motion.id}.key`))).toBe(true);

    for (const poll of [motion, election]) expect((await chair.post(`/api/v1/meetings/${meeting.id}/polls/${poll.id}/close`)).status).toBe(200);
    expect(existsSync(path.join(db.dataDir, 'keys', 'polls', `${motion.id}.key`))).toBe(false);

    // What a thief would take: the database's files (with dead rows and WAL) …
    const dbFiles: string[] = [];
    if (kind === 'external') {
      await server.database.sql`checkpoint`;
      const [{ dir }] = (await server.database.sql<{ dir: string }[]>`select current_setting('data_directory') as dir`) as unknown as [{ dir: string }];
      for (const table of ['poll_voters', 'poll_ballots', 'poll_receipts']) {
        const [{ file }] = (await server.database.sql<{ file: string }[]>`select pg_relation_filepath(${table}) as file`) as unknown as [{ file: string }];
        dbFiles.push(...(await filesUnder(path.dirname(path.join(dir, file)))).filter((f) => path.basename(f).startsWith(path.basename(file))));
      }
      dbFiles.push(...(await filesUnder(path.join(dir, 'pg_wal'))));
    }
    dbFiles.push(...(await filesUnder(db.dataDir)).filter((f) => !f.includes(`${path.sep}keys${path.sep}`)));
    let sealsFound = 0;
    const allSeals = [...seals.values()].flat();
    for (const file of dbFiles) {
      const bytes = await fs.readFile(file).catch(() => null); // WAL segments may be recycled under us
      if (bytes === null) continue;
      sealsFound += allSeals.filter((s) => bytes.includes(s)).length;
    }
    // … the logs …
    const logText = JSON.stringify(server.logs);
    for (const sealed of allSeals) expect(logText).not.toContain(sealed);
    for (const receipt of receipts) expect(logText).not.toContain(receipt);
    // … and DATA_DIR/keys: whatever old seals the files still hold, no key left opens any of them.
    const left = await keysLeft(db.dataDir, [motion.id, election.id]);
    expect(left.length).toBeGreaterThan(0); // the master key is still there: it must not be enough
    for (const [pollId, list] of seals) {
      const shape: BallotShape = pollId === motion.id ? { kind: 'motion' } : { kind: 'election', candidateIds: ids };
      for (const sealed of list) for (const key of left) expect(opens(key, shape, sealed, pollId)).toBe(false);
    }
    // The count is right, and the anonymous rows hold choices only.
    const counted = (await chair.get<{ poll: PollDto }>(`/api/v1/meetings/${meeting.id}/polls/${motion.id}`)).body.poll;
    expect(counted.result!.options.map((o) => o.votes)).toEqual([4, 3, 2]);
    console.info(`${kind}: ${dbFiles.length} database files scanned, ${sealsFound} old seal copies found, none can be opened`);
  }, 240_000);

  it('a database error during a cast is logged without the statement\'s parameters or the row\'s values', async () => {
    const db = await createTestDatabase(kind);
    dbs.push(db);
    const server = await startTestServer(db);
    servers.push(server);
    const { meeting, chair, voters } = await meetingWithVoters(server, 1);
    const created = await chair.post<{ poll: PollDto }>(`/api/v1/meetings/${meeting.id}/polls`, { kind: 'motion', title: 'Lỗi cơ sở dữ liệu', secret: true });
    const pollId = created.body.poll.id;
    expect((await chair.post(`/api/v1/meetings/${meeting.id}/polls/${pollId}/open`, { quorumOverrideReason: 'Kiểm thử nhật ký' })).status).toBe(200);
    // Any insert into poll_voters now fails, the way a full disk or a broken replica would make it fail.
    await server.database.sql.unsafe(`alter table poll_voters add constraint refuse_all check (length(sealed) < 5) not valid`);
    const idempotencyKey = `marker-${randomUUID()}`;
    const ack = await voters[0]!.timeout(10_000).emitWithAck('vote:cast', { meetingId: meeting.id, pollId, idempotencyKey, choice: 'no' });
    expect(ack).toMatchObject({ ok: false, error: { code: 'internal' } });
    await expect.poll(() => server.logs.some((line) => line.err !== undefined), { timeout: 10_000 }).toBe(true);
    const logText = JSON.stringify(server.logs);
    expect(logText).toContain('poll_voters'); // the failure is logged, with its statement …
    expect(logText).not.toContain(idempotencyKey); // … but none of its parameters
    expect(logText).not.toMatch(/Failing row contains|params:/);
  }, 120_000);

  it('refuses to start while an open secret poll has lost its key, and starts again once it is back', async () => {
    const db = await createTestDatabase(kind);
    dbs.push(db);
    const first = await startTestServer(db);
    const { meeting, chair, voters } = await meetingWithVoters(first, 2);
    const created = await chair.post<{ poll: PollDto }>(`/api/v1/meetings/${meeting.id}/polls`, { kind: 'motion', title: 'Biểu quyết kín', secret: true });
    const pollId = created.body.poll.id;
    expect((await chair.post(`/api/v1/meetings/${meeting.id}/polls/${pollId}/open`, { quorumOverrideReason: 'Kiểm thử khóa' })).status).toBe(200);
    await act(voters[0]!, 'vote:cast', { meetingId: meeting.id, pollId, idempotencyKey: `k-${randomUUID()}`, choice: 'no' });
    for (const socket of voters) socket.disconnect();
    await first.close();

    const keysDir = path.join(db.dataDir, 'keys');
    const aside = `${keysDir}.aside`;
    await fs.rename(keysDir, aside);
    await expect(startTestServer(db)).rejects.toThrow(new RegExp(`BALLOT_KEY .*missing.*${pollId}`));
    // A different master key (another process's, a wrong BALLOT_KEY) is refused too.
    await expect(startTestServer(db, { BALLOT_KEY: Buffer.alloc(32, 7).toString('base64') })).rejects.toThrow(new RegExp(`cannot open the key .*${pollId}`));
    expect(existsSync(keysDir)).toBe(false); // no new key was made behind the operator's back
    await fs.rename(aside, keysDir);

    const again = await startTestServer(db);
    servers.push(again);
    const chairAgain = await loggedIn(again.url, 'bithu');
    const closed = await chairAgain.post<{ poll: PollDto }>(`/api/v1/meetings/${meeting.id}/polls/${pollId}/close`);
    expect(closed.status).toBe(200);
    expect(closed.body.poll.result!.options.map((o) => o.votes)).toEqual([0, 1, 0]);
    // No poll open, but receipts were derived from the lost key: no silent new key either; a new BALLOT_KEY is an explicit choice.
    await again.close();
    await fs.rm(keysDir, { recursive: true });
    await expect(startTestServer(db)).rejects.toThrow(/receipts/);
    const fresh = await startTestServer(db, { BALLOT_KEY: Buffer.alloc(32, 9).toString('base64') });
    servers.push(fresh);
  }, 240_000);
});
