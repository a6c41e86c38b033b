/**
 * Named actions of a meeting in session. Each one: check the payload (done by
 * the socket layer), check the caller's role in this meeting and the meeting's
 * state, change the database in one transaction that bumps the version, read
 * the changed section in that same transaction, and announce it after commit.
 */
import { and, eq, inArray, isNull, lt, ne, sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { SessionUser } from '../../contract/identity.ts';
import type { AttendanceMark, LiveSnapshot, LiveUpdate, PresentationPage, PresentationShow } from '../../contract/live.ts';
import type { MeetingStatus } from '../../contract/meetings.ts';
import type { Db, Executor, Tx } from '../../db/client.ts';
import { agendaItemRuns, attendance, meetingLiveState, speakerRequests } from '../../db/schema/live.ts';
import { AppError } from '../../errors.ts';
import type { DomainEvents } from '../../events.ts';
import type { MeetingAccess } from '../meetings/index.ts';
import { LiveMeetings, type LiveMeetingOwner, type LiveState } from './live-meeting.ts';
import { LivePresentation } from './presentation.ts';
import { checkProxyChange, checkProxyRoles, type OpenPollCheck } from './proxies.ts';
import { MEMBER_ROLES, requireStatus, runsMeeting, type LiveDeps, type LiveSection, type PlannedChange } from './rules.ts';
import { SpeakerClock } from './speaker-clock.ts';
import { liveRecordOf, type LiveRecord } from './record-reads.ts';
import { agendaSection, attendanceRows, attendanceSection, presentationSection, speakersSection, type AttendanceRow } from './sections.ts';
import { attendanceForReport, type ReportedAttendance } from './reporting.ts';

const liveChange = (section: LiveSection) => `live:${section}`;

export class LiveService {
  readonly #db: Db;
  readonly #deps: LiveDeps;
  readonly #meetings: LiveDeps['meetings'];
  readonly #events: DomainEvents;
  readonly #owners = new LiveMeetings();
  readonly #presentation: LivePresentation;
  #clock: SpeakerClock | null = null;
  readonly #pollOpen: OpenPollCheck[] = [];

  /** `alone`: no other app process changes meetings (no Redis), so this one hears of every change (access may be cached). */
  constructor(db: Db, deps: LiveDeps, events: DomainEvents, options: { alone?: boolean } = {}) {
    this.#db = db;
    this.#deps = deps;
    this.#meetings = deps.meetings;
    this.#events = events;
    this.#presentation = new LivePresentation(db, deps, this.#owners, {
      act: (meetingId, section, work, read) => this.#act(meetingId, section, work, read),
      actAhead: (meetingId, plan) => this.#actAhead(meetingId, plan),
      rebuild: async (meetingId) => {
        const owner = this.#owners.find(meetingId);
        await owner?.run(async () => (owner.cached === null ? this.#rebuild(owner) : null));
      },
      alone: options.alone === true,
    });
  }

  /**
   * Another module changed the meeting (live's own actions are not announced
   * as meeting.changed: they update their owner themselves). The live
   * module's subscription calls this.
   */
  /** How members were marked in the meetings of a report (reporting.ts). */
  attendanceForReport(meetingIds: readonly string[]): Promise<ReportedAttendance[]> {
    return attendanceForReport(this.#db, meetingIds);
  }

  meetingChanged({ meetingId, version, change }: { meetingId: string; version: number; change: string }): void {
    const owner = this.#owners.find(meetingId);
    if (!change.startsWith('status:')) {
      // Agenda, participants, documents… changed: the cached snapshot may be wrong now.
      owner?.invalidate(version);
      return;
    }
    // Status changes come through the meetings module (REST or socket); tablets hear them here.
    const status = change.slice('status:'.length) as MeetingStatus;
    const update: LiveUpdate = { section: 'status', value: status };
    owner?.forgetAccess(); // cached decisions hold the old status
    owner?.apply(version, update);
    if (status === 'closed') this.#owners.drop(meetingId);
    this.#events.emit('live.updated', { meetingId, version, serverTime: new Date().toISOString(), update });
  }

  /** Starts keeping speakers' time (speaker-clock.ts); `alone`: this is the only server process. */
  startSpeakerClock(alone: boolean, log: FastifyBaseLogger): void {
    this.#clock = new SpeakerClock(this.#db, (meetingId, ids, now, before) => this.#resumeTimers(meetingId, ids, now, before), log);
    this.#clock.start(alone);
  }

  close(): void {
    this.#clock?.stop();
  }

  /** Timers left running by a server that stopped resume from what was used, and every screen hears it. */
  #resumeTimers(meetingId: string, requestIds: string[], now: Date, before: Date): Promise<number> {
    return this.#act(
      meetingId,
      'speakers',
      async (tx) => {
        await tx
          .update(speakerRequests)
          .set({ timerStartedAt: now })
          .where(and(inArray(speakerRequests.id, requestIds), eq(speakerRequests.status, 'speaking'), lt(speakerRequests.timerStartedAt, before)));
      },
      (tx) => this.#speakersUpdate(tx, meetingId),
    );
  }

  /** Meetings that have an owner in this process now (for tests and health figures). */
  get ownedMeetings(): number {
    return this.#owners.size;
  }

  async access(user: SessionUser, meetingId: string): Promise<MeetingAccess> {
    return this.#meetings.access(user, meetingId);
  }

  // — read API for other modules —

  /** The votes module says whether a poll of a meeting is open: proxies do not change while one is (proxies.ts). */
  guardProxyChanges(check: OpenPollCheck): void {
    this.#pollOpen.push(check);
  }

  /**
   * Attendance marks of a meeting (votes: who is present, whose proxy);
   * `only` narrows them to one person or to one proxy's delegates. Pass the
   * caller's transaction to read what it sees.
   */
  attendanceOf(meetingId: string, executor: Executor = this.#db, only: { userId?: string; proxyUserId?: string } = {}): Promise<AttendanceRow[]> {
    return attendanceRows(executor, meetingId, only);
  }

  /** Item runs and speeches heard, for the meeting's minutes (the record module checks who asks). */
  recordOf(meetingId: string): Promise<LiveRecord> {
    return liveRecordOf(this.#db, meetingId);
  }

  async snapshot(user: SessionUser, meetingId: string): Promise<LiveSnapshot> {
    const access = await this.#meetings.access(user, meetingId);
    return this.#snapshotAt(meetingId, access.meeting.version);
  }

  /**
   * The snapshot for a paired hall display. The caller (the display module)
   * has checked that the display is assigned to this meeting; a display is
   * not a user, so there is no meeting role to check here.
   */
  async snapshotForDisplay(meetingId: string): Promise<LiveSnapshot> {
    const found = await this.#meetings.byId(meetingId);
    if (found === null) throw new AppError(404, 'notFound');
    return this.#snapshotAt(meetingId, found.version);
  }

  /** The owner's snapshot if it is as new as the database's version, else rebuilt from the tables. */
  #snapshotAt(meetingId: string, databaseVersion: number): Promise<LiveSnapshot> {
    const owner = this.#owners.get(meetingId);
    const cached = owner.current(databaseVersion);
    if (cached !== null) return Promise.resolve({ ...cached, serverTime: new Date().toISOString() });
    // Rebuilt in the owner's queue, so a burst of joins after a restart rebuilds once.
    return owner.run(async () => {
      const state = owner.current(databaseVersion) ?? (await this.#rebuild(owner));
      return { ...state, serverTime: new Date().toISOString() };
    });
  }

  async #rebuild(owner: LiveMeetingOwner): Promise<LiveState> {
    const meetingId = owner.meetingId;
    const state = await this.#db.transaction(async (tx): Promise<LiveState> => {
      const meeting = await this.#meetings.byId(meetingId, tx);
      return {
        meetingId,
        version: meeting!.version,
        status: meeting!.status,
        attendance: await attendanceSection(tx, this.#deps, meetingId),
        agenda: await agendaSection(tx, this.#deps, meetingId),
        presentation: await presentationSection(tx, meetingId),
        speakers: await speakersSection(tx, this.#deps, meetingId),
      };
    });
    owner.replace(state);
    return state;
  }

  /**
   * Runs an action in its meeting's queue: the change and the read of the
   * section it touched in one transaction that bumps the version, then the
   * owner's snapshot and every joined screen get that section.
   */
  #act(meetingId: string, section: LiveSection, work: (tx: Tx, owner: LiveMeetingOwner) => Promise<void>, read: (tx: Tx) => Promise<LiveUpdate>): Promise<number> {
    const owner = this.#owners.get(meetingId);
    return owner.run(async () => {
      const { result: update, version } = await this.#meetings.changeMeetingVersioned(meetingId, liveChange(section), async (tx) => {
        await work(tx, owner);
        return read(tx);
      }, { announce: false }); // announced below as live.updated
      owner.apply(version, update);
      this.#events.emit('live.updated', { meetingId, version, serverTime: new Date().toISOString(), update });
      return version;
    });
  }

  /**
   * Runs an action whose whole effect the owner can work out from its cached
   * state (a page turn): in the meeting's queue, `plan` turns the state into
   * the section update, which goes to every screen at once as the next
   * version; then `change` stores it in one statement that bumps the version
   * only if nobody took it (MeetingService.changeMeetingAt: another process,
   * or a change not yet announced here), and the caller's ack waits for that
   * commit. If it did not commit as planned, every screen is told to resync
   * (`live.retracted`) and the owner forgets its state. Returns the version,
   * or null when the action must go the ordinary way instead: no cached
   * state or `plan` declined it (before anything was sent), or it did not
   * commit as planned (after the retraction). A page turn's loss in a crash
   * harms nobody (see LivePresentation), so its commit is not made durable.
   */
  #actAhead(meetingId: string, plan: (state: LiveState) => PlannedChange | null): Promise<number | null> {
    const owner = this.#owners.get(meetingId);
    return owner.run(async () => {
      const state = owner.cached;
      const planned = state === null ? null : plan(state);
      if (state === null || planned === null) return null;
      const { update, change } = planned;
      const version = state.version + 1;
      this.#events.emit('live.updated', { meetingId, version, serverTime: new Date().toISOString(), update });
      let outcome: 'changed' | 'taken' | 'unchanged';
      try {
        outcome = await this.#meetings.changeMeetingAt(meetingId, version, change, { durable: false });
      } catch (error) {
        this.#retract(owner, version);
        throw error;
      }
      if (outcome !== 'changed') {
        this.#retract(owner, version);
        return null;
      }
      owner.apply(version, update);
      return version;
    });
  }

  /** Every screen that may hold `version` (sent ahead, not committed) fetches a fresh snapshot; the owner forgets what it assumed. */
  #retract(owner: LiveMeetingOwner, version: number): void {
    owner.forget();
    this.#events.emit('live.retracted', { meetingId: owner.meetingId, version });
  }

  #attendanceUpdate = async (tx: Tx, meetingId: string): Promise<LiveUpdate> => ({ section: 'attendance', value: await attendanceSection(tx, this.#deps, meetingId) });
  #agendaUpdate = async (tx: Tx, meetingId: string): Promise<LiveUpdate> => ({ section: 'agenda', value: await agendaSection(tx, this.#deps, meetingId) });
  #speakersUpdate = async (tx: Tx, meetingId: string): Promise<LiveUpdate> => ({ section: 'speakers', value: await speakersSection(tx, this.#deps, meetingId) });

  // — attendance —

  async checkIn(user: SessionUser, meetingId: string): Promise<number> {
    const access = await this.#meetings.access(user, meetingId);
    requireStatus(access, ['published', 'in_session'], 'meetingNotOpenForCheckIn');
    if (access.myRole === null || !MEMBER_ROLES.has(access.myRole)) throw new AppError(403, 'notAMember');
    return this.#act(
      meetingId,
      'attendance',
      async (tx) => {
        // A represented member who arrives during a vote stays represented until it closes.
        await checkProxyChange(tx, { meetingId, userId: user.id, status: 'present', proxyUserId: null }, this.#pollOpen);
        await tx
          .insert(attendance)
          .values({ meetingId, userId: user.id, status: 'present', markedBy: user.id })
          .onConflictDoUpdate({ target: [attendance.meetingId, attendance.userId], set: { status: 'present', reason: null, proxyUserId: null, markedBy: user.id, markedAt: new Date() } });
      },
      (tx) => this.#attendanceUpdate(tx, meetingId),
    );
  }

  async markAttendance(user: SessionUser, input: AttendanceMark): Promise<number> {
    const access = await this.#meetings.access(user, input.meetingId);
    if (!runsMeeting(access)) throw new AppError(403, 'forbidden');
    requireStatus(access, ['published', 'in_session'], 'meetingNotOpenForCheckIn');
    const roster = await this.#meetings.roster(input.meetingId);
    const target = roster.find((p) => p.userId === input.userId);
    if (target === undefined || !MEMBER_ROLES.has(target.role)) throw new AppError(400, 'notAMember', { field: 'userId' });
    if (input.status === 'proxy' && input.proxyUserId == null) throw new AppError(400, 'proxyRequired', { field: 'proxyUserId' });
    if (input.status === 'proxy' && input.proxyUserId === input.userId) throw new AppError(400, 'proxyIsSelf', { field: 'proxyUserId' });
    checkProxyRoles(roster, input);
    const values = {
      status: input.status,
      reason: input.status === 'absent' ? (input.reason ?? null) : null,
      proxyUserId: input.status === 'proxy' ? (input.proxyUserId ?? null) : null,
      markedBy: user.id,
      markedAt: new Date(),
    };
    return this.#act(
      input.meetingId,
      'attendance',
      async (tx) => {
        await checkProxyChange(tx, input, this.#pollOpen);
        await tx.insert(attendance).values({ meetingId: input.meetingId, userId: input.userId, ...values }).onConflictDoUpdate({ target: [attendance.meetingId, attendance.userId], set: values });
      },
      (tx) => this.#attendanceUpdate(tx, input.meetingId),
    );
  }

  // — agenda —

  async #openItem(tx: Tx, meetingId: string, itemId: string): Promise<void> {
    const now = new Date();
    await tx.update(agendaItemRuns).set({ endedAt: now }).where(and(eq(agendaItemRuns.meetingId, meetingId), isNull(agendaItemRuns.endedAt)));
    await tx.insert(agendaItemRuns).values({ meetingId, itemId, startedAt: now });
    await tx
      .insert(meetingLiveState)
      .values({ meetingId, currentItemId: itemId })
      .onConflictDoUpdate({ target: meetingLiveState.meetingId, set: { currentItemId: itemId, updatedAt: now } });
  }

  async openItem(user: SessionUser, meetingId: string, itemId: string): Promise<number> {
    const access = await this.#meetings.access(user, meetingId);
    if (!runsMeeting(access)) throw new AppError(403, 'forbidden');
    requireStatus(access, ['in_session']);
    if ((await this.#meetings.agendaItem(meetingId, itemId)) === null) throw new AppError(404, 'agendaItemNotFound');
    return this.#act(meetingId, 'agenda', (tx) => this.#openItem(tx, meetingId, itemId), (tx) => this.#agendaUpdate(tx, meetingId));
  }

  async nextItem(user: SessionUser, meetingId: string): Promise<number> {
    const access = await this.#meetings.access(user, meetingId);
    if (!runsMeeting(access)) throw new AppError(403, 'forbidden');
    requireStatus(access, ['in_session']);
    return this.#act(
      meetingId,
      'agenda',
      async (tx) => {
        const [[state], items] = await Promise.all([tx.select().from(meetingLiveState).where(eq(meetingLiveState.meetingId, meetingId)), this.#meetings.agenda(meetingId, tx)]);
        const index = state?.currentItemId == null ? -1 : items.findIndex((i) => i.id === state.currentItemId);
        const next = items[index + 1];
        if (next === undefined) throw new AppError(409, 'noNextItem');
        await this.#openItem(tx, meetingId, next.id);
      },
      (tx) => this.#agendaUpdate(tx, meetingId),
    );
  }

  // — follow the presenter (presentation.ts) —

  showDocument(user: SessionUser, input: PresentationShow): Promise<number> {
    return this.#presentation.show(user, input);
  }

  turnPage(user: SessionUser, input: PresentationPage): Promise<number> {
    return this.#presentation.turnPage(user, input);
  }

  stopPresenting(user: SessionUser, meetingId: string): Promise<number> {
    return this.#presentation.stop(user, meetingId);
  }

  // — speakers —

  async requestToSpeak(user: SessionUser, meetingId: string, topic: string | null | undefined): Promise<number> {
    const access = await this.#meetings.access(user, meetingId);
    requireStatus(access, ['in_session']);
    if (access.myRole === null || !MEMBER_ROLES.has(access.myRole)) throw new AppError(403, 'notAMember');
    return this.#act(
      meetingId,
      'speakers',
      async (tx) => {
        const [open] = await tx
          .select({ id: speakerRequests.id })
          .from(speakerRequests)
          .where(and(eq(speakerRequests.meetingId, meetingId), eq(speakerRequests.userId, user.id), inArray(speakerRequests.status, ['waiting', 'speaking'])));
        if (open !== undefined) throw new AppError(409, 'alreadyInQueue');
        const [state] = await tx.select({ itemId: meetingLiveState.currentItemId }).from(meetingLiveState).where(eq(meetingLiveState.meetingId, meetingId));
        const [last] = await tx.select({ max: sql<number>`coalesce(max(${speakerRequests.position}), 0)::int` }).from(speakerRequests).where(eq(speakerRequests.meetingId, meetingId));
        await tx.insert(speakerRequests).values({ meetingId, userId: user.id, itemId: state?.itemId ?? null, topic: topic?.trim() || null, position: (last?.max ?? 0) + 1 });
      },
      (tx) => this.#speakersUpdate(tx, meetingId),
    );
  }

  async #speakerChange(user: SessionUser, meetingId: string, requestId: string, chairOnly: boolean, change: (tx: Tx, request: typeof speakerRequests.$inferSelect, now: Date) => Promise<void>): Promise<number> {
    const access = await this.#meetings.access(user, meetingId);
    requireStatus(access, ['in_session']);
    if (chairOnly && !runsMeeting(access)) throw new AppError(403, 'forbidden');
    return this.#act(
      meetingId,
      'speakers',
      async (tx) => {
        const [request] = await tx.select().from(speakerRequests).where(and(eq(speakerRequests.id, requestId), eq(speakerRequests.meetingId, meetingId))).for('update');
        if (request === undefined) throw new AppError(404, 'notInQueue');
        // A delegate withdraws only their own request; the chair or secretariat may withdraw anyone's.
        if (!chairOnly && request.userId !== user.id && !runsMeeting(access)) throw new AppError(403, 'forbidden');
        await change(tx, request, new Date());
      },
      (tx) => this.#speakersUpdate(tx, meetingId),
    );
  }

  withdraw(user: SessionUser, meetingId: string, requestId: string): Promise<number> {
    return this.#speakerChange(user, meetingId, requestId, false, async (tx, request, now) => {
      if (request.status !== 'waiting') throw new AppError(409, 'notInQueue');
      await tx.update(speakerRequests).set({ status: 'withdrawn', endedAt: now }).where(eq(speakerRequests.id, request.id));
    });
  }

  async giveFloor(user: SessionUser, meetingId: string, requestId: string): Promise<number> {
    let speakerId = '';
    const version = await this.#speakerChange(user, meetingId, requestId, true, async (tx, request, now) => {
      if (request.status !== 'waiting') throw new AppError(409, 'notInQueue');
      await this.#finishCurrent(tx, meetingId, now);
      await tx.update(speakerRequests).set({ status: 'speaking', startedAt: now, timerStartedAt: now }).where(eq(speakerRequests.id, request.id));
      speakerId = request.userId;
    });
    this.#events.emit('live.floorGiven', { meetingId, userId: speakerId });
    return version;
  }

  async #finishCurrent(tx: Tx, meetingId: string, now: Date): Promise<void> {
    await tx
      .update(speakerRequests)
      .set({
        status: 'done',
        endedAt: now,
        timerAccumulatedMs: sql`${speakerRequests.timerAccumulatedMs} + coalesce((extract(epoch from (${now.toISOString()}::timestamptz - ${speakerRequests.timerStartedAt})) * 1000)::int, 0)`,
        timerStartedAt: null,
      })
      .where(and(eq(speakerRequests.meetingId, meetingId), eq(speakerRequests.status, 'speaking')));
  }

  setTimer(user: SessionUser, meetingId: string, requestId: string, running: boolean): Promise<number> {
    return this.#speakerChange(user, meetingId, requestId, true, async (tx, request, now) => {
      if (request.status !== 'speaking') throw new AppError(409, 'notSpeaking');
      if (running && request.timerStartedAt === null) {
        await tx.update(speakerRequests).set({ timerStartedAt: now }).where(eq(speakerRequests.id, request.id));
      } else if (!running && request.timerStartedAt !== null) {
        const ran = now.getTime() - request.timerStartedAt.getTime();
        await tx.update(speakerRequests).set({ timerStartedAt: null, timerAccumulatedMs: request.timerAccumulatedMs + ran }).where(eq(speakerRequests.id, request.id));
      }
    });
  }

  finishSpeaker(user: SessionUser, meetingId: string, requestId: string): Promise<number> {
    return this.#speakerChange(user, meetingId, requestId, true, async (tx, request, now) => {
      if (request.status !== 'speaking') throw new AppError(409, 'notSpeaking');
      await this.#finishCurrent(tx, meetingId, now);
    });
  }

  async reorderSpeakers(user: SessionUser, meetingId: string, requestIds: string[]): Promise<number> {
    const access = await this.#meetings.access(user, meetingId);
    requireStatus(access, ['in_session']);
    if (!runsMeeting(access)) throw new AppError(403, 'forbidden');
    return this.#act(
      meetingId,
      'speakers',
      async (tx) => {
        const waiting = await tx.select({ id: speakerRequests.id }).from(speakerRequests).where(and(eq(speakerRequests.meetingId, meetingId), eq(speakerRequests.status, 'waiting')));
        const known = new Set(waiting.map((w) => w.id));
        if (waiting.length !== requestIds.length || !requestIds.every((id) => known.has(id))) throw new AppError(400, 'speakersReorderMismatch', { field: 'requestIds' });
        const [last] = await tx.select({ max: sql<number>`coalesce(max(${speakerRequests.position}), 0)::int` }).from(speakerRequests).where(and(eq(speakerRequests.meetingId, meetingId), ne(speakerRequests.status, 'waiting')));
        for (const [index, id] of requestIds.entries()) await tx.update(speakerRequests).set({ position: (last?.max ?? 0) + index + 1 }).where(eq(speakerRequests.id, id));
      },
      (tx) => this.#speakersUpdate(tx, meetingId),
    );
  }
}
