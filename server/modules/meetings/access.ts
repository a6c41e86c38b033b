/**
 * Who may see and change a meeting. The secretariat manages it: an admin any
 * meeting, a secretary the meetings organised by the unit they work for or a
 * unit below it (`managedByOffice`, the one rule), and the meeting's own
 * secretary (a participant role). Participants see it once it is published;
 * everybody else is told it does not exist, so ids of other meetings leak
 * nothing.
 */
import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { SessionUser } from '../../contract/identity.ts';
import type { ParticipantRole } from '../../contract/meetings.ts';
import type { Db, Executor } from '../../db/client.ts';
import { meetingParticipants, meetings } from '../../db/schema/meetings.ts';
import { AppError } from '../../errors.ts';
import { unitsServedFrom } from '../units/index.ts';

export type MeetingRow = typeof meetings.$inferSelect;

export type MeetingAccess = {
  meeting: MeetingRow;
  myRole: ParticipantRole | null;
  canManage: boolean;
  canView: boolean;
};

/** Whether the user's global role is one of the secretariat's (what they may manage is `managedByOffice`). */
export const isSecretariat = (user: SessionUser) => user.role === 'admin' || user.role === 'secretary';

/** `managedByOffice` where the global role alone decides it (an admin: every meeting; not the secretariat: none); null for a secretary, whose unit decides. */
export function managedByRole(user: SessionUser): boolean | null {
  if (user.role === 'admin') return true;
  return user.role === 'secretary' ? null : false;
}

/**
 * The secretariat rule, as an SQL condition on an organising unit (the
 * meeting's by default): an admin manages every meeting; a secretary those of
 * their unit and the units below it (a commune secretary never a province
 * meeting); anyone else none by their global role.
 */
export function managedByOffice(user: SessionUser, organizerUnit: SQL | typeof meetings.organizerUnitId = meetings.organizerUnitId): SQL {
  const byRole = managedByRole(user);
  if (byRole !== null) return byRole ? sql`true` : sql`false`;
  return sql`(${organizerUnit} in (${unitsServedFrom(user.unitId)}))`;
}

/** The ids of the meetings the user manages by office, as a subquery (documents reads their documents by it). */
export function meetingsManagedByOffice(user: SessionUser): SQL {
  return sql`select ${meetings.id} from ${meetings} where ${managedByOffice(user)}`;
}

/** Whether the user may organise a meeting for this unit (create one, or move one to it). */
export async function mayOrganizeFor(executor: Executor, user: SessionUser, unitId: string): Promise<boolean> {
  const rows = await executor.execute<{ ok: boolean }>(sql`select ${managedByOffice(user, sql`${unitId}::uuid`)} as ok`);
  return rows[0]?.ok === true;
}

/** `byOffice`: `managedByOffice` evaluated for this meeting (select it beside the row). */
export function accessFor(meeting: MeetingRow, myRole: ParticipantRole | null, byOffice: boolean): MeetingAccess {
  const canManage = byOffice || myRole === 'secretary';
  const canView = canManage || (myRole !== null && meeting.status !== 'draft');
  return { meeting, myRole, canManage, canView };
}

export async function loadAccess(db: Db, meetingId: string, user: SessionUser): Promise<MeetingAccess> {
  const [row] = await db
    .select({ meeting: meetings, role: meetingParticipants.role, byOffice: sql<boolean>`${managedByOffice(user)}` })
    .from(meetings)
    .leftJoin(meetingParticipants, and(eq(meetingParticipants.meetingId, meetings.id), eq(meetingParticipants.userId, user.id)))
    .where(eq(meetings.id, meetingId))
    .limit(1);
  if (row === undefined) throw new AppError(404, 'meetingNotFound');
  const access = accessFor(row.meeting, row.role, row.byOffice);
  if (!access.canView) throw new AppError(404, 'meetingNotFound');
  return access;
}

/** Throws unless the caller may change the meeting and it is not closed. */
export function assertCanEdit(access: MeetingAccess): void {
  if (!access.canManage) throw new AppError(403, 'forbidden');
  if (access.meeting.status === 'closed') throw new AppError(409, 'meetingClosed');
}
