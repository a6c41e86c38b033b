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
import type { CastBallot, CastReceipt, MotionOption, MyBallot, PaperCounts, PollCreate, PollDto, PollHistoryEntry, PollResult, PublishedBallot } from '../../contract/votes.ts';
import { POLL_HISTORY_ACTIONS } from '../../contract/votes.ts';
import type { Db, Tx } from '../../db/client.ts';
import { pollCandidates, pollEvents, polls, pollVoters } from '../../db/schema/votes.ts';
import { AppError } from '../../errors.ts';
import type { DomainEvents } from '../../events.ts';
import { countAttendance, isVotingMember, type AttendanceCount, type LiveService } from '../live/index.ts';
import type { MeetingAccess, MeetingService } from '../meetings/index.ts';
import type { UserService } from '../users/index.ts';
import type { SheetMeeting } from './result-pdf.ts';
import type { BallotKeys } from './ballot-keys.ts';
import { BallotBox, type Choice, type PollRow } from './ballots.ts';
import { CastingDesk } from './casting.ts';
import { checkPaperCounts, paperResult } from './paper.ts';
import { insertRunoff } from './runoff.ts';
import { tallyElection, tallyMotion, type TallyInput } from './tally.ts';
import { TurnoutAnnouncer } from './turnout-announcer.ts';

const runsMeeting = (access: MeetingAccess) => access.canManage || access.myRole === 'chair';

/** What votes reads of other modules: the meeting, its roster and agenda, attendance marks, names. */
export type VoteDeps = {
  meetings: Pick<MeetingService, 'access' | 'byId' | 'roster' | 'agendaItem' | 'headline' | 'changeMeeting'>;
  live: Pick<LiveService, 'attendanceOf' | 'guardProxyChanges'>;
  users: Pick<UserService, 'namesById'>;
};

export class VoteService {
  readonly #db: Db;
  readonly #meetings: VoteDeps['meetings'];
  readonly #live: VoteDeps['live'];
  readonly #users: VoteDeps['users'];
  readonly #events: DomainEvents;
  readonly #turnout: TurnoutAnnouncer;
  readonly #keys: BallotKeys;
  readonly #ballots: BallotBox;
  readonly #casting: CastingDesk;

  constructor(db: Db, deps: VoteDeps, events: DomainEvents, keys: BallotKeys) {
    this.#db = db;
    this.#meetings = deps.meetings;
    this.#live = deps.live;
    this.#users = deps.users;
    this.#events = events;
    this.#turnout = new TurnoutAnnouncer((update) => this.#events.emit('poll.updated', update));
    this.#keys = keys;
    this.#ballots = new BallotBox(db, deps, keys);
    this.#casting = new CastingDesk({ db, meetings: deps.meetings, live: deps.live, keys }, this.#ballots);
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

  /** `runs`: the viewer runs the meeting (sees who has not voted and closed, unpublished results); `viewerId`: whose own ballots to list (null for displays). */
  async #dto(poll: PollRow, runs: boolean, viewerId: string | null): Promise<PollDto> {
    const candidates = await this.#db.select({ id: pollCandidates.id, name: pollCandidates.name }).from(pollCandidates).where(eq(pollCandidates.pollId, poll.id)).orderBy(asc(pollCandidates.position));
    const voters = await this.#db.select({ voterUserId: pollVoters.voterUserId }).from(pollVoters).where(eq(pollVoters.pollId, poll.id));
    const eligible = poll.eligibleVoters ?? [];
    let notVoted: PollDto['turnout']['notVoted'] = null;
    // Who has not voted yet is shown for public polls only, and only to those running the meeting.
    if (!poll.secret && runs && poll.status === 'open') {
      const voted = new Set(voters.map((v) => v.voterUserId));
      const missing = eligible.filter((id) => !voted.has(id));
      notVoted = missing.length === 0 ? [] : [...(await this.#users.namesById(missing)).values()].map((u) => ({ userId: u.id, fullName: u.fullName })).sort((a, b) => a.fullName.localeCompare(b.fullName, 'vi'));
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
      history: await this.#history(poll.id),
      mine: viewerId === null ? [] : await this.#mine(poll, viewerId, new Set(voters.map((v) => v.voterUserId))),
    };
  }

  async #history(pollId: string): Promise<PollHistoryEntry[]> {
    const events = await this.#db.select().from(pollEvents).where(eq(pollEvents.pollId, pollId)).orderBy(asc(pollEvents.at));
    const names = await this.#users.namesById(events.flatMap((e) => (e.byUserId === null ? [] : [e.byUserId])));
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
  async #mine(poll: PollRow, viewerId: string, voted: Set<string>): Promise<MyBallot[]> {
    const eligible = new Set(poll.eligibleVoters ?? []);
    if (eligible.size === 0) return [];
    const marks = poll.allowProxy ? await this.#live.attendanceOf(poll.meetingId, this.#db, { proxyUserId: viewerId }) : [];
    const names = await this.#users.namesById([viewerId, ...marks.map((m) => m.userId)]);
    const represented = marks.flatMap((m) => {
      const name = names.get(m.userId);
      return name === undefined ? [] : [{ userId: m.userId, fullName: name.fullName }];
    });
    // Derived again on every device from the voter's id: no tablet needs to keep it.
    const receiptOf = (voterId: string) => (voted.has(voterId) ? this.#ballots.receipt(poll.id, voterId) : null);
    const ballots: MyBallot[] = [];
    if (eligible.has(viewerId)) {
      ballots.push({ voterUserId: viewerId, fullName: names.get(viewerId)?.fullName ?? '', proxy: false, voted: voted.has(viewerId), receipt: receiptOf(viewerId) });
    }
    for (const r of represented.sort((a, b) => a.fullName.localeCompare(b.fullName, 'vi'))) {
      if (eligible.has(r.userId)) ballots.push({ voterUserId: r.userId, fullName: r.fullName, proxy: true, voted: voted.has(r.userId), receipt: receiptOf(r.userId) });
    }
    return ballots;
  }

  #record(tx: Tx, pollId: string, action: string, userId: string | null, note: string | null = null) {
    return tx.insert(pollEvents).values({ pollId, action, byUserId: userId, note });
  }

  /** A status change, announced at once. */
  #announce(meetingId: string, pollId: string, status: PollRow['status'], cast: number, eligible: number) {
    this.#turnout.status({ meetingId, pollId, status, cast, eligible });
  }

