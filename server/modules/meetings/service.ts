/**
 * Meetings and their life (draft → published → in session → closed), and the
 * module's one service: participants (participants.ts) and the agenda
 * (agenda.ts) are kept by their own classes behind it. Every change runs in
 * one transaction that also bumps the meeting's version; the domain event
 * goes out after the commit, so nobody hears of a change that was rolled back.
 */
import { and, desc, eq, gte, ilike, inArray, lte, or, sql, type SQL } from 'drizzle-orm';
import type { SessionUser } from '../../contract/identity.ts';
import type {
  Agenda,
  AgendaItemCreate,
  AgendaItemDto,
  AgendaItemUpdate,
  MeetingCreate,
  MeetingDto,
  MeetingListQuery,
  MeetingPage,
  MeetingStatus,
  MeetingUpdate,
  ParticipantAdd,
  ParticipantDto,
  ParticipantUpdate,
} from '../../contract/meetings.ts';
import { DEFAULT_QUORUM } from '../../contract/meetings.ts';
import { foldVietnamese } from '../../contract/text.ts';
import type { Db, Executor, Tx } from '../../db/client.ts';
import { containsFolded } from '../../db/search.ts';
import { executePrepared } from '../../db/prepared.ts';
import { meetingParticipants, meetings } from '../../db/schema/meetings.ts';
import { AppError } from '../../errors.ts';
import { meetingsForReport, type ReportedMeeting } from './reporting.ts';
import type { DomainEvents } from '../../events.ts';
import type { UnitService } from '../units/index.ts';
import { accessBatch } from './access-batch.ts';
import { accessFor, assertCanEdit, isSecretariat, loadAccess, managedByOffice, mayOrganizeFor, type MeetingAccess, type MeetingRow } from './access.ts';
import { agendaItemOf, agendaOf, MeetingAgenda, type AgendaItemRow } from './agenda.ts';
import { MeetingParticipants, rolesOf, rosterOf, type MeetingUsers, type ParticipantRow } from './participants.ts';

const TRANSITIONS: Record<MeetingStatus, MeetingStatus[]> = {
  draft: ['published'],
  published: ['in_session'],
  in_session: ['closed'],
  closed: [],
};

function toMeetingDto(access: MeetingAccess): MeetingDto {
  const m = access.meeting;
  return {
    id: m.id,
    kind: m.kind,
    title: m.title,
    organizerUnitId: m.organizerUnitId,
    startsAt: m.startsAt.toISOString(),
    endsAt: m.endsAt?.toISOString() ?? null,
    location: m.location,
    status: m.status,
    membershipTotal: m.membershipTotal,
    quorum: { numerator: m.quorumNumerator, denominator: m.quorumDenominator },
    proxiesCountForQuorum: m.proxiesCountForQuorum,
    version: m.version,
    publishedAt: m.publishedAt?.toISOString() ?? null,
    myRole: access.myRole,
    canManage: access.canManage,
  };
}

export type { Tx } from '../../db/client.ts';
export type { AgendaItemRow } from './agenda.ts';
/** What the meetings module needs of the units module. */
export type MeetingUnits = Pick<UnitService, 'byIds'>;

/** The little a hall display shows of its meeting. */
export type MeetingHeadline = { id: string; title: string; unitName: string; startsAt: string; location: string | null; status: MeetingStatus };

export class MeetingService {
  readonly #db: Db;
  readonly #events: DomainEvents;
  readonly #units: MeetingUnits;
  readonly #participants: MeetingParticipants;
  readonly #agenda: MeetingAgenda;
  readonly #access: (user: SessionUser, meetingId: string) => Promise<MeetingAccess>;

  constructor(db: Db, events: DomainEvents, deps: { users: MeetingUsers; units: MeetingUnits }) {
    this.#db = db;
    this.#events = events;
    this.#units = deps.units;
    const change = <T>(meetingId: string, what: string, work: (tx: Tx) => Promise<T>) => this.changeMeeting(meetingId, what, work);
    this.#participants = new MeetingParticipants(db, deps.users, change);
    this.#agenda = new MeetingAgenda({ db, users: deps.users, change });
    this.#access = accessBatch(db);
  }

