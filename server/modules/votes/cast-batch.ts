/**
 * One batch of ballots for one poll, in one transaction and one commit.
 *
 * The database stays the arbiter: the poll row is held FOR SHARE (closing
 * takes it FOR UPDATE, so no batch commits after the count), the roster and
 * proxy marks are read inside the transaction, and (poll, voter) is the
 * primary key. Every ballot is then checked in memory with the rules of
 * ballot-rules.ts; the first ballot of each voter is written in one INSERT;
 * what the INSERT did not take (a ballot from an earlier batch, another
 * process, or a voter's second tablet in this batch) is handled row by row
 * under FOR UPDATE, exactly as a single ballot would be. Ballots the fast
 * path cannot judge exactly (a closed or unknown poll, a meeting out of
 * session, a caster who is not a voting member) are handed back for the
 * single-ballot path, which answers them with today's codes.
 */
import { createSecretKey } from 'node:crypto';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { SessionUser } from '../../contract/identity.ts';
import type { CastBallot, CastReceipt } from '../../contract/votes.ts';
import type { Db, Tx } from '../../db/client.ts';
import { columnName as id } from '../../db/column-name.ts';
import { pollCandidates, polls, pollVoters } from '../../db/schema/votes.ts';
import { AppError } from '../../errors.ts';
import { isVotingMember, type LiveService } from '../live/index.ts';
import type { MeetingService } from '../meetings/index.ts';
import type { BallotKeys } from './ballot-keys.ts';
import { checkChoice, checkProxy, storedBallot, type PollRow, type StoredBallot } from './ballot-rules.ts';

export type Ballot = { user: SessionUser; input: CastBallot };
export type CastOutcome = { result: CastReceipt; poll: PollRow; cast: number };

/** What the batch decided for each ballot, by its index in the batch. */
export type BatchDecision = { answered: Map<number, CastReceipt | AppError>; poll: PollRow | null; cast: number; unjudged: number[] };

export type BatchDeps = {
  db: Db;
  meetings: Pick<MeetingService, 'byId' | 'rolesOf'>;
  live: Pick<LiveService, 'attendanceOf'>;
  keys: BallotKeys;
};

type Valid = { index: number; ballot: Ballot; voterUserId: string; stored: StoredBallot; receipt: string };

export async function decideBatch(deps: BatchDeps, meetingId: string, pollId: string, batch: readonly Ballot[]): Promise<BatchDecision> {
  return deps.db.transaction(async (tx) => {
    const everyone = batch.map((_, i) => i);
    const [poll] = await tx.select().from(polls).where(and(eq(polls.id, pollId), eq(polls.meetingId, meetingId))).for('share');
    if (poll === undefined || poll.status !== 'open') return { answered: new Map(), poll: poll ?? null, cast: 0, unjudged: everyone };
    // The roles of this batch's casters and of those they vote for, not the whole hall's roster.
    const people = batch.flatMap((b) => [b.user.id, b.input.voterUserId ?? b.user.id]);
    const [meeting, roleOf] = await Promise.all([deps.meetings.byId(meetingId, tx), deps.meetings.rolesOf(meetingId, people, tx)]);
    if (meeting?.status !== 'in_session') return { answered: new Map(), poll, cast: 0, unjudged: everyone };
    const anyProxy = batch.some((b) => (b.input.voterUserId ?? b.user.id) !== b.user.id);
    const marks = anyProxy && poll.allowProxy ? new Map((await deps.live.attendanceOf(meetingId, tx)).map((m) => [m.userId, m])) : new Map();
    const candidateIds = poll.kind === 'motion' ? [] : (await tx.select({ id: pollCandidates.id }).from(pollCandidates).where(eq(pollCandidates.pollId, poll.id)).orderBy(asc(pollCandidates.position))).map((c) => c.id);
    const raw = poll.secret ? await deps.keys.pollKey(poll.id) : null;
    // one key object for the whole batch (see seal)
    const key = raw === null ? null : createSecretKey(raw);
    const eligible = new Set(poll.eligibleVoters ?? []);

    const answered = new Map<number, CastReceipt | AppError>();
    const unjudged: number[] = [];
    const valid: Valid[] = [];
    for (const [index, ballot] of batch.entries()) {
      if (!isVotingMember(roleOf.get(ballot.user.id))) {
        unjudged.push(index);
        continue;
      }
      const voterUserId = ballot.input.voterUserId ?? ballot.user.id;
      try {
        if (voterUserId !== ballot.user.id) checkProxy(poll, ballot.user.id, roleOf.get(voterUserId), marks.get(voterUserId));
        if (!eligible.has(voterUserId)) throw new AppError(403, 'notEligible');
        checkChoice(poll, candidateIds, ballot.input.choice);
        const receipt = deps.keys.receipt(poll.id, voterUserId);
        valid.push({ index, ballot, voterUserId, receipt, stored: storedBallot(poll, candidateIds, ballot.input.choice, receipt, key) });
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        answered.set(index, error);
      }
    }
    await writeValid(tx, poll, valid, answered);
    return { answered, poll, cast: await tx.$count(pollVoters, eq(pollVoters.pollId, poll.id)), unjudged };
  });
}

