/**
 * Closing and counting a poll, in one transaction under the poll row's FOR
 * UPDATE lock (casting holds it FOR SHARE, so no ballot commits after the
 * count). The poll's writer is drained first: every ballot this process has
 * taken is committed, and counted, or refused before the count begins.
 * Secret ballots are opened, shuffled, stored anonymously, their seals
 * erased and the poll's key destroyed once the count has committed.
 */
import { asc, eq } from 'drizzle-orm';
import type { MotionOption } from '../../contract/votes.ts';
import type { Tx } from '../../db/client.ts';
import { pollCandidates, polls } from '../../db/schema/votes.ts';
import { AppError } from '../../errors.ts';
import type { PollRow } from './ballots.ts';
import { lockPoll, recordEvent, type VoteContext } from './context.ts';
import { tallyElection, tallyMotion, type TallyInput } from './tally.ts';

export function tallyInputOf(poll: PollRow, candidates: { id: string; name: string }[]): TallyInput {
  return {
    kind: poll.kind,
    rule: { threshold: poll.threshold, custom: poll.customNumerator === null ? null : { numerator: poll.customNumerator, denominator: poll.customDenominator! } },
    membershipTotal: poll.membershipTotal ?? 0,
    presentAtOpen: poll.presentAtOpen ?? 0,
    eligible: (poll.eligibleVoters ?? []).length,
    candidates,
    maxChoices: poll.maxChoices,
    seats: poll.seats,
  };
}

/** The candidates in ballot order, with their names (for the count). */
export function candidatesOf(tx: Tx, pollId: string) {
  return tx.select({ id: pollCandidates.id, name: pollCandidates.name }).from(pollCandidates).where(eq(pollCandidates.pollId, pollId)).orderBy(asc(pollCandidates.position));
}

/** Closes and counts; `byUserId` null: the poll closed with its meeting. */
export async function closePoll(ctx: VoteContext, meetingId: string, pollId: string, byUserId: string | null): Promise<void> {
  let counted = { cast: 0, eligible: 0, secret: false };
  await ctx.casting.drain(meetingId, pollId);
  await ctx.meetings.changeMeeting(meetingId, 'polls', async (tx) => {
    const poll = await lockPoll(tx, meetingId, pollId);
    if (poll.status !== 'open') throw new AppError(409, 'pollNotOpen');
    const { choices, cast } = await ctx.ballots.openAll(tx, poll);
    const input = tallyInputOf(poll, await candidatesOf(tx, pollId));
    const result = poll.kind === 'motion' ? tallyMotion(input, choices as MotionOption[]) : tallyElection(input, choices as string[][]);
    await tx.update(polls).set({ status: 'closed', result }).where(eq(polls.id, pollId));
    await recordEvent(tx, pollId, byUserId === null ? 'closed-with-meeting' : 'closed', byUserId);
    counted = { cast, eligible: input.eligible, secret: poll.secret };
  });
  ctx.casting.forget(meetingId, pollId);
  // Only once the count has committed: from now on the seals left in dead rows and WAL open for nobody.
  if (counted.secret) await ctx.keys.destroyPollKey(pollId);
  ctx.announce(meetingId, pollId, 'closed', counted.cast, counted.eligible);
}
