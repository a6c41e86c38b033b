/**
 * Named actions of a meeting in session. Each one: check the payload (done by
 * the socket layer), check the caller's role in this meeting and the meeting's
 * state, change the database in one transaction that bumps the version, read
 * the changed section in that same transaction, and announce it after commit.
 */
import { and, asc, eq, inArray, isNotNull, isNull, ne, sql } from 'drizzle-orm';
import type { SessionUser } from '../../contract/identity.ts';
import type { AttendanceMark, LiveSnapshot, LiveUpdate, Presentation, PresentationPage, PresentationShow } from '../../contract/live.ts';
import type { MeetingStatus } from '../../contract/meetings.ts';
import type { Db } from '../../db/client.ts';
import {
  agendaItemRuns,
  agendaItems,
  attendance,
  documents,
  documentVersions,
  meetingLiveState,
  meetingParticipants,
  meetings,
  speakerRequests,
} from '../../db/schema/index.ts';
import { AppError } from '../../errors.ts';
import type { DomainEvents } from '../../events.ts';
import { loadAccess, type MeetingAccess } from '../meetings/access.ts';
import type { MeetingService, Tx } from '../meetings/service.ts';
import { LiveMeetings, type LiveMeetingOwner, type LiveState } from './live-meeting.ts';
import { agendaSection, attendanceSection, presentationSection, speakersSection } from './sections.ts';

const MEMBER_ROLES = new Set(['chair', 'secretary', 'delegate']);

/** Change labels of live actions (distinct from the meetings module's own, e.g. its 'agenda' edits). */
type LiveSection = 'attendance' | 'agenda' | 'presentation' | 'speakers';
const liveChange = (section: LiveSection) => `live:${section}`;

/** The chair runs the meeting; the secretariat may act on the chair's behalf. */
const runsMeeting = (access: MeetingAccess) => access.canManage || access.myRole === 'chair';

function requireStatus(access: MeetingAccess, allowed: MeetingStatus[], key: 'meetingNotInSession' | 'meetingNotOpenForCheckIn' = 'meetingNotInSession'): void {
  if (!allowed.includes(access.meeting.status)) throw new AppError(409, key);
}

export class LiveService {
  readonly #db: Db;
  readonly #meetings: MeetingService;
  readonly #events: DomainEvents;
  readonly #owners = new LiveMeetings();

  constructor(db: Db, meetingsService: MeetingService, events: DomainEvents) {
    this.#db = db;
    this.#meetings = meetingsService;
    this.#events = events;
    events.on('meeting.changed', ({ meetingId, version, change }) => {
      if (change.startsWith('live:')) return; // our own actions update their owner themselves
      const owner = this.#owners.find(meetingId);
      if (!change.startsWith('status:')) {
        // Agenda, participants, documents… changed: the cached snapshot may be wrong now.
        owner?.invalidate(version);
        return;
      }
      // Status changes come through the meetings module (REST or socket); tablets hear them here.
      const status = change.slice('status:'.length) as MeetingStatus;
      const update: LiveUpdate = { section: 'status', value: status };
      owner?.apply(version, update);
      if (status === 'closed') this.#owners.drop(meetingId);
      this.#events.emit('live.updated', { meetingId, version, serverTime: new Date().toISOString(), update });
    });
  }

  /** Meetings that have an owner in this process now (for tests and health figures). */
  get ownedMeetings(): number {
    return this.#owners.size;
  }