/**
 * One row per voter in one INSERT of column arrays (unnest): the statement's
 * text is the same for every batch size, so it is parsed and planned once per
 * connection, where a VALUES list of 1,000 rows is a new 6,000-parameter
 * statement each time. Rows already there are left alone; the voters whose row
 * this inserted are returned.
 */
async function insertFirstBallots(tx: Tx, pollId: string, firsts: readonly Valid[]): Promise<Set<string>> {
  if (firsts.length === 0) return new Set();
  const column = <T>(pick: (v: Valid) => T) => sql.param(firsts.map(pick));
  const inserted = await tx.execute<{ voter_user_id: string }>(sql`
    insert into ${pollVoters} (${id(pollVoters.pollId)}, ${id(pollVoters.voterUserId)}, ${id(pollVoters.castBy)}, ${id(pollVoters.idempotencyKey)}, ${id(pollVoters.sealed)}, ${id(pollVoters.publicChoice)})
    select ${pollId}::uuid, voter, caster, key, sealed, choice
    from unnest(
      ${column((v) => v.voterUserId)}::uuid[],
      ${column((v) => v.ballot.user.id)}::uuid[],
      ${column((v) => v.ballot.input.idempotencyKey)}::text[],
      ${column((v) => v.stored.sealed)}::text[],
      ${column((v) => (v.stored.publicChoice === null ? null : JSON.stringify(v.stored.publicChoice)))}::jsonb[]
    ) as ballot(voter, caster, key, sealed, choice)
    on conflict do nothing
    returning ${id(pollVoters.voterUserId)} as voter_user_id`);
  return new Set(inserted.map((r) => r.voter_user_id));
}

/** The first ballot of each voter in one INSERT; the rest (retries, second tablets, earlier ballots) one by one against the row. */
async function writeValid(tx: Tx, poll: PollRow, valid: readonly Valid[], answered: Map<number, CastReceipt | AppError>): Promise<void> {
  const first = new Map<string, Valid>();
  for (const v of valid) if (!first.has(v.voterUserId)) first.set(v.voterUserId, v);
  const insertedVoters = await insertFirstBallots(tx, poll.id, [...first.values()]);
  const written = (v: Valid) => insertedVoters.has(v.voterUserId) && first.get(v.voterUserId) === v;
  for (const v of valid) if (written(v)) answered.set(v.index, { receipt: v.receipt, alreadyCast: false });
  const rest = valid.filter((v) => !written(v));
  if (rest.length === 0) return;

  // The row each remaining voter has now: what this batch inserted, or what was there before (locked as a single ballot locks it).
  const keyOf = new Map<string, string>();
  for (const v of first.values()) if (insertedVoters.has(v.voterUserId)) keyOf.set(v.voterUserId, v.ballot.input.idempotencyKey);
  const before = [...new Set(rest.map((v) => v.voterUserId))].filter((id) => !keyOf.has(id));
  if (before.length > 0) {
    const existing = await tx.select({ voterUserId: pollVoters.voterUserId, idempotencyKey: pollVoters.idempotencyKey }).from(pollVoters).where(and(eq(pollVoters.pollId, poll.id), inArray(pollVoters.voterUserId, before))).for('update');
    for (const row of existing) keyOf.set(row.voterUserId, row.idempotencyKey);
  }
  for (const v of rest) {
    const current = keyOf.get(v.voterUserId);
    // The INSERT met a row it cannot see now: impossible within one transaction; refuse rather than guess.
    if (current === undefined) throw new Error('a ballot row vanished inside its transaction');
    if (current === v.ballot.input.idempotencyKey) {
      answered.set(v.index, { receipt: v.receipt, alreadyCast: true });
    } else if (!poll.allowChange) {
      answered.set(v.index, new AppError(409, 'alreadyVoted'));
    } else {
      await tx
        .update(pollVoters)
        .set({ idempotencyKey: v.ballot.input.idempotencyKey, castBy: v.ballot.user.id, ...v.stored })
        .where(and(eq(pollVoters.pollId, poll.id), eq(pollVoters.voterUserId, v.voterUserId)));
      keyOf.set(v.voterUserId, v.ballot.input.idempotencyKey);
      answered.set(v.index, { receipt: v.receipt, alreadyCast: false });
    }
  }
}
