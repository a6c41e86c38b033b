/**
 * Casting a ballot, exactly once, and opening the ballots at close.
 *
 * A voter's ballot is one row keyed by (poll, voter); a retry with the same
 * idempotency key gets the same receipt; any other second ballot is refused
 * (or replaces the first when the poll allows changes). A cast holds the
 * poll row FOR SHARE and closing takes it FOR UPDATE, so no ballot slips in
 * after the count. Secret choices are sealed under the poll's key
 * (sealing.ts, ballot-keys.ts): nothing stored links the voter to the choice,
 * and once the key is destroyed at close nothing left can.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import type { SessionUser } from '../../contract/identity.ts';
import type { CastBallot, CastReceipt } from '../../contract/votes.ts';
import type { Db, Tx } from '../../db/client.ts';
import { pollBallots, pollCandidates, pollReceipts, polls, pollVoters } from '../../db/schema/votes.ts';
import { AppError } from '../../errors.ts';
import { isVotingMember, type LiveService } from '../live/index.ts';
import type { MeetingService } from '../meetings/index.ts';
import type { BallotKeys } from './ballot-keys.ts';
import { ballotShape, checkChoice, checkProxy, storedBallot, type PollRow, type StoredBallot } from './ballot-rules.ts';
import { unseal, type Choice } from './sealing.ts';

export type { PollRow, StoredBallot } from './ballot-rules.ts';
export type { Choice } from './sealing.ts';

/** What casting reads of other modules. */
export type BallotDeps = {
  meetings: Pick<MeetingService, 'access' | 'rolesOf'>;
  live: Pick<LiveService, 'attendanceOf'>;
};