  async access(user: SessionUser, meetingId: string): Promise<MeetingAccess> {
    return loadAccess(this.#db, meetingId, user);
  }

  async snapshot(user: SessionUser, meetingId: string): Promise<LiveSnapshot> {
    const access = await loadAccess(this.#db, meetingId, user);
    return this.#snapshotAt(meetingId, access.meeting.version);
  }

  /**
   * The snapshot for a paired hall display. The caller (the display module)
   * has checked that the display is assigned to this meeting; a display is
   * not a user, so there is no meeting role to check here.
   */
  async snapshotForDisplay(meetingId: string): Promise<LiveSnapshot> {
    const [found] = await this.#db.select({ version: meetings.version }).from(meetings).where(eq(meetings.id, meetingId));
    if (found === undefined) throw new AppError(404, 'notFound');
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
      const [meeting] = await tx.select().from(meetings).where(eq(meetings.id, meetingId));
      return {
        meetingId,
        version: meeting!.version,
        status: meeting!.status,
        attendance: await attendanceSection(tx, meetingId),
        agenda: await agendaSection(tx, meetingId),
        presentation: await presentationSection(tx, meetingId),
        speakers: await speakersSection(tx, meetingId),
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
      });
      owner.apply(version, update);
      this.#events.emit('live.updated', { meetingId, version, serverTime: new Date().toISOString(), update });
      return version;
    });
  }

  #attendanceUpdate = async (tx: Tx, meetingId: string): Promise<LiveUpdate> => ({ section: 'attendance', value: await attendanceSection(tx, meetingId) });
  #agendaUpdate = async (tx: Tx, meetingId: string): Promise<LiveUpdate> => ({ section: 'agenda', value: await agendaSection(tx, meetingId) });
  #presentationUpdate = async (tx: Tx, meetingId: string): Promise<LiveUpdate> => ({ section: 'presentation', value: await presentationSection(tx, meetingId) });
  #speakersUpdate = async (tx: Tx, meetingId: string): Promise<LiveUpdate> => ({ section: 'speakers', value: await speakersSection(tx, meetingId) });

  // — attendance —

  async checkIn(user: SessionUser, meetingId: string): Promise<number> {
    const access = await loadAccess(this.#db, meetingId, user);
    requireStatus(access, ['published', 'in_session'], 'meetingNotOpenForCheckIn');
    if (access.myRole === null || !MEMBER_ROLES.has(access.myRole)) throw new AppError(403, 'notAMember');
    return this.#act(
      meetingId,
      'attendance',
      async (tx) => {
        await tx
          .insert(attendance)
          .values({ meetingId, userId: user.id, status: 'present', markedBy: user.id })
          .onConflictDoUpdate({ target: [attendance.meetingId, attendance.userId], set: { status: 'present', reason: null, proxyUserId: null, markedBy: user.id, markedAt: new Date() } });
      },
      (tx) => this.#attendanceUpdate(tx, meetingId),
    );
  }

  async markAttendance(user: SessionUser, input: AttendanceMark): Promise<number> {
    const access = await loadAccess(this.#db, input.meetingId, user);
    if (!runsMeeting(access)) throw new AppError(403, 'forbidden');
    requireStatus(access, ['published', 'in_session'], 'meetingNotOpenForCheckIn');
    const [target] = await this.#db
      .select({ role: meetingParticipants.role })
      .from(meetingParticipants)
      .where(and(eq(meetingParticipants.meetingId, input.meetingId), eq(meetingParticipants.userId, input.userId)));
    if (target === undefined || !MEMBER_ROLES.has(target.role)) throw new AppError(400, 'notAMember', { field: 'userId' });
    if (input.status === 'proxy' && input.proxyUserId == null) throw new AppError(400, 'proxyRequired', { field: 'proxyUserId' });
    if (input.status === 'proxy' && input.proxyUserId === input.userId) throw new AppError(400, 'proxyIsSelf', { field: 'proxyUserId' });
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
    const access = await loadAccess(this.#db, meetingId, user);
    if (!runsMeeting(access)) throw new AppError(403, 'forbidden');
    requireStatus(access, ['in_session']);
    const [item] = await this.#db.select({ id: agendaItems.id }).from(agendaItems).where(and(eq(agendaItems.id, itemId), eq(agendaItems.meetingId, meetingId)));
    if (item === undefined) throw new AppError(404, 'agendaItemNotFound');
    return this.#act(meetingId, 'agenda', (tx) => this.#openItem(tx, meetingId, itemId), (tx) => this.#agendaUpdate(tx, meetingId));
  }

  async nextItem(user: SessionUser, meetingId: string): Promise<number> {
    const access = await loadAccess(this.#db, meetingId, user);
    if (!runsMeeting(access)) throw new AppError(403, 'forbidden');
    requireStatus(access, ['in_session']);
    return this.#act(
      meetingId,
      'agenda',
      async (tx) => {
        const [state] = await tx.select().from(meetingLiveState).where(eq(meetingLiveState.meetingId, meetingId));
        const items = await tx.select().from(agendaItems).where(eq(agendaItems.meetingId, meetingId)).orderBy(asc(agendaItems.position));
        const index = state?.currentItemId == null ? -1 : items.findIndex((i) => i.id === state.currentItemId);
        const next = items[index + 1];
        if (next === undefined) throw new AppError(409, 'noNextItem');
        await this.#openItem(tx, meetingId, next.id);
      },
      (tx) => this.#agendaUpdate(tx, meetingId),
    );
  }

  // — follow the presenter —

  async #mayPresent(access: MeetingAccess, user: SessionUser): Promise<boolean> {
    if (runsMeeting(access)) return true;
    const [row] = await this.#db
      .select({ presenter: agendaItems.presenterUserId })
      .from(meetingLiveState)
      .innerJoin(agendaItems, eq(agendaItems.id, meetingLiveState.currentItemId))
      .where(eq(meetingLiveState.meetingId, access.meeting.id));
    return row?.presenter === user.id;
  }

  /** Pages of a version of one of the meeting's documents (a version's file never changes, so its owner remembers). */
  async #pageCount(meetingId: string, documentId: string, version: number, reader: Pick<Db, 'select'> = this.#db): Promise<number> {
    const owner = this.#owners.get(meetingId);
    const known = owner.pageCount(documentId, version);
    if (known !== undefined) return known;
    const [row] = await reader
      .select({ pages: documentVersions.pageCount })
      .from(documentVersions)
      .innerJoin(documents, eq(documents.id, documentVersions.documentId))
      .where(and(eq(documents.id, documentId), eq(documents.meetingId, meetingId), eq(documentVersions.version, version)));
    if (row === undefined) throw new AppError(400, 'documentNotInMeeting', { field: 'documentId' });
    owner.rememberPageCount(documentId, version, row.pages);
    return row.pages;
  }

  async showDocument(user: SessionUser, input: PresentationShow): Promise<number> {
    const access = await loadAccess(this.#db, input.meetingId, user);
    requireStatus(access, ['in_session']);
    if (!(await this.#mayPresent(access, user))) throw new AppError(403, 'forbidden');
    if (input.page > (await this.#pageCount(input.meetingId, input.documentId, input.version))) throw new AppError(400, 'pageOutOfRange', { field: 'page' });
    const set = { presentationDocumentId: input.documentId, presentationVersion: input.version, presentationPage: input.page, presentationZoom: input.zoom ?? 1, presenterUserId: user.id, updatedAt: new Date() };
    return this.#act(
      input.meetingId,
      'presentation',
      async (tx) => {
        await tx.insert(meetingLiveState).values({ meetingId: input.meetingId, ...set }).onConflictDoUpdate({ target: meetingLiveState.meetingId, set });
      },
      (tx) => this.#presentationUpdate(tx, input.meetingId),
    );
  }

  async turnPage(user: SessionUser, input: PresentationPage): Promise<number> {
    const access = await loadAccess(this.#db, input.meetingId, user);
    requireStatus(access, ['in_session']);
    if (!(await this.#mayPresent(access, user))) throw new AppError(403, 'forbidden');
    // The hot path of a meeting: one UPDATE … RETURNING gives the new presentation, no re-read.
    let presentation: Presentation | null = null;
    return this.#act(
      input.meetingId,
      'presentation',
      async (tx) => {
        const [state] = await tx
          .update(meetingLiveState)
          .set({ presentationPage: input.page, ...(input.zoom === undefined ? {} : { presentationZoom: input.zoom }), presenterUserId: user.id, updatedAt: new Date() })
          .where(and(eq(meetingLiveState.meetingId, input.meetingId), isNotNull(meetingLiveState.presentationDocumentId)))
          .returning();
        if (state?.presentationDocumentId == null || state.presentationVersion == null) throw new AppError(409, 'noPresentation');
        const pages = await this.#pageCount(input.meetingId, state.presentationDocumentId, state.presentationVersion, tx);
        if (input.page > pages) throw new AppError(400, 'pageOutOfRange', { field: 'page' }); // rolls the update back
        presentation = { documentId: state.presentationDocumentId, version: state.presentationVersion, page: input.page, zoom: state.presentationZoom ?? 1, presenterUserId: user.id };
      },
      async () => ({ section: 'presentation', value: presentation }),
    );
  }

  async stopPresenting(user: SessionUser, meetingId: string): Promise<number> {
    const access = await loadAccess(this.#db, meetingId, user);
    if (!(await this.#mayPresent(access, user))) throw new AppError(403, 'forbidden');
    return this.#act(
      meetingId,
      'presentation',
      async (tx) => {
        await tx
          .update(meetingLiveState)
          .set({ presentationDocumentId: null, presentationVersion: null, presentationPage: null, presentationZoom: null, presenterUserId: null, updatedAt: new Date() })
          .where(eq(meetingLiveState.meetingId, meetingId));
      },
      (tx) => this.#presentationUpdate(tx, meetingId),
    );
  }

  // — speakers —

  async requestToSpeak(user: SessionUser, meetingId: string, topic: string | null | undefined): Promise<number> {
    const access = await loadAccess(this.#db, meetingId, user);
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
    const access = await loadAccess(this.#db, meetingId, user);
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
    const access = await loadAccess(this.#db, meetingId, user);
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
