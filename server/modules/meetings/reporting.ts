/**
 * The meetings a report counts: not drafts, starting in the period, organised
 * by the unit asked for (or a unit below it) and managed by the caller's
 * office (`managedByOffice`, the one secretariat rule), with who was invited.
 */
import { and, asc, gte, inArray, lt, ne, sql } from 'drizzle-orm';
import type { SessionUser } from '../../contract/identity.ts';
import type { MeetingKind, MeetingStatus, ParticipantRole } from '../../contract/meetings.ts';
import type { Executor } from '../../db/client.ts';
import { meetingParticipants, meetings } from '../../db/schema/meetings.ts';
import { unitsServedFrom } from '../units/index.ts';
import { managedByOffice } from './access.ts';

export type ReportedMeeting = {
  id: string;
  kind: MeetingKind;
  status: MeetingStatus;
  startsAt: Date;
  participants: { userId: string; role: ParticipantRole }[];
};

/** `from` included, `until` excluded (the day after the period's last). */
export async function meetingsForReport(executor: Executor, user: SessionUser, period: { from: Date; until: Date; unitId?: string }): Promise<ReportedMeeting[]> {
  const rows = await executor
    .select({ id: meetings.id, kind: meetings.kind, status: meetings.status, startsAt: meetings.startsAt })
    .from(meetings)
    .where(
      and(
        ne(meetings.status, 'draft'),
        gte(meetings.startsAt, period.from),
        lt(meetings.startsAt, period.until),
        managedByOffice(user),
        period.unitId === undefined ? undefined : sql`${meetings.organizerUnitId} in (${unitsServedFrom(period.unitId)})`,
      ),
    )
    .orderBy(asc(meetings.startsAt));
  if (rows.length === 0) return [];
  const invited = await executor
    .select({ meetingId: meetingParticipants.meetingId, userId: meetingParticipants.userId, role: meetingParticipants.role })
    .from(meetingParticipants)
    .where(inArray(meetingParticipants.meetingId, rows.map((row) => row.id)));
  const byMeeting = new Map<string, ReportedMeeting['participants']>();
  for (const { meetingId, userId, role } of invited) byMeeting.set(meetingId, [...(byMeeting.get(meetingId) ?? []), { userId, role }]);
  return rows.map((row) => ({ ...row, participants: byMeeting.get(row.id) ?? [] }));
}