/** Fisher–Yates with a cryptographic generator: the stored order of ballots says nothing. */
function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = randomInt(i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

export class BallotBox {
  readonly #db: Db;
  readonly #deps: BallotDeps;
  readonly #keys: BallotKeys;

  constructor(db: Db, deps: BallotDeps, keys: BallotKeys) {
    this.#db = db;
    this.#deps = deps;
    this.#keys = keys;
  }

  /**
   * Casts in one transaction; the count is taken inside it (a query after it
   * would wait in the pool's queue behind every other voter's transaction, so
   * in a storm each ack would wait for nearly the whole storm).
   */
  async cast(user: SessionUser, input: CastBallot): Promise<{ result: CastReceipt; poll: PollRow; cast: number }> {
    // Someone who may not see the meeting hears what a wrong poll id would tell: nothing about this poll.
    const access = await this.#deps.meetings.access(user, input.meetingId).catch((error: unknown) => {
      throw error instanceof AppError && error.key === 'meetingNotFound' ? new AppError(404, 'pollNotFound') : error;
    });
    // A meeting that has left its session takes no ballot, even before its polls are closed with it.
    if (access.meeting.status !== 'in_session') throw new AppError(409, 'pollNotOpen');
    const voterUserId = input.voterUserId ?? user.id;
    return this.#db.transaction(async (tx) => {
      const decided = await this.#castIn(tx, user, input, voterUserId, access.myRole);
      return { ...decided, cast: await tx.$count(pollVoters, eq(pollVoters.pollId, input.pollId)) };
    });
  }

  /** The poll's ballot layout: candidate ids in ballot order (an empty list for a motion). */
  async candidateIds(tx: Pick<Db, 'select'>, poll: PollRow): Promise<string[]> {
    if (poll.kind === 'motion') return []; // one round trip fewer per ballot
    return (await tx.select({ id: pollCandidates.id }).from(pollCandidates).where(eq(pollCandidates.pollId, poll.id)).orderBy(asc(pollCandidates.position))).map((c) => c.id);
  }

  /**
   * Who may cast this ballot now: the voter themselves while still a voting
   * member of the meeting, or the present voting member holding the absent
   * voter's proxy (live's rules: a proxy is fixed before the poll opens).
   * Someone removed from the meeting after the poll opened no longer votes.
   */
  async #checkCaster(tx: Tx, poll: PollRow, user: SessionUser, voterUserId: string, myRole: string | null): Promise<void> {
    const casterVotes = isVotingMember(myRole);
    if (voterUserId === user.id) {
      if (!casterVotes) throw new AppError(403, 'notEligible');
      return;
    }
    const [[mark], roles] = await Promise.all([this.#deps.live.attendanceOf(poll.meetingId, tx, { userId: voterUserId }), this.#deps.meetings.rolesOf(poll.meetingId, [voterUserId], tx)]);
    if (!casterVotes) throw new AppError(403, 'notProxy');
    checkProxy(poll, user.id, roles.get(voterUserId), mark);
  }

  /** One ballot inside the caller's transaction: checks, then a first ballot, a retry, a change or a refusal. */
  async #castIn(tx: Tx, user: SessionUser, input: CastBallot, voterUserId: string, myRole: string | null) {
    // FOR SHARE: many casts at once, but none while the poll is being closed.
    const [poll] = await tx.select().from(polls).where(and(eq(polls.id, input.pollId), eq(polls.meetingId, input.meetingId))).for('share');
    if (poll === undefined) throw new AppError(404, 'pollNotFound');
    if (poll.status !== 'open') throw new AppError(409, 'pollNotOpen');
    await this.#checkCaster(tx, poll, user, voterUserId, myRole);
    if (!(poll.eligibleVoters ?? []).includes(voterUserId)) throw new AppError(403, 'notEligible');
    const candidateIds = await this.candidateIds(tx, poll);
    checkChoice(poll, candidateIds, input.choice);
    const receipt = this.#keys.receipt(poll.id, voterUserId);
    const stored = await this.#stored(poll, candidateIds, input.choice, receipt);

    const [existing] = await tx.select().from(pollVoters).where(and(eq(pollVoters.pollId, poll.id), eq(pollVoters.voterUserId, voterUserId))).for('update');
    if (existing !== undefined) return this.#again(tx, poll, existing, input, user.id, stored, receipt);

    const inserted = await tx
      .insert(pollVoters)
      .values({ pollId: poll.id, voterUserId, castBy: user.id, idempotencyKey: input.idempotencyKey, ...stored })
      .onConflictDoNothing()
      .returning({ voterUserId: pollVoters.voterUserId });
    if (inserted.length === 0) {
      // Another tablet of the same voter won the race a moment ago.
      const [winner] = await tx.select().from(pollVoters).where(and(eq(pollVoters.pollId, poll.id), eq(pollVoters.voterUserId, voterUserId)));
      return this.#again(tx, poll, winner!, input, user.id, stored, receipt);
    }
    return { result: { receipt, alreadyCast: false }, poll };
  }

  async #stored(poll: PollRow, candidateIds: readonly string[], choice: Choice, receipt: string): Promise<StoredBallot> {
    return storedBallot(poll, candidateIds, choice, receipt, poll.secret ? await this.#keys.pollKey(poll.id) : null);
  }

  /** A second ballot for the same voter: the same request again, a change, or a refusal. */
  async #again(tx: Tx, poll: PollRow, existing: typeof pollVoters.$inferSelect, input: CastBallot, castBy: string, next: StoredBallot, receipt: string) {
    if (existing.idempotencyKey === input.idempotencyKey) return { result: { receipt, alreadyCast: true }, poll };
    if (!poll.allowChange) throw new AppError(409, 'alreadyVoted');
    await tx
      .update(pollVoters)
      .set({ idempotencyKey: input.idempotencyKey, castBy, ...next })
      .where(and(eq(pollVoters.pollId, poll.id), eq(pollVoters.voterUserId, existing.voterUserId)));
    return { result: { receipt, alreadyCast: false }, poll };
  }

  /**
   * At close, inside the closing transaction (the poll row locked FOR
   * UPDATE): opens every ballot, writes the choices as anonymous rows in a
   * random order and the counted receipts apart from them, and erases the
   * seals. The caller destroys the poll's key once this has committed.
   */
  async openAll(tx: Tx, poll: PollRow): Promise<{ choices: Choice[]; cast: number }> {
    const voters = await tx.select().from(pollVoters).where(eq(pollVoters.pollId, poll.id));
    if (voters.length === 0) return { choices: [], cast: 0 };
    let open: (row: (typeof voters)[number]) => { choice: Choice; receipt: string };
    if (poll.secret) {
      const key = await this.#keys.pollKey(poll.id);
      if (key === null) throw new Error('the key of an open secret poll is missing');
      const shape = ballotShape(poll, await this.candidateIds(tx, poll));
      open = (row) => unseal(key, shape, row.sealed!, poll.id);
    } else {
      open = (row) => ({ choice: (row.publicChoice as { choice: Choice }).choice, receipt: this.#keys.receipt(poll.id, row.voterUserId) });
    }
    const ballots = shuffle(voters.map(open));
    await tx.insert(pollBallots).values(ballots.map((b) => ({ id: randomUUID(), pollId: poll.id, choice: b.choice })));
    await tx.insert(pollReceipts).values(ballots.map((b) => ({ pollId: poll.id, receipt: b.receipt }))).onConflictDoNothing();
    if (poll.secret) await tx.update(pollVoters).set({ sealed: null }).where(eq(pollVoters.pollId, poll.id));
    return { choices: ballots.map((b) => b.choice), cast: voters.length };
  }

  /** The receipts counted in a closed poll, in code order (a set: no receipt names a choice). */
  async countedReceipts(pollId: string): Promise<string[]> {
    return (await this.#db.select({ receipt: pollReceipts.receipt }).from(pollReceipts).where(eq(pollReceipts.pollId, pollId)).orderBy(asc(pollReceipts.receipt))).map((r) => r.receipt);
  }

  /** The receipt this voter will find among the counted ones. */
  receipt(pollId: string, voterUserId: string): string {
    return this.#keys.receipt(pollId, voterUserId);
  }
}
