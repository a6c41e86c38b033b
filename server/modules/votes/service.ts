/**
 * Polls and elections. Exactly once: a voter's ballot is one row keyed by
 * (poll, voter); a retry with the same idempotency key gets the same receipt;
 * any other second ballot is refused (or replaces the first when the poll
 * allows changes). A cast holds the poll row FOR SHARE and closing takes it
 * FOR UPDATE, so no ballot slips in after the count.
 *
 * Secret polls: see server/db/schema/votes.ts and sealing.ts.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { SessionUser } from '../../contract/identity.ts';
import type { CastBallot, CastReceipt, PaperCounts, PollCreate, PollDto, PollResult, PublishedBallot } from '../../contract/votes.ts';
import type { Db, Tx } from '../../db/client.ts';
import { polls, pollVoters } from '../../db/schema/votes.ts';
import { AppError } from '../../errors.ts';
import type { DomainEvents } from '../../events.ts';
import type { BallotKeys } from './ballot-keys.ts';
import { BallotBox, type Choice, type PollRow } from './ballots.ts';
import { CastingDesk } from './casting.ts';
import { closePoll } from './closing.ts';
import { lockPoll, recordEvent, runsMeeting, type VoteContext, type VoteDeps } from './context.ts';
import { electorateOf } from './electorate.ts';
import { enterPaperCounts } from './paper-entry.ts';
import { createPoll } from './poll-create.ts';
import { pollDto } from './poll-view.ts';
import type { SheetMeeting } from './result-pdf.ts';
import { insertRunoff } from './runoff.ts';
import { TurnoutAnnouncer } from './turnout-announcer.ts';

export type { VoteDeps } from './context.ts';

/** The votes module's API: the poll lifecycle and its reads; each job lives in its own file (see the imports). */
export class VoteService {
  readonly #db: Db;
  readonly #meetings: VoteDeps['meetings'];
  readonly #users: VoteDeps['users'];
  readonly #turnout: TurnoutAnnouncer;
  readonly #ctx: VoteContext;

  constructor(db: Db, deps: VoteDeps, events: DomainEvents, keys: BallotKeys) {
    this.#db = db;
    this.#meetings = deps.meetings;
    this.#users = deps.users;
    const turnout = new TurnoutAnnouncer((update) => events.emit('poll.updated', update));
    this.#turnout = turnout;
    const ballots = new BallotBox(db, deps, keys);
    const casting = new CastingDesk({ db, meetings: deps.meetings, live: deps.live, keys }, ballots);
    const announce: VoteContext['announce'] = (meetingId, pollId, status, cast, eligible) => turnout.status({ meetingId, pollId, status, cast, eligible });
    this.#ctx = { ...deps, db, keys, ballots, casting, announce };
    // Proxies are fixed before a poll opens: live refuses a proxy change while one is open here.
    deps.live.guardProxyChanges((meetingId, tx) => this.#hasOpenPoll(meetingId, tx));
  }

  async #hasOpenPoll(meetingId: string, tx: Tx): Promise<boolean> {
    return (await tx.$count(polls, and(eq(polls.meetingId, meetingId), eq(polls.status, 'open')))) > 0;
  }

