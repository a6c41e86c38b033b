/**
 * The agenda of a meeting: items in order, each with a planned time and
 * optionally a presenter. Positions run 1..n without gaps; every change goes
 * through the meeting's change (one transaction that bumps its version).
 */
import { and, asc, eq, gte, ne, sql } from 'drizzle-orm';
import type { SessionUser } from '../../contract/identity.ts';
import type { Agenda, AgendaItemCreate, AgendaItemDto, AgendaItemUpdate } from '../../contract/meetings.ts';
import type { Db, Executor } from '../../db/client.ts';
import { agendaItems } from '../../db/schema/meetings.ts';
import { AppError } from '../../errors.ts';
import { assertCanEdit, loadAccess } from './access.ts';
import { assertActiveUser, type ChangeMeeting, type MeetingUsers } from './participants.ts';

export type AgendaItemRow = typeof agendaItems.$inferSelect;

function toAgendaDto(row: AgendaItemRow): AgendaItemDto {
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

/** The meeting's agenda in order (no user check: callers have checked access). */
export function agendaOf(executor: Executor, meetingId: string): Promise<AgendaItemRow[]> {
  return executor.select().from(agendaItems).where(eq(agendaItems.meetingId, meetingId)).orderBy(asc(agendaItems.position));
}

/** One item of the meeting's agenda, or null when the meeting has no such item. */
export async function agendaItemOf(executor: Executor, meetingId: string, itemId: string): Promise<AgendaItemRow | null> {
  const [row] = await executor.select().from(agendaItems).where(and(eq(agendaItems.id, itemId), eq(agendaItems.meetingId, meetingId)));
  return row ?? null;
}

/** What the agenda works with: the pool, people's names (presenters), and the meeting's one way to change. */
export type AgendaDeps = { db: Db; users: MeetingUsers; change: ChangeMeeting };

export class MeetingAgenda {
  readonly #deps: AgendaDeps;

  constructor(deps: AgendaDeps) {
    this.#deps = deps;
  }

  async list(user: SessionUser, meetingId: string): Promise<Agenda> {
    await loadAccess(this.#deps.db, meetingId, user);
    const items = (await agendaOf(this.#deps.db, meetingId)).map(toAgendaDto);
    return { items, totalMinutes: items.reduce((sum, item) => sum + item.plannedMinutes, 0) };
  }

  async add(user: SessionUser, meetingId: string, input: AgendaItemCreate): Promise<AgendaItemDto> {
    assertCanEdit(await loadAccess(this.#deps.db, meetingId, user));
    if (input.presenterUserId != null) await assertActiveUser(this.#deps.users, input.presenterUserId, 'presenterUserId');
    const row = await this.#deps.change(meetingId, 'agenda', async (tx) => {
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

  async update(user: SessionUser, meetingId: string, itemId: string, input: AgendaItemUpdate): Promise<AgendaItemDto> {
    assertCanEdit(await loadAccess(this.#deps.db, meetingId, user));
    if (input.presenterUserId != null) await assertActiveUser(this.#deps.users, input.presenterUserId, 'presenterUserId');
    const changes: Partial<typeof agendaItems.$inferInsert> = {};
    if (input.title !== undefined) changes.title = input.title.trim();
    if (input.presenterUserId !== undefined) changes.presenterUserId = input.presenterUserId;
    if (input.presenterName !== undefined) changes.presenterName = input.presenterName;
    if (input.plannedMinutes !== undefined) changes.plannedMinutes = input.plannedMinutes;
    if (input.description !== undefined) changes.description = input.description;
    const [row] = await this.#deps.change(meetingId, 'agenda', (tx) =>
      tx
        .update(agendaItems)
        .set(changes)
        .where(and(eq(agendaItems.id, itemId), eq(agendaItems.meetingId, meetingId)))
        .returning(),
    );
    if (row === undefined) throw new AppError(404, 'agendaItemNotFound');
    return toAgendaDto(row);
  }

  async remove(user: SessionUser, meetingId: string, itemId: string): Promise<void> {
    assertCanEdit(await loadAccess(this.#deps.db, meetingId, user));
    await this.#deps.change(meetingId, 'agenda', async (tx) => {
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
  async reorder(user: SessionUser, meetingId: string, itemIds: string[]): Promise<AgendaItemDto[]> {
    assertCanEdit(await loadAccess(this.#deps.db, meetingId, user));
    await this.#deps.change(meetingId, 'agenda', async (tx) => {
      const current = await tx.select({ id: agendaItems.id }).from(agendaItems).where(eq(agendaItems.meetingId, meetingId));
      const known = new Set(current.map((c) => c.id));
      if (current.length !== itemIds.length || !itemIds.every((id) => known.has(id))) {
        throw new AppError(400, 'agendaReorderMismatch', { field: 'itemIds' });
      }
      for (const [index, id] of itemIds.entries()) {
        await tx.update(agendaItems).set({ position: index + 1 }).where(eq(agendaItems.id, id));
      }
    });
    return (await this.list(user, meetingId)).items;
  }
}