  /**
   * Runs a change in one transaction, bumps the version, and announces it after
   * commit. Public so other modules (documents, live) change a meeting the same way.
   */
  async changeMeeting<T>(meetingId: string, change: string, work: (tx: Tx) => Promise<T>): Promise<T> {
    return (await this.changeMeetingVersioned(meetingId, change, work)).result;
  }

  /**
   * The same, also telling the version the change produced (live updates carry
   * it). `announce: false` when the caller announces the change itself (live
   * sends its sections as live.updated): meeting.changed then tells
   * subscribers only of changes someone else must react to.
   */
  async changeMeetingVersioned<T>(
    meetingId: string,
    change: string,
    work: (tx: Tx, nextVersion: number) => Promise<T>,
    options: { announce?: boolean } = {},
  ): Promise<{ result: T; version: number }> {
    const { result, version } = await this.#db.transaction(async (tx) => {
      // Serialises concurrent changes to one meeting (e.g. two secretaries reordering the agenda).
      const [locked] = await tx.select({ version: meetings.version }).from(meetings).where(eq(meetings.id, meetingId)).for('update');
      if (locked === undefined) throw new AppError(404, 'meetingNotFound');
      const result = await work(tx, locked.version + 1);
      const [bumped] = await tx
        .update(meetings)
        .set({ version: sql`${meetings.version} + 1`, updatedAt: new Date() })
        .where(eq(meetings.id, meetingId))
        .returning({ version: meetings.version });
      return { result, version: bumped!.version };
    });
    if (options.announce !== false) this.#events.emit('meeting.changed', { meetingId, version, change });
    return { result, version };
  }

  /**
   * A change that must produce exactly version `version` (the live module
   * sent it to screens ahead of its commit), made as one statement: its own
   * transaction, one round trip. The version is bumped only if it is still
   * `version - 1`; `change` (an UPDATE of the caller's table, `from` the CTE
   * the callback is given, which has a row only when the bump happened)
   * changes the rest in the same statement, so both happen or neither does.
   * `durable: false`: the commit does not wait for the WAL to reach the disk.
   * 'taken': nothing changed, another change has the version. 'unchanged':
   * the version was bumped but `change` matched no row (a version with no
   * change; harmless, but the caller's assumption was wrong). Announced by the caller.
   */
  async changeMeetingAt(meetingId: string, version: number, change: (bumped: SQL) => SQL, options: { durable: boolean }): Promise<'changed' | 'taken' | 'unchanged'> {
    const commitMode = options.durable ? sql`` : sql`, set_config('synchronous_commit', 'off', true) as commit_mode`;
    // Prepared: a page turn runs this with the same text every time (prepared.ts).
    const [row] = await executePrepared<{ bumped: number; changed: number }>(this.#db, sql`
      with bumped as (
        update ${meetings} set version = ${version}, updated_at = now()
        where ${meetings.id} = ${meetingId} and ${meetings.version} = ${version - 1}
        returning ${meetings.id}
      ), changed as (${change(sql`bumped`)})
      select (select count(*) from bumped)::int as bumped, (select count(*) from changed)::int as changed${commitMode}`);
    if (row === undefined || row.bumped === 0) return 'taken';
    return row.changed === 0 ? 'unchanged' : 'changed';
  }

  /**
   * What this user may do in this meeting; meetingNotFound when they may not
   * see it at all. The one access check every module uses; questions asked
   * at the same moment are answered together (access-batch.ts).
   */
  access(user: SessionUser, meetingId: string): Promise<MeetingAccess> {
    return this.#access(user, meetingId);
  }

  // — read API for other modules (no user check: callers have checked access, or a display's pairing) —

  /** The meeting's row, or null; pass the caller's transaction to read what it sees. */
  async byId(meetingId: string, executor: Executor = this.#db): Promise<MeetingRow | null> {
    const [row] = await executor.select().from(meetings).where(eq(meetings.id, meetingId));
    return row ?? null;
  }

  /** The meetings a report of the caller's office counts (reporting.ts). */
  forReport(user: SessionUser, period: { from: Date; until: Date; unitId?: string }): Promise<ReportedMeeting[]> {
    return meetingsForReport(this.#db, user, period);
  }

  /** Who takes part in the meeting, with meeting role, seat and proxy, by seat (no seat last). */
  roster(meetingId: string, executor: Executor = this.#db): Promise<ParticipantRow[]> {
    return rosterOf(executor, meetingId);
  }

  /** The meeting roles of these users only (a user who takes no part is absent). */
  rolesOf(meetingId: string, userIds: readonly string[], executor: Executor = this.#db): Promise<Map<string, ParticipantRow['role']>> {
    return rolesOf(executor, meetingId, userIds);
  }

  /** The meeting's agenda in order. */
  agenda(meetingId: string, executor: Executor = this.#db): Promise<AgendaItemRow[]> {
    return agendaOf(executor, meetingId);
  }

  /** One item of the meeting's agenda, or null when the meeting has no such item. */
  agendaItem(meetingId: string, itemId: string, executor: Executor = this.#db): Promise<AgendaItemRow | null> {
    return agendaItemOf(executor, meetingId, itemId);
  }

  async #assertUnit(unitId: string): Promise<void> {
    if (!(await this.#units.byIds([unitId])).has(unitId)) throw new AppError(400, 'unitNotFound', { field: 'organizerUnitId' });
  }

  async list(user: SessionUser, query: MeetingListQuery): Promise<MeetingPage> {
    const filters: SQL[] = [];
    if (query.status !== undefined) filters.push(eq(meetings.status, query.status));
    if (query.unitId !== undefined) filters.push(eq(meetings.organizerUnitId, query.unitId));
    if (query.from !== undefined) filters.push(gte(meetings.startsAt, new Date(query.from)));
    if (query.to !== undefined) filters.push(lte(meetings.startsAt, new Date(query.to)));
    if (query.q !== undefined && query.q.trim() !== '') filters.push(ilike(meetings.titleSearch, containsFolded(query.q)));
    // The secretariat sees the meetings it manages by office; others (and it too) the published
    // meetings they take part in, and drafts they are the secretary of.
    const mine = this.#db.select({ id: meetingParticipants.meetingId }).from(meetingParticipants).where(eq(meetingParticipants.userId, user.id));
    filters.push(
      or(
        managedByOffice(user),
        and(
          inArray(meetings.id, mine),
          sql`(${meetings.status} <> 'draft' or exists (select 1 from ${meetingParticipants} p where p.meeting_id = ${meetings.id} and p.user_id = ${user.id} and p.role = 'secretary'))`,
        ),
      )!,
    );
    const where = and(...filters);
    const rows = await this.#db
      .select({ meeting: meetings, role: meetingParticipants.role, byOffice: sql<boolean>`${managedByOffice(user)}` })
      .from(meetings)
      .leftJoin(meetingParticipants, and(eq(meetingParticipants.meetingId, meetings.id), eq(meetingParticipants.userId, user.id)))
      .where(where)
      .orderBy(desc(meetings.startsAt))
      .limit(query.limit ?? 100)
      .offset(query.offset ?? 0);
    const total = await this.#db.$count(meetings, where);
    return { meetings: rows.map((r) => toMeetingDto(accessFor(r.meeting, r.role, r.byOffice))), total };
  }

  async get(user: SessionUser, meetingId: string): Promise<MeetingDto> {
    return toMeetingDto(await loadAccess(this.#db, meetingId, user));
  }

  /**
   * A meeting's headline (title, organiser, time, place, status), or null.
   * No user check: the caller (a paired hall display) has been authorised by
   * its pairing. Read-only, and nothing beyond what the wall shows.
   */
  async headline(meetingId: string): Promise<MeetingHeadline | null> {
    const row = await this.byId(meetingId);
    const unit = row === null ? undefined : (await this.#units.byIds([row.organizerUnitId])).get(row.organizerUnitId);
    if (row === null || unit === undefined) return null;
    return { id: row.id, title: row.title, unitName: unit.name, startsAt: row.startsAt.toISOString(), location: row.location, status: row.status };
  }

  async create(user: SessionUser, input: MeetingCreate): Promise<MeetingDto> {
    if (!isSecretariat(user)) throw new AppError(403, 'forbidden');
    await this.#assertUnit(input.organizerUnitId);
    if (!(await mayOrganizeFor(this.#db, user, input.organizerUnitId))) throw new AppError(403, 'unitOutOfReach', { field: 'organizerUnitId' });
    const startsAt = new Date(input.startsAt);
    const endsAt = input.endsAt == null ? null : new Date(input.endsAt);
    if (endsAt !== null && endsAt <= startsAt) throw new AppError(400, 'endsBeforeStart', { field: 'endsAt' });
    const title = input.title.trim();
    const [row] = await this.#db
      .insert(meetings)
      .values({
        kind: input.kind,
        title,
        titleSearch: foldVietnamese(title),
        organizerUnitId: input.organizerUnitId,
        startsAt,
        endsAt,
        location: input.location ?? null,
        membershipTotal: input.membershipTotal,
        quorumNumerator: (input.quorum ?? DEFAULT_QUORUM[input.kind]).numerator,
        quorumDenominator: (input.quorum ?? DEFAULT_QUORUM[input.kind]).denominator,
        proxiesCountForQuorum: input.proxiesCountForQuorum ?? true,
        createdBy: user.id,
      })
      .returning();
    return toMeetingDto(accessFor(row!, null, true));
  }

  async update(user: SessionUser, meetingId: string, input: MeetingUpdate): Promise<MeetingDto> {
    const access = await loadAccess(this.#db, meetingId, user);
    assertCanEdit(access);
    if (input.organizerUnitId !== undefined && input.organizerUnitId !== access.meeting.organizerUnitId) {
      await this.#assertUnit(input.organizerUnitId);
      if (!(await mayOrganizeFor(this.#db, user, input.organizerUnitId))) throw new AppError(403, 'unitOutOfReach', { field: 'organizerUnitId' });
    }
    const startsAt = input.startsAt === undefined ? access.meeting.startsAt : new Date(input.startsAt);
    const endsAt = input.endsAt === undefined ? access.meeting.endsAt : input.endsAt === null ? null : new Date(input.endsAt);
    if (endsAt !== null && endsAt <= startsAt) throw new AppError(400, 'endsBeforeStart', { field: 'endsAt' });

    const changes: Partial<typeof meetings.$inferInsert> = { startsAt, endsAt };
    if (input.kind !== undefined) changes.kind = input.kind;
    if (input.title !== undefined) {
      changes.title = input.title.trim();
      changes.titleSearch = foldVietnamese(changes.title);
    }
    if (input.organizerUnitId !== undefined) changes.organizerUnitId = input.organizerUnitId;
    if (input.location !== undefined) changes.location = input.location;
    if (input.membershipTotal !== undefined) changes.membershipTotal = input.membershipTotal;
    if (input.quorum !== undefined) {
      changes.quorumNumerator = input.quorum.numerator;
      changes.quorumDenominator = input.quorum.denominator;
    }
    if (input.proxiesCountForQuorum !== undefined) changes.proxiesCountForQuorum = input.proxiesCountForQuorum;
    const row = await this.changeMeeting(meetingId, 'meeting', async (tx) => {
      const [updated] = await tx.update(meetings).set(changes).where(eq(meetings.id, meetingId)).returning();
      return updated!;
    });
    return toMeetingDto({ ...access, meeting: { ...row, version: row.version + 1 } });
  }

  async transition(user: SessionUser, meetingId: string, to: MeetingStatus): Promise<MeetingDto> {
    const access = await loadAccess(this.#db, meetingId, user);
    const from = access.meeting.status;
    // Publishing is the secretariat's; starting and closing the session are also the chair's.
    const allowed = to === 'published' ? access.canManage : access.canManage || access.myRole === 'chair';
    if (!allowed) throw new AppError(403, 'forbidden');
    if (!TRANSITIONS[from].includes(to)) throw new AppError(409, 'badTransition', { params: { from, to } });
    const row = await this.changeMeeting(meetingId, `status:${to}`, async (tx) => {
      const [updated] = await tx
        .update(meetings)
        .set({ status: to, ...(to === 'published' ? { publishedAt: new Date() } : {}) })
        .where(and(eq(meetings.id, meetingId), eq(meetings.status, from)))
        .returning();
      if (updated === undefined) throw new AppError(409, 'badTransition', { params: { from, to } });
      return updated;
    });
    if (to === 'published') {
      const participants = await this.#db
        .select({ userId: meetingParticipants.userId })
        .from(meetingParticipants)
        .where(eq(meetingParticipants.meetingId, meetingId));
      this.#events.emit('meeting.published', { meetingId, title: row.title, participantUserIds: participants.map((p) => p.userId) });
    }
    return toMeetingDto({ ...access, meeting: { ...row, version: row.version + 1 } });
  }

  // — participants —

  listParticipants(user: SessionUser, meetingId: string): Promise<ParticipantDto[]> {
    return this.#participants.list(user, meetingId);
  }

  addParticipant(user: SessionUser, meetingId: string, input: ParticipantAdd): Promise<ParticipantDto> {
    return this.#participants.add(user, meetingId, input);
  }

  updateParticipant(user: SessionUser, meetingId: string, participantId: string, input: ParticipantUpdate): Promise<ParticipantDto> {
    return this.#participants.update(user, meetingId, participantId, input);
  }

  async removeParticipant(user: SessionUser, meetingId: string, participantId: string): Promise<void> {
    const userId = await this.#participants.remove(user, meetingId, participantId);
    // Their open sockets stop following the meeting at once (see the live module).
    this.#events.emit('meeting.participantRemoved', { meetingId, userId });
  }

  // — agenda —

  listAgenda(user: SessionUser, meetingId: string): Promise<Agenda> {
    return this.#agenda.list(user, meetingId);
  }

  addAgendaItem(user: SessionUser, meetingId: string, input: AgendaItemCreate): Promise<AgendaItemDto> {
    return this.#agenda.add(user, meetingId, input);
  }

  updateAgendaItem(user: SessionUser, meetingId: string, itemId: string, input: AgendaItemUpdate): Promise<AgendaItemDto> {
    return this.#agenda.update(user, meetingId, itemId, input);
  }

  removeAgendaItem(user: SessionUser, meetingId: string, itemId: string): Promise<void> {
    return this.#agenda.remove(user, meetingId, itemId);
  }

  /** Sets the whole order at once (drag and drop or keyboard moves send the new list). */
  reorderAgenda(user: SessionUser, meetingId: string, itemIds: string[]): Promise<AgendaItemDto[]> {
    return this.#agenda.reorder(user, meetingId, itemIds);
  }

  // read API for documents

  /** Whether this agenda item belongs to this meeting. */
  async hasAgendaItem(meetingId: string, itemId: string, executor: Db | Tx = this.#db): Promise<boolean> {
    return (await agendaItemOf(executor, meetingId, itemId)) !== null;
  }

  /** Every meeting this user takes part in, with their role and the meeting's status (what search may show them). */
  participations(userId: string, executor: Db | Tx = this.#db): Promise<{ meetingId: string; role: (typeof meetingParticipants.$inferSelect)['role']; status: MeetingStatus }[]> {
    return executor
      .select({ meetingId: meetingParticipants.meetingId, role: meetingParticipants.role, status: meetings.status })
      .from(meetingParticipants)
      .innerJoin(meetings, eq(meetings.id, meetingParticipants.meetingId))
      .where(eq(meetingParticipants.userId, userId));
  }

  /** Meetings' titles by id (ids that do not exist are left out). */
  async titlesById(ids: readonly string[], executor: Db | Tx = this.#db): Promise<Map<string, string>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const rows = await executor.select({ id: meetings.id, title: meetings.title }).from(meetings).where(inArray(meetings.id, unique));
    return new Map(rows.map((row) => [row.id, row.title]));
  }

  // read API for conference

  /** Title, status and start of these meetings (unknown ids left out). No user check: the caller has authorised (an endpoint's account). */
  async summariesByIds(ids: readonly string[]): Promise<{ id: string; title: string; status: MeetingStatus; startsAt: Date }[]> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return [];
    return this.#db.select({ id: meetings.id, title: meetings.title, status: meetings.status, startsAt: meetings.startsAt }).from(meetings).where(inArray(meetings.id, unique));
  }
}
