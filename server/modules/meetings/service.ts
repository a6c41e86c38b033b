/**
 * Meetings, participants and agenda. Every change runs in one transaction
 * that also bumps the meeting's version; the domain event goes out after the
 * commit, so nobody hears of a change that was rolled back.
 */
import { and, asc, desc, eq, gte, ilike, inArray, lte, ne, sql, type SQL } from 'drizzle-orm';
import type { SessionUser } from '../../contract/identity.ts';
import type {
  AgendaItemCreate,
  AgendaItemDto,
  AgendaItemUpdate,
  MeetingCreate,
  MeetingDto,
  MeetingListQuery,
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
import { agendaItems, meetingParticipants, meetings } from '../../db/schema/meetings.ts';
import { AppError } from '../../errors.ts';
import type { DomainEvents } from '../../events.ts';
import type { UnitService } from '../units/index.ts';
import { accessFor, assertCanEdit, isSecretariat, loadAccess, type MeetingAccess, type MeetingRow } from './access.ts';
import { assertActiveUser, MeetingParticipants, rosterOf, type MeetingUsers, type ParticipantRow } from './participants.ts';

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

function toAgendaDto(row: typeof agendaItems.$inferSelect): AgendaItemDto {
  return {
    id: row.id,
    position: row.position,
    title: row.title,
    presenterUserId: row.presenterUserId,
    presenterName: row.presenterName,
    plannedMinutes: row.plannedMinutes,
    description: row.description,
  };
}

export type { Tx } from '../../db/client.ts';

export type AgendaItemRow = typeof agendaItems.$inferSelect;
/** What the meetings module needs of the units module. */
export type MeetingUnits = Pick<UnitService, 'byIds'>;

/** The little a hall display shows of its meeting. */
export type MeetingHeadline = { id: string; title: string; unitName: string; startsAt: string; location: string | null; status: MeetingStatus };

export class MeetingService {
  readonly #db: Db;
  readonly #events: DomainEvents;
  readonly #users: MeetingUsers;
  readonly #units: MeetingUnits;
  readonly #participants: MeetingParticipants;

  constructor(db: Db, events: DomainEvents, deps: { users: MeetingUsers; units: MeetingUnits }) {
    this.#db = db;
    this.#events = events;
    this.#users = deps.users;
    this.#units = deps.units;
    this.#participants = new MeetingParticipants(db, deps.users, (meetingId, change, work) => this.changeMeeting(meetingId, change, work));
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
   * What this user may do in this meeting; meetingNotFound when they may not
   * see it at all. The one access check every module uses.
   */
  access(user: SessionUser, meetingId: string): Promise<MeetingAccess> {
    return loadAccess(this.#db, meetingId, user);
  }

  // — read API for other modules (no user check: callers have checked access, or a display's pairing) —

  /** The meeting's row, or null; pass the caller's transaction to read what it sees. */
  async byId(meetingId: string, executor: Executor = this.#db): Promise<MeetingRow | null> {
    const [row] = await executor.select().from(meetings).where(eq(meetings.id, meetingId));
    return row ?? null;
  }

  /** Who takes part in the meeting, with meeting role, seat and proxy, by seat (no seat last). */
  roster(meetingId: string, executor: Executor = this.#db): Promise<ParticipantRow[]> {
    return rosterOf(executor, meetingId);
  }

  /** The meeting's agenda in order. */
  agenda(meetingId: string, executor: Executor = this.#db): Promise<AgendaItemRow[]> {
    return executor.select().from(agendaItems).where(eq(agendaItems.meetingId, meetingId)).orderBy(asc(agendaItems.position));
  }

  /** One item of the meeting's agenda, or null when the meeting has no such item. */
  async agendaItem(meetingId: string, itemId: string, executor: Executor = this.#db): Promise<AgendaItemRow | null> {
    const [row] = await executor.select().from(agendaItems).where(and(eq(agendaItems.id, itemId), eq(agendaItems.meetingId, meetingId)));
    return row ?? null;
  }

  async #assertUnit(unitId: string): Promise<void> {
    if (!(await this.#units.byIds([unitId])).has(unitId)) throw new AppError(400, 'unitNotFound', { field: 'organizerUnitId' });
  }

  async list(user: SessionUser, query: MeetingListQuery): Promise<{ meetings: MeetingDto[]; total: number }> {
    const filters: SQL[] = [];
    if (query.status !== undefined) filters.push(eq(meetings.status, query.status));
    if (query.unitId !== undefined) filters.push(eq(meetings.organizerUnitId, query.unitId));
    if (query.from !== undefined) filters.push(gte(meetings.startsAt, new Date(query.from)));
    if (query.to !== undefined) filters.push(lte(meetings.startsAt, new Date(query.to)));
    if (query.q !== undefined && query.q.trim() !== '') filters.push(ilike(meetings.titleSearch, containsFolded(query.q)));
    if (!isSecretariat(user)) {
      // Others see the published meetings they take part in, and drafts they are the secretary of.
      const mine = this.#db.select({ id: meetingParticipants.meetingId }).from(meetingParticipants).where(eq(meetingParticipants.userId, user.id));
      filters.push(inArray(meetings.id, mine));
      filters.push(
        sql`(${meetings.status} <> 'draft' or exists (select 1 from ${meetingParticipants} p where p.meeting_id = ${meetings.id} and p.user_id = ${user.id} and p.role = 'secretary'))`,
      );
    }
    const where = filters.length === 0 ? undefined : and(...filters);
    const rows = await this.#db
      .select({ meeting: meetings, role: meetingParticipants.role })
      .from(meetings)
      .leftJoin(meetingParticipants, and(eq(meetingParticipants.meetingId, meetings.id), eq(meetingParticipants.userId, user.id)))
      .where(where)
      .orderBy(desc(meetings.startsAt))
      .limit(query.limit ?? 100)
      .offset(query.offset ?? 0);
    const total = await this.#db.$count(meetings, where);
    return { meetings: rows.map((r) => toMeetingDto(accessFor(r.meeting, user, r.role))), total };
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
    return toMeetingDto(accessFor(row!, user, null));
  }

  async update(user: SessionUser, meetingId: string, input: MeetingUpdate): Promise<MeetingDto> {
    const access = await loadAccess(this.#db, meetingId, user);
    assertCanEdit(access);
    if (input.organizerUnitId !== undefined) await this.#assertUnit(input.organizerUnitId);
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

  async listAgenda(user: SessionUser, meetingId: string): Promise<{ items: AgendaItemDto[]; totalMinutes: number }> {
    await loadAccess(this.#db, meetingId, user);
    const rows = await this.#db.select().from(agendaItems).where(eq(agendaItems.meetingId, meetingId)).orderBy(asc(agendaItems.position));
    const items = rows.map(toAgendaDto);
    return { items, totalMinutes: items.reduce((sum, item) => sum + item.plannedMinutes, 0) };
  }

  async addAgendaItem(user: SessionUser, meetingId: string, input: AgendaItemCreate): Promise<AgendaItemDto> {
    assertCanEdit(await loadAccess(this.#db, meetingId, user));
    if (input.presenterUserId != null) await assertActiveUser(this.#users, input.presenterUserId, 'presenterUserId');
    const row = await this.changeMeeting(meetingId, 'agenda', async (tx) => {
      const [last] = await tx
        .select({ max: sql<number>`coalesce(max(${agendaItems.position}), 0)::int` })
        .from(agendaItems)
        .where(eq(agendaItems.meetingId, meetingId));
      const [created] = await tx
        .insert(agendaItems)
        .values({
          meetingId,
          position: (last?.max ?? 0) + 1,
          title: input.title.trim(),
          presenterUserId: input.presenterUserId ?? null,
          presenterName: input.presenterName ?? null,
          plannedMinutes: input.plannedMinutes,
          description: input.description ?? null,
        })
        .returning();
      return created!;
    });
    return toAgendaDto(row);
  }

  async updateAgendaItem(user: SessionUser, meetingId: string, itemId: string, input: AgendaItemUpdate): Promise<AgendaItemDto> {
    assertCanEdit(await loadAccess(this.#db, meetingId, user));
    if (input.presenterUserId != null) await assertActiveUser(this.#users, input.presenterUserId, 'presenterUserId');
    const changes: Partial<typeof agendaItems.$inferInsert> = {};
    if (input.title !== undefined) changes.title = input.title.trim();
    if (input.presenterUserId !== undefined) changes.presenterUserId = input.presenterUserId;
    if (input.presenterName !== undefined) changes.presenterName = input.presenterName;
    if (input.plannedMinutes !== undefined) changes.plannedMinutes = input.plannedMinutes;
    if (input.description !== undefined) changes.description = input.description;
    const [row] = await this.changeMeeting(meetingId, 'agenda', (tx) =>
      tx
        .update(agendaItems)
        .set(changes)
        .where(and(eq(agendaItems.id, itemId), eq(agendaItems.meetingId, meetingId)))
        .returning(),
    );
    if (row === undefined) throw new AppError(404, 'agendaItemNotFound');
    return toAgendaDto(row);
  }

  async removeAgendaItem(user: SessionUser, meetingId: string, itemId: string): Promise<void> {
    assertCanEdit(await loadAccess(this.#db, meetingId, user));
    await this.changeMeeting(meetingId, 'agenda', async (tx) => {
      const [removed] = await tx
        .delete(agendaItems)
        .where(and(eq(agendaItems.id, itemId), eq(agendaItems.meetingId, meetingId)))
        .returning({ position: agendaItems.position });
      if (removed === undefined) throw new AppError(404, 'agendaItemNotFound');
      await tx
        .update(agendaItems)
        .set({ position: sql`${agendaItems.position} - 1` })
        .where(and(eq(agendaItems.meetingId, meetingId), gte(agendaItems.position, removed.position), ne(agendaItems.id, itemId)));
    });
  }

  /** Sets the whole order at once (drag and drop or keyboard moves send the new list). */
  async reorderAgenda(user: SessionUser, meetingId: string, itemIds: string[]): Promise<AgendaItemDto[]> {
    assertCanEdit(await loadAccess(this.#db, meetingId, user));
    await this.changeMeeting(meetingId, 'agenda', async (tx) => {
      const current = await tx.select({ id: agendaItems.id }).from(agendaItems).where(eq(agendaItems.meetingId, meetingId));
      const known = new Set(current.map((c) => c.id));
      if (current.length !== itemIds.length || !itemIds.every((id) => known.has(id))) {
        throw new AppError(400, 'agendaReorderMismatch', { field: 'itemIds' });
      }
      for (const [index, id] of itemIds.entries()) {
        await tx.update(agendaItems).set({ position: index + 1 }).where(eq(agendaItems.id, id));
      }
    });
    return (await this.listAgenda(user, meetingId)).items;
  }

  // read API for documents

  /** Whether this agenda item belongs to this meeting. */
  async hasAgendaItem(meetingId: string, itemId: string, executor: Db | Tx = this.#db): Promise<boolean> {
    const [row] = await executor.select({ id: agendaItems.id }).from(agendaItems).where(and(eq(agendaItems.id, itemId), eq(agendaItems.meetingId, meetingId))).limit(1);
    return row !== undefined;
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
