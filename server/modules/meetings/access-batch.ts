/**
 * `loadAccess` for questions that come together: when a hall's tablets open
 * the same document at once, each request asks what its user may do in the
 * meeting. The questions are gathered (lib/natural-batch.ts) and each
 * meeting's are answered in one query: the meeting row with the roles of the
 * users asking. A secretary's answer also depends on the units their office
 * serves (`managedByOffice`), a query of its own, so theirs go to `loadAccess`
 * one by one: the secretariat is a handful of people, not the hall.
 */
import { eq, sql } from 'drizzle-orm';
import type { SessionUser } from '../../contract/identity.ts';
import type { ParticipantRole } from '../../contract/meetings.ts';
import type { Db } from '../../db/client.ts';
import { columnName as id } from '../../db/column-name.ts';
import { meetingParticipants, meetings } from '../../db/schema/meetings.ts';
import { AppError } from '../../errors.ts';
import { naturalBatch } from '../../lib/natural-batch.ts';
import { accessFor, loadAccess, managedByRole, type MeetingAccess } from './access.ts';

/** Users whose office rule their role alone decides (`byOffice`), asking about one meeting. */
type Question = { user: SessionUser; byOffice: boolean; meetingId: string };

/** Each question's access to one meeting, or the error `loadAccess` would throw. */
async function answerMeeting(db: Db, meetingId: string, questions: readonly Question[]): Promise<(MeetingAccess | AppError)[]> {
  // The users as one array parameter (the same statement text however many ask) and the meeting row once, with
  // the roles of those of them taking part as [user id, role] pairs.
  const userIds = [...new Set(questions.map((q) => q.user.id))];
  const [row] = await db
    .select({
      meeting: meetings,
      // Names spelled out: in a one-table select drizzle leaves columns unqualified, and "id" would be the participant's.
      roles: sql<[string, ParticipantRole][]>`(
        select coalesce(json_agg(json_build_array(p.${id(meetingParticipants.userId)}, p.${id(meetingParticipants.role)})), '[]'::json)
        from ${meetingParticipants} p
        where p.${id(meetingParticipants.meetingId)} = ${meetings}.${id(meetings.id)} and p.${id(meetingParticipants.userId)} = any(${sql.param(userIds)}::uuid[]))`,
    })
    .from(meetings)
    .where(eq(meetings.id, meetingId));
  const meeting = row?.meeting;
  const roles = new Map((row?.roles ?? []).map(([userId, role]) => [userId.toLowerCase(), role]));
  return questions.map(({ user, byOffice }) => {
    if (meeting === undefined) return new AppError(404, 'meetingNotFound');
    const access = accessFor(meeting, roles.get(user.id.toLowerCase()) ?? null, byOffice);
    return access.canView ? access : new AppError(404, 'meetingNotFound');
  });
}

export function accessBatch(db: Db): (user: SessionUser, meetingId: string) => Promise<MeetingAccess> {
  const gathered = naturalBatch<Question, MeetingAccess>(
    async (questions) => {
      // Each question answered for itself (two questions of one user may carry different roles: a change between them).
      const answers = new Map<Question, MeetingAccess | AppError>();
      await Promise.all(
        [...Map.groupBy(questions, (q) => q.meetingId)].map(async ([meetingId, asked]) => {
          const answered = await answerMeeting(db, meetingId, asked);
          asked.forEach((q, i) => answers.set(q, answered[i]!));
        }),
      );
      return questions.map((q) => answers.get(q)!);
    },
    { concurrency: 2 },
  );
  return (user, meetingId) => {
    const byOffice = managedByRole(user);
    return byOffice === null ? loadAccess(db, meetingId, user) : gathered({ user, byOffice, meetingId });
  };
}