  async list(user: SessionUser, meetingId: string): Promise<PollDto[]> {
    const access = await this.#meetings.access(user, meetingId);
    const rows = await this.#db.select().from(polls).where(eq(polls.meetingId, meetingId)).orderBy(asc(polls.createdAt));
    const visible = runsMeeting(access) ? rows : rows.filter((p) => p.status !== 'draft');
    return Promise.all(visible.map((p) => this.#dto(p, runsMeeting(access), user.id)));
  }

  async get(user: SessionUser, meetingId: string, pollId: string): Promise<PollDto> {
    const access = await this.#meetings.access(user, meetingId);
    const poll = await this.#poll(meetingId, pollId);
    if (poll.status === 'draft' && !runsMeeting(access)) throw new AppError(404, 'pollNotFound');
    return this.#dto(poll, runsMeeting(access), user.id);
  }

  /**
   * For a paired hall display, which has no meeting role: the display module
   * checks the pairing, so no user check here. Drafts and cancelled polls stay
   * off the wall; the display sees what any delegate sees (no names of
   * non-voters, results only once published).
   */
  async listForDisplay(meetingId: string): Promise<PollDto[]> {
    const rows = await this.#db
      .select()
      .from(polls)
      .where(and(eq(polls.meetingId, meetingId), inArray(polls.status, ['open', 'closed', 'published'])))
      .orderBy(asc(polls.createdAt));
    return Promise.all(rows.map((p) => this.#dto(p, false, null)));
  }

  async create(user: SessionUser, meetingId: string, input: PollCreate): Promise<PollDto> {
    const access = await this.#meetings.access(user, meetingId);
    if (!runsMeeting(access)) throw new AppError(403, 'forbidden');
    if (access.meeting.status === 'closed') throw new AppError(409, 'meetingClosed');
    if (input.kind === 'election') {
      const count = input.candidates?.length ?? 0;
      if (count === 0) throw new AppError(400, 'candidatesRequired', { field: 'candidates' });
      if (input.maxChoices !== undefined && input.maxChoices > count) throw new AppError(400, 'maxChoicesTooHigh', { field: 'maxChoices' });
      if (input.seats !== undefined && input.seats > count) throw new AppError(400, 'seatsTooHigh', { field: 'seats' });
      // A ballot approving more names than there are seats is invalid (domain rules): the limit never exceeds the seats.
      if (input.seats !== undefined && input.maxChoices !== undefined && input.maxChoices > input.seats) throw new AppError(400, 'maxChoicesOverSeats', { field: 'maxChoices' });
    } else if (input.candidates !== undefined || input.seats !== undefined) {
      throw new AppError(400, 'validation', { issues: [{ field: input.candidates !== undefined ? 'candidates' : 'seats', rule: 'unknown' }] });
    }
    if ((input.threshold === 'custom') !== (input.custom !== undefined)) throw new AppError(400, 'customThresholdRequired', { field: 'custom' });
    if (input.custom !== undefined && input.custom.numerator > input.custom.denominator) throw new AppError(400, 'customThresholdRequired', { field: 'custom' });
    if (input.agendaItemId != null) {
      if ((await this.#meetings.agendaItem(meetingId, input.agendaItemId)) === null) throw new AppError(400, 'agendaItemNotInMeeting', { field: 'agendaItemId' });
    }
    const pollId = await this.#meetings.changeMeeting(meetingId, 'polls', async (tx) => {
      const [poll] = await tx
        .insert(polls)
        .values({
          meetingId,
          agendaItemId: input.agendaItemId ?? null,
          kind: input.kind,
          title: input.title.trim(),
          secret: input.secret,
          eligibility: input.eligibility ?? 'present',
          allowProxy: input.allowProxy ?? true,
          allowChange: input.allowChange ?? false,
          threshold: input.threshold ?? 'half_all',
          customNumerator: input.custom?.numerator ?? null,
          customDenominator: input.custom?.denominator ?? null,
          maxChoices: input.kind === 'election' ? (input.maxChoices ?? input.seats ?? input.candidates!.length) : null,
          seats: input.kind === 'election' ? (input.seats ?? input.maxChoices ?? input.candidates!.length) : null,
          createdBy: user.id,
        })
        .returning({ id: polls.id });
      if (input.kind === 'election') await tx.insert(pollCandidates).values(input.candidates!.map((name, i) => ({ pollId: poll!.id, name: name.trim(), position: i + 1 })));
      await this.#record(tx, poll!.id, 'created', user.id);
      return poll!.id;
    });
    return this.get(user, meetingId, pollId);
  }

  async open(user: SessionUser, meetingId: string, pollId: string, overrideReason: string | undefined): Promise<PollDto> {
    const access = await this.#meetings.access(user, meetingId);
    if (!runsMeeting(access)) throw new AppError(403, 'forbidden');
    if (access.meeting.status !== 'in_session') throw new AppError(409, 'meetingNotInSession');
    await this.#meetings.changeMeeting(meetingId, 'polls', async (tx) => {
      const [poll] = await tx.select().from(polls).where(and(eq(polls.id, pollId), eq(polls.meetingId, meetingId))).for('update');
      if (poll === undefined) throw new AppError(404, 'pollNotFound');
      if (poll.status !== 'draft') throw new AppError(409, 'pollNotDraft');
      const { eligible, present, quorum } = await this.#electorate(tx, access, poll);
      const quorumMet = quorum.met;
      if (!quorumMet && overrideReason === undefined) throw new AppError(409, 'quorumNotMet');
      // The poll's own key, written while its row is locked (two opens cannot both write) and before the opening commits.
      if (poll.secret) await this.#keys.createPollKey(pollId);
      await tx
        .update(polls)
        .set({ status: 'open', eligibleVoters: eligible, presentAtOpen: present, membershipTotal: access.meeting.membershipTotal, quorumOverrideReason: quorumMet ? null : overrideReason! })
        .where(eq(polls.id, pollId));
      await this.#record(tx, pollId, 'opened', user.id);
      if (!quorumMet) await this.#record(tx, pollId, 'quorum-overridden', user.id, overrideReason!);
      this.#announce(meetingId, pollId, 'open', 0, eligible.length);
    });
    return this.get(user, meetingId, pollId);
  }

  /**
   * Who may vote and who is present, from the roster and the marks read in
   * the caller's transaction (which holds the meeting's lock): the quorum by
   * the live module's one definition (voting members; represented members
   * when the meeting counts them). `present` is the base of the "present"
   * threshold: voting members in the hall, plus the represented when their
   * proxies may vote in this poll, i.e. exactly who may cast a ballot.
   */
  async #electorate(tx: Tx, access: MeetingAccess, poll: PollRow): Promise<{ eligible: string[]; present: number; quorum: AttendanceCount }> {
    const meetingId = access.meeting.id;
    const [roster, marks] = await Promise.all([this.#meetings.roster(meetingId, tx), this.#live.attendanceOf(meetingId, tx)]);
    const statusOf = new Map(marks.map((m) => [m.userId, m.status]));
    const members = roster.filter((p) => isVotingMember(p.role)).map((p) => ({ userId: p.userId, role: p.role, status: statusOf.get(p.userId) ?? null }));
    const quorum = countAttendance(access.meeting, members);
    const canVote = (status: string | null) => status === 'present' || (poll.allowProxy && status === 'proxy');
    const eligible = (poll.eligibility === 'present' ? members.filter((m) => canVote(m.status)) : members.filter((m) => poll.allowProxy || m.status !== 'proxy')).map((m) => m.userId);
    return { eligible, present: members.filter((m) => canVote(m.status)).length, quorum };
  }

  /** A ballot from a tablet, exactly once, committed with the others waiting (casting.ts); turnout is announced coalesced. */
  async cast(user: SessionUser, input: CastBallot): Promise<CastReceipt> {
    const outcome = await this.#casting.cast(user, input);
    this.#turnout.ballot({ meetingId: input.meetingId, pollId: input.pollId, status: 'open', cast: outcome.cast, eligible: (outcome.poll.eligibleVoters ?? []).length });
    return outcome.result;
  }

  #tallyInput(poll: PollRow, candidates: { id: string; name: string }[]): TallyInput {
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

  /** Closes and counts; secret ballots are opened, shuffled, stored anonymously, their seals erased and the poll's key destroyed. */
  async close(user: SessionUser, meetingId: string, pollId: string): Promise<PollDto> {
    const access = await this.#meetings.access(user, meetingId);
    if (!runsMeeting(access)) throw new AppError(403, 'forbidden');
    await this.#close(meetingId, pollId, user.id);
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
      await this.#close(meetingId, id, null).catch((error: unknown) => {
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

  /** Closes and counts in one transaction; `byUserId` null: the poll closed with its meeting. */
  async #close(meetingId: string, pollId: string, byUserId: string | null): Promise<void> {
    let counted = { cast: 0, eligible: 0, secret: false };
    // Every ballot this process has taken is committed (and counted) or refused before the count begins.
    await this.#casting.drain(meetingId, pollId);
    await this.#meetings.changeMeeting(meetingId, 'polls', async (tx) => {
      const [poll] = await tx.select().from(polls).where(and(eq(polls.id, pollId), eq(polls.meetingId, meetingId))).for('update');
      if (poll === undefined) throw new AppError(404, 'pollNotFound');
      if (poll.status !== 'open') throw new AppError(409, 'pollNotOpen');
      const { choices, cast } = await this.#ballots.openAll(tx, poll);
      const candidates = await tx.select({ id: pollCandidates.id, name: pollCandidates.name }).from(pollCandidates).where(eq(pollCandidates.pollId, pollId)).orderBy(asc(pollCandidates.position));
      const input = this.#tallyInput(poll, candidates);
      const result = poll.kind === 'motion' ? tallyMotion(input, choices as MotionOption[]) : tallyElection(input, choices as string[][]);
      await tx.update(polls).set({ status: 'closed', result }).where(eq(polls.id, pollId));
      await this.#record(tx, pollId, byUserId === null ? 'closed-with-meeting' : 'closed', byUserId);
      counted = { cast, eligible: input.eligible, secret: poll.secret };
    });
    this.#casting.forget(meetingId, pollId);
    // Only once the count has committed: from now on the seals left in dead rows and WAL open for nobody.
    if (counted.secret) await this.#keys.destroyPollKey(pollId);
    this.#announce(meetingId, pollId, 'closed', counted.cast, counted.eligible);
  }

  async #transition(user: SessionUser, meetingId: string, pollId: string, from: PollRow['status'][], to: 'published' | 'cancelled'): Promise<PollDto> {
    const access = await this.#meetings.access(user, meetingId);
    if (!runsMeeting(access)) throw new AppError(403, 'forbidden');
    await this.#casting.drain(meetingId, pollId);
    await this.#meetings.changeMeeting(meetingId, 'polls', async (tx) => {
      const [poll] = await tx.select().from(polls).where(and(eq(polls.id, pollId), eq(polls.meetingId, meetingId))).for('update');
      if (poll === undefined) throw new AppError(404, 'pollNotFound');
      if (!from.includes(poll.status)) throw new AppError(409, to === 'published' ? 'pollNotClosed' : 'pollNotOpen');
      await tx.update(polls).set({ status: to }).where(eq(polls.id, pollId));
      // A cancelled secret poll keeps who voted, never what they chose.
      if (to === 'cancelled') await tx.update(pollVoters).set({ sealed: null, publicChoice: null }).where(eq(pollVoters.pollId, pollId));
      await this.#record(tx, pollId, to, user.id);
    });
    this.#casting.forget(meetingId, pollId);
    if (to === 'cancelled') await this.#keys.destroyPollKey(pollId);
    const poll = await this.#poll(meetingId, pollId);
    this.#announce(meetingId, pollId, poll.status, await this.#db.$count(pollVoters, eq(pollVoters.pollId, pollId)), (poll.eligibleVoters ?? []).length);
    return this.get(user, meetingId, pollId);
  }

  publish(user: SessionUser, meetingId: string, pollId: string) {
    return this.#transition(user, meetingId, pollId, ['closed'], 'published');
  }

  cancel(user: SessionUser, meetingId: string, pollId: string) {
    return this.#transition(user, meetingId, pollId, ['draft', 'open'], 'cancelled');
  }

  /**
   * Counts from a paper vote, checked (paper.ts) before they become the
   * result. They never silently replace ballots cast electronically: when the
   * poll was closed or ballots were cast, the secretariat must give a reason,
   * kept in the poll's history and on the result (with how many electronic
   * ballots were set aside), so the minutes show what happened.
   */
  async enterPaperCounts(user: SessionUser, meetingId: string, pollId: string, paper: PaperCounts): Promise<PollDto> {
    const access = await this.#meetings.access(user, meetingId);
    if (!access.canManage) throw new AppError(403, 'forbidden');
    let counted = { cast: 0, eligible: 0 };
    await this.#casting.drain(meetingId, pollId);
    await this.#meetings.changeMeeting(meetingId, 'polls', async (tx) => {
      const [poll] = await tx.select().from(polls).where(and(eq(polls.id, pollId), eq(polls.meetingId, meetingId))).for('update');
      if (poll === undefined) throw new AppError(404, 'pollNotFound');
      if (poll.status === 'published' || poll.status === 'cancelled') throw new AppError(409, 'pollNotOpen');
      const cast = await tx.$count(pollVoters, eq(pollVoters.pollId, pollId));
      if ((poll.status === 'closed' || cast > 0) && paper.overrideReason === undefined) throw new AppError(409, 'paperOverrideReasonRequired', { field: 'overrideReason' });
      const candidates = await tx.select({ id: pollCandidates.id, name: pollCandidates.name }).from(pollCandidates).where(eq(pollCandidates.pollId, pollId)).orderBy(asc(pollCandidates.position));
      // A poll counted on paper before it was opened takes its voters and base from the attendance now.
      const electorate = poll.eligibleVoters === null ? await this.#electorate(tx, access, poll) : null;
      const eligibleVoters = poll.eligibleVoters ?? electorate!.eligible;
      const presentAtOpen = poll.presentAtOpen ?? electorate!.present;
      const membershipTotal = poll.membershipTotal ?? access.meeting.membershipTotal;
      const input = { ...this.#tallyInput(poll, candidates), membershipTotal, presentAtOpen, eligible: eligibleVoters.length };
      checkPaperCounts(input, paper);
      const reason = paper.overrideReason?.trim() ?? null;
      const result = paperResult(input, paper, { reason, replacedBallots: cast });
      await tx.update(polls).set({ status: 'closed', result, paperCounts: paper, eligibleVoters, presentAtOpen, membershipTotal }).where(eq(polls.id, pollId));
      await tx.update(pollVoters).set({ sealed: null }).where(eq(pollVoters.pollId, pollId));
      await this.#record(tx, pollId, 'paper-counts', user.id, reason);
      counted = { cast, eligible: eligibleVoters.length };
    });
    this.#casting.forget(meetingId, pollId);
    await this.#keys.destroyPollKey(pollId);
    this.#announce(meetingId, pollId, 'closed', counted.cast, counted.eligible);
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
      const [poll] = await tx.select().from(polls).where(and(eq(polls.id, pollId), eq(polls.meetingId, meetingId))).for('update');
      if (poll === undefined) throw new AppError(404, 'pollNotFound');
      const created = await insertRunoff(tx, poll, user.id);
      await this.#record(tx, created, 'created', user.id);
      await this.#record(tx, pollId, 'runoff', user.id);
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
    return (await this.#ballots.countedReceipts(pollId)).map((receipt) => ({ receipt }));
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
