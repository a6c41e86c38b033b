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
import type { Db, Tx } from '../../db/client.ts';
import { violatedUniqueIndex } from '../../db/errors.ts';
import { containsFolded } from '../../db/search.ts';
import { agendaItems, meetingParticipants, meetings, units, users } from '../../db/schema/index.ts';
import { AppError } from '../../errors.ts';
import type { DomainEvents } from '../../events.ts';
import { accessFor, assertCanEdit, isSecretariat, loadAccess, type MeetingAccess } from './access.ts';

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

/** The little a hall display shows of its meeting. */
export type MeetingHeadline = { id: string; title: string; unitName: string; startsAt: string; location: string | null; status: MeetingStatus };

export class MeetingService {
  readonly #db: Db;
  readonly #events: DomainEvents;

  constructor(db: Db, events: DomainEvents) {
    this.#db = db;
    this.#events = events;
  }

  /**
   * Runs a change in one transaction, bumps the version, and announces it after
   * commit. Public so other modules (documents, live) change a meeting the same way.
   */
  async changeMeeting<T>(meetingId: string, change: string, work: (tx: Tx) => Promise<T>): Promise<T> {
    return (await this.changeMeetingVersioned(meetingId, change, work)).result;
  }

  /** The same, also telling the version the change produced (live updates carry it). */
  async changeMeetingVersioned<T>(meetingId: string, change: string, work: (tx: Tx, nextVersion: number) => Promise<T>): Promise<{ result: T; version: number }> {
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
    this.#events.emit('meeting.changed', { meetingId, version, change });
    return { result, version };
  }

  /**
   * What this user may do in this meeting; meetingNotFound when they may not
   * see it at all. The one access check every module uses.
   */
  access(user: SessionUser, meetingId: string): Promise<MeetingAccess> {
    return loadAccess(this.#db, meetingId, user);
  }

  async #assertUnit(unitId: string): Promise<void> {
    const [unit] = await this.#db.select({ id: units.id }).from(units).where(eq(units.id, unitId)).limit(1);
    if (unit === undefined) throw new AppError(400, 'unitNotFound', { field: 'organizerUnitId' });
  }

  async #assertActiveUser(userId: string, field: string): Promise<void> {
    const [user] = await this.#db.select({ active: users.active }).from(users).where(eq(users.id, userId)).limit(1);
    if (user === undefined) throw new AppError(400, 'userNotFound', { field });
    if (!user.active) throw new AppError(400, 'userInactive', { field });
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
    const [row] = await this.#db
      .select({ id: meetings.id, title: meetings.title, unitName: units.name, startsAt: meetings.startsAt, location: meetings.location, status: meetings.status })
      .from(meetings)
      .innerJoin(units, eq(units.id, meetings.organizerUnitId))
      .where(eq(meetings.id, meetingId))
      .limit(1);
    return row === undefined ? null : { ...row, startsAt: row.startsAt.toISOString() };
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

  async listParticipants(user: SessionUser, meetingId: string): Promise<ParticipantDto[]> {
    await loadAccess(this.#db, meetingId, user);
    const rows = await this.#db
      .select({ p: meetingParticipants, u: users })
      .from(meetingParticipants)
      .innerJoin(users, eq(users.id, meetingParticipants.userId))
      .where(eq(meetingParticipants.meetingId, meetingId))
      .orderBy(asc(meetingParticipants.role), asc(meetingParticipants.seat), asc(users.fullNameSearch));
    return rows.map(({ p, u }) => ({
      id: p.id,
      userId: p.userId,
      fullName: u.fullName,
      title: u.title,
      unitId: u.unitId,
      role: p.role,
      seat: p.seat,
      proxyUserId: p.proxyUserId,
    }));
  }

  async #checkProxy(userId: string, proxyUserId: string | null | undefined): Promise<void> {
    if (proxyUserId == null) return;
    if (proxyUserId === userId) throw new AppError(400, 'proxyIsSelf', { field: 'proxyUserId' });
    await this.#assertActiveUser(proxyUserId, 'proxyUserId');
  }

  async addParticipant(user: SessionUser, meetingId: string, input: ParticipantAdd): Promise<ParticipantDto> {
    assertCanEdit(await loadAccess(this.#db, meetingId, user));
    await this.#assertActiveUser(input.userId, 'userId');
    await this.#checkProxy(input.userId, input.proxyUserId);
    let id: string;
    try {
      id = await this.changeMeeting(meetingId, 'participants', async (tx) => {
        const [row] = await tx
          .insert(meetingParticipants)
          .values({ meetingId, userId: input.userId, role: input.role, seat: input.seat ?? null, proxyUserId: input.proxyUserId ?? null })
          .returning({ id: meetingParticipants.id });
        return row!.id;
      });
    } catch (error) {
      if (violatedUniqueIndex(error) !== undefined) throw new AppError(409, 'participantExists', { field: 'userId' });
      throw error;
    }
    return (await this.listParticipants(user, meetingId)).find((p) => p.id === id)!;
  }

  async updateParticipant(user: SessionUser, meetingId: string, participantId: string, input: ParticipantUpdate): Promise<ParticipantDto> {
    assertCanEdit(await loadAccess(this.#db, meetingId, user));
    const [existing] = await this.#db
      .select()
      .from(meetingParticipants)
      .where(and(eq(meetingParticipants.id, participantId), eq(meetingParticipants.meetingId, meetingId)))
      .limit(1);
    if (existing === undefined) throw new AppError(404, 'participantNotFound');
    await this.#checkProxy(existing.userId, input.proxyUserId);
    const changes: Partial<typeof meetingParticipants.$inferInsert> = {};
    if (input.role !== undefined) changes.role = input.role;
    if (input.seat !== undefined) changes.seat = input.seat;
    if (input.proxyUserId !== undefined) changes.proxyUserId = input.proxyUserId;
    await this.changeMeeting(meetingId, 'participants', (tx) => tx.update(meetingParticipants).set(changes).where(eq(meetingParticipants.id, participantId)));
    return (await this.listParticipants(user, meetingId)).find((p) => p.id === participantId)!;
  }

  async removeParticipant(user: SessionUser, meetingId: string, participantId: string): Promise<void> {
    assertCanEdit(await loadAccess(this.#db, meetingId, user));
    const removed = await this.changeMeeting(meetingId, 'participants', (tx) =>
      tx
        .delete(meetingParticipants)
        .where(and(eq(meetingParticipants.id, participantId), eq(meetingParticipants.meetingId, meetingId)))
        .returning({ id: meetingParticipants.id }),
    );
    if (removed.length === 0) throw new AppError(404, 'participantNotFound');
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
    if (input.presenterUserId != null) await this.#assertActiveUser(input.presenterUserId, 'presenterUserId');
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
    if (input.presenterUserId != null) await this.#assertActiveUser(input.presenterUserId, 'presenterUserId');
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

  // read API for conference

  /** Title, status and start of these meetings (unknown ids left out). No user check: the caller has authorised (an endpoint's account). */
  async summariesByIds(ids: readonly string[]): Promise<{ id: string; title: string; status: MeetingStatus; startsAt: Date }[]> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return [];
    return this.#db.select({ id: meetings.id, title: meetings.title, status: meetings.status, startsAt: meetings.startsAt }).from(meetings).where(inArray(meetings.id, unique));
  }
}
