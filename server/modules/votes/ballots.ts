/**
 * Casting a ballot, exactly once: a voter's ballot is one row keyed by (poll,
 * voter); a retry with the same idempotency key gets the same receipt; any
 * other second ballot is refused (or replaces the first when the poll allows
 * changes). A cast holds the poll row FOR SHARE and closing takes it FOR
 * UPDATE, so no ballot slips in after the count. Secret choices are sealed
 * (sealing.ts): nothing stored links the voter to the choice.
 */
import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { encodeBase32UpperCaseNoPadding } from '@oslojs/encoding';
import type { SessionUser } from '../../contract/identity.ts';
import type { CastBallot, CastReceipt, MotionOption } from '../../contract/votes.ts';
import { MOTION_OPTIONS } from '../../contract/votes.ts';
import type { Db, Tx } from '../../db/client.ts';
import { pollCandidates, polls, pollVoters } from '../../db/schema/votes.ts';
import { AppError } from '../../errors.ts';
import type { LiveService } from '../live/index.ts';
import type { BallotSeal } from './sealing.ts';

export type PollRow = typeof polls.$inferSelect;
export type Choice = MotionOption | string[];

function newReceipt(): string {
  return encodeBase32UpperCaseNoPadding(randomBytes(10)); // 16 characters, 80 bits
}

export class BallotBox {
  readonly #db: Db;
  readonly #live: Pick<LiveService, 'attendanceOf'>;
  readonly #seal: BallotSeal;

  constructor(db: Db, live: Pick<LiveService, 'attendanceOf'>, seal: BallotSeal) {
    this.#db = db;
    this.#live = live;
    this.#seal = seal;
  }

  /** Casts in one transaction; the count is taken inside it (a query after it would wait in the pool's queue behind every other voter's transaction, so in a storm each ack would wait for nearly the whole storm). */
  async cast(user: SessionUser, input: CastBallot): Promise<{ result: CastReceipt; poll: PollRow; cast: number }> {
    const voterUserId = input.voterUserId ?? user.id;
    return this.#db.transaction(async (tx) => {
      const decided = await this.#castIn(tx, user, input, voterUserId);
      return { ...decided, cast: await tx.$count(pollVoters, eq(pollVoters.pollId, input.pollId)) };
    });
  }

  #checkChoice(poll: PollRow, candidateIds: Set<string>, choice: Choice): void {
    if (poll.kind === 'motion') {
      if (typeof choice !== 'string' || !(MOTION_OPTIONS as readonly string[]).includes(choice)) throw new AppError(400, 'invalidChoice', { field: 'choice' });
      return;
    }
    if (!Array.isArray(choice)) throw new AppError(400, 'invalidChoice', { field: 'choice' });
    if (choice.length > (poll.maxChoices ?? candidateIds.size)) throw new AppError(400, 'tooManyChoices', { field: 'choice', params: { max: poll.maxChoices ?? candidateIds.size } });
    if (!choice.every((id) => candidateIds.has(id))) throw new AppError(400, 'invalidChoice', { field: 'choice' });
  }

  /** One ballot inside the caller's transaction: checks, then a first ballot, a retry, a change or a refusal. */
  async #castIn(tx: Tx, user: SessionUser, input: CastBallot, voterUserId: string) {
    // FOR SHARE: many casts at once, but none while the poll is being closed.
    const [poll] = await tx.select().from(polls).where(and(eq(polls.id, input.pollId), eq(polls.meetingId, input.meetingId))).for('share');
    if (poll === undefined) throw new AppError(404, 'pollNotFound');
    if (poll.status !== 'open') throw new AppError(409, 'pollNotOpen');
    if (voterUserId !== user.id) {
      const [mark] = await this.#live.attendanceOf(input.meetingId, tx, { userId: voterUserId });
      if (!poll.allowProxy || mark?.status !== 'proxy' || mark.proxyUserId !== user.id) throw new AppError(403, 'notProxy');
    }
    if (!(poll.eligibleVoters ?? []).includes(voterUserId)) throw new AppError(403, 'notEligible');
    // A motion has no candidates: one round trip fewer per ballot.
    const candidates = poll.kind === 'motion' ? new Set<string>() : new Set((await tx.select({ id: pollCandidates.id }).from(pollCandidates).where(eq(pollCandidates.pollId, poll.id))).map((c) => c.id));
    this.#checkChoice(poll, candidates, input.choice);

    const [existing] = await tx.select().from(pollVoters).where(and(eq(pollVoters.pollId, poll.id), eq(pollVoters.voterUserId, voterUserId))).for('update');
    if (existing !== undefined) return this.#again(tx, poll, existing, input, user.id);

    const receipt = newReceipt();
    const inserted = await tx
      .insert(pollVoters)
      .values({
        pollId: poll.id,
        voterUserId,
        castBy: user.id,
        idempotencyKey: input.idempotencyKey,
        sealed: poll.secret ? this.#seal.seal({ choice: input.choice, receipt }, poll.id) : null,
        publicChoice: poll.secret ? null : { choice: input.choice, receipt },
      })
      .onConflictDoNothing()
      .returning({ voterUserId: pollVoters.voterUserId });
    if (inserted.length === 0) {
      // Another tablet of the same voter won the race a moment ago.
      const [winner] = await tx.select().from(pollVoters).where(and(eq(pollVoters.pollId, poll.id), eq(pollVoters.voterUserId, voterUserId)));
      return this.#again(tx, poll, winner!, input, user.id);
    }
    return { result: { receipt, alreadyCast: false }, poll };
  }

  /** A second ballot for the same voter: the same request again, a change, or a refusal. */
  async #again(tx: Tx, poll: PollRow, existing: typeof pollVoters.$inferSelect, input: CastBallot, castBy: string) {
    const stored = poll.secret ? this.#seal.open<{ choice: Choice; receipt: string }>(existing.sealed!, poll.id) : (existing.publicChoice as { choice: Choice; receipt: string });
    if (existing.idempotencyKey === input.idempotencyKey) return { result: { receipt: stored.receipt, alreadyCast: true }, poll };
    if (!poll.allowChange) throw new AppError(409, 'alreadyVoted');
    const next = { choice: input.choice, receipt: stored.receipt };
    await tx
      .update(pollVoters)
      .set({ idempotencyKey: input.idempotencyKey, castBy, sealed: poll.secret ? this.#seal.seal(next, poll.id) : null, publicChoice: poll.secret ? null : next })
      .where(and(eq(pollVoters.pollId, poll.id), eq(pollVoters.voterUserId, existing.voterUserId)));
    return { result: { receipt: stored.receipt, alreadyCast: false }, poll };
  }
}
