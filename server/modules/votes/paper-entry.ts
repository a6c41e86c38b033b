/**
 * Counts from a paper vote, checked (paper.ts) before they become the
 * result. They never silently replace ballots cast electronically: when the
 * poll was closed or ballots were cast, the secretariat must give a reason,
 * kept in the poll's history and on the result (with how many electronic
 * ballots were set aside), so the minutes show what happened.
 */
import { eq } from 'drizzle-orm';
import type { PaperCounts } from '../../contract/votes.ts';
import { polls, pollVoters } from '../../db/schema/votes.ts';
import { AppError } from '../../errors.ts';
import type { MeetingAccess } from '../meetings/index.ts';
import { candidatesOf, tallyInputOf } from './closing.ts';
import { lockPoll, recordEvent, type VoteContext } from './context.ts';
import { electorateOf } from './electorate.ts';
import { checkPaperCounts, paperResult } from './paper.ts';

/** `access`: the caller's, already checked to manage the meeting. */
export async function enterPaperCounts(ctx: VoteContext, access: MeetingAccess, userId: string, pollId: string, paper: PaperCounts): Promise<void> {
  const meetingId = access.meeting.id;
  let counted = { cast: 0, eligible: 0 };
  await ctx.casting.drain(meetingId, pollId);
  await ctx.meetings.changeMeeting(meetingId, 'polls', async (tx) => {
    const poll = await lockPoll(tx, meetingId, pollId);
    if (poll.status === 'published' || poll.status === 'cancelled') throw new AppError(409, 'pollNotOpen');
    const cast = await tx.$count(pollVoters, eq(pollVoters.pollId, pollId));
    if ((poll.status === 'closed' || cast > 0) && paper.overrideReason === undefined) throw new AppError(409, 'paperOverrideReasonRequired', { field: 'overrideReason' });
    const candidates = await candidatesOf(tx, pollId);
    // A poll counted on paper before it was opened takes its voters and base from the attendance now.
    const electorate = poll.eligibleVoters === null ? await electorateOf(ctx, tx, access, poll) : null;
    const eligibleVoters = poll.eligibleVoters ?? electorate!.eligible;
    const presentAtOpen = poll.presentAtOpen ?? electorate!.present;
    const membershipTotal = poll.membershipTotal ?? access.meeting.membershipTotal;
    const input = { ...tallyInputOf(poll, candidates), membershipTotal, presentAtOpen, eligible: eligibleVoters.length };
    checkPaperCounts(input, paper);
    const reason = paper.overrideReason?.trim() ?? null;
    const result = paperResult(input, paper, { reason, replacedBallots: cast });
    await tx.update(polls).set({ status: 'closed', result, paperCounts: paper, eligibleVoters, presentAtOpen, membershipTotal }).where(eq(polls.id, pollId));
    await tx.update(pollVoters).set({ sealed: null }).where(eq(pollVoters.pollId, pollId));
    await recordEvent(tx, pollId, 'paper-counts', userId, reason);
    counted = { cast, eligible: eligibleVoters.length };
  });
  ctx.casting.forget(meetingId, pollId);
  await ctx.keys.destroyPollKey(pollId);
  ctx.announce(meetingId, pollId, 'closed', counted.cast, counted.eligible);
}
