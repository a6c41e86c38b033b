/**
 * Who takes part in a meeting, with which meeting role, seat and proxy. Names
 * and units come from the users module (the identity tables are not ours);
 * the list keeps the order the secretariat reads it in: role, seat, name.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { SessionUser } from '../../contract/identity.ts';
import { PARTICIPANT_ROLES, type ParticipantAdd, type ParticipantDto, type ParticipantUpdate } from '../../contract/meetings.ts';
import type { Db, Executor, Tx } from '../../db/client.ts';
import { violatedUniqueIndex } from '../../db/errors.ts';
import { meetingParticipants } from '../../db/schema/meetings.ts';
import { AppError } from '../../errors.ts';
import { byName, type UserService } from '../users/index.ts';
import { assertCanEdit, loadAccess } from './access.ts';

export type ParticipantRow = typeof meetingParticipants.$inferSelect;
/** What the meetings module needs of the users module. */
export type MeetingUsers = Pick<UserService, 'namesById'>;
/** MeetingService.changeMeeting: the one way participants and agenda change a meeting (one transaction, version bumped, announced). */
export type ChangeMeeting = <T>(meetingId: string, change: string, work: (tx: Tx) => Promise<T>) => Promise<T>;

/** Seats in the database's order (text ascending, no seat last), so a JS sort keeps the order SQL gave. */
export function bySeat(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

/** Throws unless the user exists and is active (a participant, proxy or presenter must be able to log in). */
export async function assertActiveUser(users: MeetingUsers, userId: string, field: string): Promise<void> {
  const user = (await users.namesById([userId])).get(userId);
  if (user === undefined) throw new AppError(400, 'userNotFound', { field });
  if (!user.active) throw new AppError(400, 'userInactive', { field });
}

/** The meeting's participants by seat (no seat last): the roster other modules read. */
export function rosterOf(executor: Executor, meetingId: string): Promise<ParticipantRow[]> {
  return executor.select().from(meetingParticipants).where(eq(meetingParticipants.meetingId, meetingId)).orderBy(asc(meetingParticipants.seat));
}

/** The meeting roles of just these users (absent: not a participant); a vote storm's batch asks for its casters, not the whole hall. */
export async function rolesOf(executor: Executor, meetingId: string, userIds: readonly string[]): Promise<Map<string, ParticipantRow['role']>> {
  if (userIds.length === 0) return new Map();
  const rows = await executor
    .select({ userId: meetingParticipants.userId, role: meetingParticipants.role })
    .from(meetingParticipants)
    .where(and(eq(meetingParticipants.meetingId, meetingId), inArray(meetingParticipants.userId, [...new Set(userIds)])));
  return new Map(rows.map((r) => [r.userId, r.role]));
}

export class MeetingParticipants {
  readonly #db: Db;
  readonly #users: MeetingUsers;
  readonly #change: ChangeMeeting;

  constructor(db: Db, users: MeetingUsers, change: ChangeMeeting) {
    this.#db = db;
    this.#users = users;
    this.#change = change;
  }

  async list(user: SessionUser, meetingId: string): Promise<ParticipantDto[]> {
    await loadAccess(this.#db, meetingId, user);
    const rows = await rosterOf(this.#db, meetingId);
    const names = await this.#users.namesById(rows.map((p) => p.userId));
    return rows
      .flatMap((p) => {
        const u = names.get(p.userId);
        return u === undefined ? [] : [{ id: p.id, userId: p.userId, fullName: u.fullName, title: u.title, unitId: u.unitId, role: p.role, seat: p.seat, proxyUserId: p.proxyUserId }];
      })
      .sort((a, b) => PARTICIPANT_ROLES.indexOf(a.role) - PARTICIPANT_ROLES.indexOf(b.role) || bySeat(a.seat, b.seat) || byName(a.fullName, b.fullName));
  }

  async #checkProxy(userId: string, proxyUserId: string | null | undefined): Promise<void> {
    if (proxyUserId == null) return;
    if (proxyUserId === userId) throw new AppError(400, 'proxyIsSelf', { field: 'proxyUserId' });
    await assertActiveUser(this.#users, proxyUserId, 'proxyUserId');
  }

  async add(user: SessionUser, meetingId: string, input: ParticipantAdd): Promise<ParticipantDto> {
    assertCanEdit(await loadAccess(this.#db, meetingId, user));
    await assertActiveUser(this.#users, input.userId, 'userId');
    await this.#checkProxy(input.userId, input.proxyUserId);
    let id: string;
    try {
      id = await this.#change(meetingId, 'participants', async (tx) => {
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
    return (await this.list(user, meetingId)).find((p) => p.id === id)!;
  }

  async update(user: SessionUser, meetingId: string, participantId: string, input: ParticipantUpdate): Promise<ParticipantDto> {
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
    await this.#change(meetingId, 'participants', (tx) => tx.update(meetingParticipants).set(changes).where(eq(meetingParticipants.id, participantId)));
    return (await this.list(user, meetingId)).find((p) => p.id === participantId)!;
  }

  /** Removes a participant; answers whose place it was. */
  async remove(user: SessionUser, meetingId: string, participantId: string): Promise<string> {
    assertCanEdit(await loadAccess(this.#db, meetingId, user));
    const removed = await this.#change(meetingId, 'participants', (tx) =>
      tx
        .delete(meetingParticipants)
        .where(and(eq(meetingParticipants.id, participantId), eq(meetingParticipants.meetingId, meetingId)))
        .returning({ userId: meetingParticipants.userId }),
    );
    if (removed[0] === undefined) throw new AppError(404, 'participantNotFound');
    return removed[0].userId;
  }
}
