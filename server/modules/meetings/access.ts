/**
 * Who may see and change a meeting. The secretariat (global admin or
 * secretary, or the meeting's own secretary) manages it; participants see it
 * once it is published; everybody else is told it does not exist, so ids of
 * other meetings leak nothing.
 */
import { and, eq } from 'drizzle-orm';
import type { SessionUser } from '../../contract/identity.ts';
import type { ParticipantRole } from '../../contract/meetings.ts';
import type { Db } from '../../db/client.ts';
import { meetingParticipants, meetings } from '../../db/schema/meetings.ts';
import { AppError } from '../../errors.ts';

export type MeetingRow = typeof meetings.$inferSelect;

export type MeetingAccess = {
  meeting: MeetingRow;
  myRole: ParticipantRole | null;
  canManage: boolean;
  canView: boolean;
};

export const isSecretariat = (user: SessionUser) => user.role === 'admin' || user.role === 'secretary';

export function accessFor(meeting: MeetingRow, user: SessionUser, myRole: ParticipantRole | null): MeetingAccess {
  const canManage = isSecretariat(user) || myRole === 'secretary';
  const canView = canManage || (myRole !== null && meeting.status !== 'draft');
  return { meeting, myRole, canManage, canView };
}

export async function loadAccess(db: Db, meetingId: string, user: SessionUser): Promise<MeetingAccess> {
  const [row] = await db
    .select({ meeting: meetings, role: meetingParticipants.role })
    .from(meetings)
    .leftJoin(meetingParticipants, and(eq(meetingParticipants.meetingId, meetings.id), eq(meetingParticipants.userId, user.id)))
    .where(eq(meetings.id, meetingId))
    .limit(1);
  if (row === undefined) throw new AppError(404, 'meetingNotFound');
  const access = accessFor(row.meeting, user, row.role);
  if (!access.canView) throw new AppError(404, 'meetingNotFound');
  return access;
}

/** Throws unless the caller may change the meeting and it is not closed. */
export function assertCanEdit(access: MeetingAccess): void {
  if (!access.canManage) throw new AppError(403, 'forbidden');
  if (access.meeting.status === 'closed') throw new AppError(409, 'meetingClosed');
}
