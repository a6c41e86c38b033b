/** A poll as a viewer sees it: turnout, who has not voted (public polls, to those running the meeting), results when visible, history, and the viewer's own ballots. */
import { asc, eq } from 'drizzle-orm';
import type { MyBallot, PollDto, PollHistoryEntry, PollResult } from '../../contract/votes.ts';
import { POLL_HISTORY_ACTIONS } from '../../contract/votes.ts';
import { pollCandidates, pollEvents, pollVoters } from '../../db/schema/votes.ts';
import type { PollRow } from './ballots.ts';
import type { VoteContext } from './context.ts';

type ViewContext = Pick<VoteContext, 'db' | 'users' | 'live' | 'ballots'>;

export async function pollDto(ctx: ViewContext, poll: PollRow, runs: boolean, viewerId: string | null): Promise<PollDto> {
  const candidates = await ctx.db.select({ id: pollCandidates.id, name: pollCandidates.name }).from(pollCandidates).where(eq(pollCandidates.pollId, poll.id)).orderBy(asc(pollCandidates.position));
  const voters = await ctx.db.select({ voterUserId: pollVoters.voterUserId }).from(pollVoters).where(eq(pollVoters.pollId, poll.id));
  const eligible = poll.eligibleVoters ?? [];
  let notVoted: PollDto['turnout']['notVoted'] = null;
  // Who has not voted yet is shown for public polls only, and only to those running the meeting.
  if (!poll.secret && runs && poll.status === 'open') {
    const voted = new Set(voters.map((v) => v.voterUserId));
    const missing = eligible.filter((id) => !voted.has(id));
    notVoted = missing.length === 0 ? [] : [...(await ctx.users.namesById(missing)).values()].map((u) => ({ userId: u.id, fullName: u.fullName })).sort((a, b) => a.fullName.localeCompare(b.fullName, 'vi'));
  }
  const showResult = poll.status === 'published' || (poll.status === 'closed' && runs);
  return {
    id: poll.id,
    meetingId: poll.meetingId,
    agendaItemId: poll.agendaItemId,
    kind: poll.kind,
    title: poll.title,
    secret: poll.secret,
    eligibility: poll.eligibility,
    allowProxy: poll.allowProxy,
    allowChange: poll.allowChange,
    threshold: poll.threshold,
    custom: poll.customNumerator === null || poll.customDenominator === null ? null : { numerator: poll.customNumerator, denominator: poll.customDenominator },
    candidates,
    maxChoices: poll.maxChoices,
    seats: poll.seats,
    runoffOf: poll.runoffOf,
    status: poll.status,
    turnout: { eligible: eligible.length, cast: voters.length, notVoted },
    result: showResult ? (poll.result as PollResult | null) : null,
    history: await historyOf(ctx, poll.id),
    mine: viewerId === null ? [] : await mine(ctx, poll, viewerId, new Set(voters.map((v) => v.voterUserId))),
  };
}

async function historyOf(ctx: ViewContext, pollId: string): Promise<PollHistoryEntry[]> {
  const events = await ctx.db.select().from(pollEvents).where(eq(pollEvents.pollId, pollId)).orderBy(asc(pollEvents.at));
  const names = await ctx.users.namesById(events.flatMap((e) => (e.byUserId === null ? [] : [e.byUserId])));
  const rows = events.flatMap((e) => {
    // No one: the poll closed with its meeting.
    if (e.byUserId === null) return [{ action: e.action, byName: '', at: e.at, reason: e.note }];
    const by = names.get(e.byUserId);
    return by === undefined ? [] : [{ action: e.action, byName: by.fullName, at: e.at, reason: e.note }];
  });
  // Events of one transaction share its timestamp (opened + quorum-overridden): the lifecycle order breaks the tie.
  const rank = (action: string) => (POLL_HISTORY_ACTIONS as readonly string[]).indexOf(action);
  return rows.sort((a, b) => a.at.getTime() - b.at.getTime() || rank(a.action) - rank(b.action)).map((r) => ({ ...r, at: r.at.toISOString() }));
}

/** The viewer's own ballot and those of absent delegates whose proxy they hold, among the voters fixed at opening. */
async function mine(ctx: ViewContext, poll: PollRow, viewerId: string, voted: Set<string>): Promise<MyBallot[]> {
  const eligible = new Set(poll.eligibleVoters ?? []);
  if (eligible.size === 0) return [];
  const marks = poll.allowProxy ? await ctx.live.attendanceOf(poll.meetingId, ctx.db, { proxyUserId: viewerId }) : [];
  const names = await ctx.users.namesById([viewerId, ...marks.map((m) => m.userId)]);
  const represented = marks.flatMap((m) => {
    const name = names.get(m.userId);
    return name === undefined ? [] : [{ userId: m.userId, fullName: name.fullName }];
  });
  // Derived again on every device from the voter's id: no tablet needs to keep it.
  const receiptOf = (voterId: string) => (voted.has(voterId) ? ctx.ballots.receipt(poll.id, voterId) : null);
  const ballots: MyBallot[] = [];
  if (eligible.has(viewerId)) {
    ballots.push({ voterUserId: viewerId, fullName: names.get(viewerId)?.fullName ?? '', proxy: false, voted: voted.has(viewerId), receipt: receiptOf(viewerId) });
  }
  for (const r of represented.sort((a, b) => a.fullName.localeCompare(b.fullName, 'vi'))) {
    if (eligible.has(r.userId)) ballots.push({ voterUserId: r.userId, fullName: r.fullName, proxy: true, voted: voted.has(r.userId), receipt: receiptOf(r.userId) });
  }
  return ballots;
}