  async #poll(meetingId: string, pollId: string, tx: Pick<Db, 'select'> = this.#db): Promise<PollRow> {
    const [row] = await tx.select().from(polls).where(and(eq(polls.id, pollId), eq(polls.meetingId, meetingId)));
    if (row === undefined) throw new AppError(404, 'pollNotFound');
    return row;
  }

  async list(user: SessionUser, meetingId: string): Promise<PollDto[]> {
    const access = await this.#meetings.access(user, meetingId);
    const rows = await this.#db.select().from(polls).where(eq(polls.meetingId, meetingId)).orderBy(asc(polls.createdAt));
    const visible = runsMeeting(access) ? rows : rows.filter((p) => p.status !== 'draft');
    return Promise.all(visible.map((p) => pollDto(this.#ctx, p, runsMeeting(access), user.id)));
  }

  async get(user: SessionUser, meetingId: string, pollId: string): Promise<PollDto> {
    const access = await this.#meetings.access(user, meetingId);
    const poll = await this.#poll(meetingId, pollId);
    if (poll.status === 'draft' && !runsMeeting(access)) throw new AppError(404, 'pollNotFound');
    return pollDto(this.#ctx, poll, runsMeeting(access), user.id);
  }

  /**
   * For a paired hall display, which has no meeting role: the display module
   * checks the pairing, so no user check here. Drafts and cancelled polls stay
   * off the wall; the display sees what any delegate sees (no names of
   * non-voters, results only once published).
   */
  async listForDisplay(meetingId: string): Promise<PollDto[]> {
    return this.#shownPolls(meetingId, false);
  }

  /** Every counted or running poll with its result, as those running the meeting see it: for the minutes (the record module checks who asks). */
  async listForRecord(meetingId: string): Promise<PollDto[]> {
    return this.#shownPolls(meetingId, true);
  }

  async #shownPolls(meetingId: string, runsMeeting: boolean): Promise<PollDto[]> {
    const rows = await this.#db
      .select()
      .from(polls)
      .where(and(eq(polls.meetingId, meetingId), inArray(polls.status, ['open', 'closed', 'published'])))
      .orderBy(asc(polls.createdAt));
    return Promise.all(rows.map((p) => pollDto(this.#ctx, p, runsMeeting, null)));
  }

  async create(user: SessionUser, meetingId: string, input: PollCreate): Promise<PollDto> {
    const access = await this.#meetings.access(user, meetingId);
    if (!runsMeeting(access)) throw new AppError(403, 'forbidden');
    if (access.meeting.status === 'closed') throw new AppError(409, 'meetingClosed');
    const pollId = await createPoll(this.#ctx, meetingId, user.id, input);
    return this.get(user, meetingId, pollId);
  }

  async open(user: SessionUser, meetingId: string, pollId: string, overrideReason: string | undefined): Promise<PollDto> {
    const access = await this.#meetings.access(user, meetingId);
    if (!runsMeeting(access)) throw new AppError(403, 'forbidden');
    if (access.meeting.status !== 'in_session') throw new AppError(409, 'meetingNotInSession');
    let eligibleCount = 0;
    await this.#meetings.changeMeeting(meetingId, 'polls', async (tx) => {
      const poll = await lockPoll(tx, meetingId, pollId);
      if (poll.status !== 'draft') throw new AppError(409, 'pollNotDraft');
      const { eligible, present, quorum } = await electorateOf(this.#ctx, tx, access, poll);
      const quorumMet = quorum.met;
      if (!quorumMet && overrideReason === undefined) throw new AppError(409, 'quorumNotMet');
      // The poll's own key, written while its row is locked (two opens cannot both write) and before the opening commits.
      if (poll.secret) await this.#ctx.keys.createPollKey(pollId);
      await tx
        .update(polls)
        .set({ status: 'open', eligibleVoters: eligible, presentAtOpen: present, membershipTotal: access.meeting.membershipTotal, quorumOverrideReason: quorumMet ? null : overrideReason! })
        .where(eq(polls.id, pollId));
      await recordEvent(tx, pollId, 'opened', user.id);
      if (!quorumMet) await recordEvent(tx, pollId, 'quorum-overridden', user.id, overrideReason!);
      eligibleCount = eligible.length;
    });
    // Only once the opening has committed: a tablet told of it reads the poll list at once, and must find it open.
    this.#ctx.announce(meetingId, pollId, 'open', 0, eligibleCount);
    this.#ctx.casting.prepare(meetingId, pollId);
    return this.get(user, meetingId, pollId);
  }

  /** A ballot from a tablet, exactly once, committed with the others waiting (casting.ts); turnout is announced coalesced. */
  async cast(user: SessionUser, input: CastBallot): Promise<CastReceipt> {
    const outcome = await this.#ctx.casting.cast(user, input);
    this.#turnout.ballot({ meetingId: input.meetingId, pollId: input.pollId, status: 'open', cast: outcome.cast, eligible: (outcome.poll.eligibleVoters ?? []).length });
    return outcome.result;
  }

  /** Closes and counts; secret ballots are opened, shuffled, stored anonymously, their seals erased and the poll's key destroyed. */
  async close(user: SessionUser, meetingId: string, pollId: string): Promise<PollDto> {
    const access = await this.#meetings.access(user, meetingId);
    if (!runsMeeting(access)) throw new AppError(403, 'forbidden');
    await closePoll(this.#ctx, meetingId, pollId, user.id);
    return this.get(user, meetingId, pollId);
  }

  /**
   * A closed meeting takes no more ballots: its open polls are closed and
   * counted (the votes module hears the meeting's status change). Casting
   * also refuses once the meeting has left its session, so nothing is
   * accepted in between.
   */
  async closeWithMeeting(meetingId: string): Promise<void> {
    const open = await this.#db.select({ id: polls.id }).from(polls).where(and(eq(polls.meetingId, meetingId), eq(polls.status, 'open')));
    for (const { id } of open) {
      await closePoll(this.#ctx, meetingId, id, null).catch((error: unknown) => {
        // Closed by the chair a moment before: nothing left to do.
        if (!(error instanceof AppError && error.key === 'pollNotOpen')) throw error;
      });
    }
  }

  /** At start: polls left open by a crash after their meeting closed (before closeWithMeeting ran) are closed now. */
  async closeLeftOpen(): Promise<void> {
    const open = await this.#db.selectDistinct({ meetingId: polls.meetingId }).from(polls).where(eq(polls.status, 'open'));
    for (const { meetingId } of open) if ((await this.#meetings.byId(meetingId))?.status === 'closed') await this.closeWithMeeting(meetingId);
  }

  async #transition(user: SessionUser, meetingId: string, pollId: string, from: PollRow['status'][], to: 'published' | 'cancelled'): Promise<PollDto> {
    const access = await this.#meetings.access(user, meetingId);
    if (!runsMeeting(access)) throw new AppError(403, 'forbidden');
    await this.#ctx.casting.drain(meetingId, pollId);
    await this.#meetings.changeMeeting(meetingId, 'polls', async (tx) => {
      const poll = await lockPoll(tx, meetingId, pollId);
      if (!from.includes(poll.status)) throw new AppError(409, to === 'published' ? 'pollNotClosed' : 'pollNotOpen');
      await tx.update(polls).set({ status: to }).where(eq(polls.id, pollId));
      // A cancelled secret poll keeps who voted, never what they chose.
      if (to === 'cancelled') await tx.update(pollVoters).set({ sealed: null, publicChoice: null }).where(eq(pollVoters.pollId, pollId));
      await recordEvent(tx, pollId, to, user.id);
    });
    this.#ctx.casting.forget(meetingId, pollId);
    if (to === 'cancelled') await this.#ctx.keys.destroyPollKey(pollId);
    const poll = await this.#poll(meetingId, pollId);
    this.#ctx.announce(meetingId, pollId, poll.status, await this.#db.$count(pollVoters, eq(pollVoters.pollId, pollId)), (poll.eligibleVoters ?? []).length);
    return this.get(user, meetingId, pollId);
  }

  publish(user: SessionUser, meetingId: string, pollId: string) {
    return this.#transition(user, meetingId, pollId, ['closed'], 'published');
  }

  cancel(user: SessionUser, meetingId: string, pollId: string) {
    return this.#transition(user, meetingId, pollId, ['draft', 'open'], 'cancelled');
  }

  /** Counts from a paper vote instead of the tablets' ballots (paper-entry.ts); managers only. */
  async enterPaperCounts(user: SessionUser, meetingId: string, pollId: string, paper: PaperCounts): Promise<PollDto> {
    const access = await this.#meetings.access(user, meetingId);
    if (!access.canManage) throw new AppError(403, 'forbidden');
    await enterPaperCounts(this.#ctx, access, user.id, pollId, paper);
    return this.get(user, meetingId, pollId);
  }

  /**
   * A run-off (bầu lại) among the candidates tied at the last seat(s) of a
   * counted election: a new draft poll of the same meeting and agenda item,
   * with the same rules, the tied candidates and the seats left for them.
   * One run-off per result (another only once the first is cancelled).
   */
  async runoff(user: SessionUser, meetingId: string, pollId: string): Promise<PollDto> {
    const access = await this.#meetings.access(user, meetingId);
    if (!runsMeeting(access)) throw new AppError(403, 'forbidden');
    if (access.meeting.status === 'closed') throw new AppError(409, 'meetingClosed');
    const runoffId = await this.#meetings.changeMeeting(meetingId, 'polls', async (tx) => {
      const poll = await lockPoll(tx, meetingId, pollId);
      const created = await insertRunoff(tx, poll, user.id);
      await recordEvent(tx, created, 'created', user.id);
      await recordEvent(tx, pollId, 'runoff', user.id);
      return created;
    });
    return this.get(user, meetingId, runoffId);
  }

  /** What the PDF result sheet needs: the poll as the viewer may see it, and the meeting's heading. Only a counted poll has a sheet. */
  async resultSheet(user: SessionUser, meetingId: string, pollId: string): Promise<{ poll: PollDto; result: PollResult; meeting: SheetMeeting }> {
    const poll = await this.get(user, meetingId, pollId);
    if (poll.status !== 'closed' && poll.status !== 'published') throw new AppError(409, 'pollResultNotReady');
    if (poll.result === null) throw new AppError(409, 'pollNotPublished');
    const headline = await this.#meetings.headline(meetingId);
    if (headline === null) throw new AppError(404, 'meetingNotFound');
    const meeting = { title: headline.title, unitName: headline.unitName, startsAt: new Date(headline.startsAt), location: headline.location };
    return { poll, result: poll.result, meeting };
  }

  /**
   * After publishing: the receipts of the ballots counted, as a set in code
   * order. Each voter finds theirs; none is next to a choice, so a receipt
   * proves that a ballot was counted, never how it was cast.
   */
  async publishedBallots(user: SessionUser, meetingId: string, pollId: string): Promise<PublishedBallot[]> {
    await this.#meetings.access(user, meetingId);
    const poll = await this.#poll(meetingId, pollId);
    if (poll.status !== 'published') throw new AppError(409, 'pollNotPublished');
    return (await this.#ctx.ballots.countedReceipts(pollId)).map((receipt) => ({ receipt }));
  }

  /** Who voted how, for public polls only, after publishing (the names are part of the public result). */
  async publicVotes(user: SessionUser, meetingId: string, pollId: string): Promise<{ fullName: string; choice: Choice }[]> {
    await this.#meetings.access(user, meetingId);
    const poll = await this.#poll(meetingId, pollId);
    if (poll.secret) throw new AppError(403, 'forbidden');
    if (poll.status !== 'published') throw new AppError(409, 'pollNotPublished');
    const voters = await this.#db.select({ voterUserId: pollVoters.voterUserId, vote: pollVoters.publicChoice }).from(pollVoters).where(eq(pollVoters.pollId, pollId));
    const names = await this.#users.namesById(voters.map((v) => v.voterUserId));
    const rows = voters.flatMap((v) => (names.has(v.voterUserId) ? [{ fullName: names.get(v.voterUserId)!.fullName, vote: v.vote }] : []));
    return rows.map((r) => ({ fullName: r.fullName, choice: (r.vote as { choice: Choice }).choice })).sort((a, b) => a.fullName.localeCompare(b.fullName, 'vi'));
  }
}
