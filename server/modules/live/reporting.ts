/** How members were marked in the meetings of a report (a member never marked has no row). */
import { inArray } from 'drizzle-orm';
import type { AttendanceStatus } from '../../contract/live.ts';
import type { Executor } from '../../db/client.ts';
import { attendance } from '../../db/schema/live.ts';

export type ReportedAttendance = { meetingId: string; userId: string; status: AttendanceStatus };

export async function attendanceForReport(executor: Executor, meetingIds: readonly string[]): Promise<ReportedAttendance[]> {
  if (meetingIds.length === 0) return [];
  return executor
    .select({ meetingId: attendance.meetingId, userId: attendance.userId, status: attendance.status })
    .from(attendance)
    .where(inArray(attendance.meetingId, [...meetingIds]));
}
