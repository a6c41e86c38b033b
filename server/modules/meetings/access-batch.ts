/**
 * `loadAccess` for questions that come together: when a hall's tablets open
 * the same document at once, each request asks what its user may do in the
 * meeting. The questions are gathered (lib/natural-batch.ts) and each
 * meeting's are answered in one query: the meeting row with the roles of the
 * users asking. A secretary's answer also depends on the units their office
 * serves (`managedByOffice`), a query of its own, so theirs go to `loadAccess`
 * one by one: the secretariat is a handful of people, not the hall.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { SessionUser } from '../../contract/identity.ts';
import type { Db } from '../../db/client.ts';
import { meetingParticipants, meetings } from '../../db/schema/meetings.ts';
import { AppError } from '../../errors.ts';
import { naturalBatch } from '../../lib/natural-batch.ts';
import { accessFor, loadAccess, managedByRole, type MeetingAccess } from './access.ts';

/** Users whose office rule their role alone decides (`byOffice`), asking about one meeting. */
type Question = { user: SessionUser; byOffice: boolean; meetingId: string };

/** Each question's access to one meeting, or the error `loadAccess` would throw. */
async function answerMeeting(db: Db, meetingId: string, questions: readonly Question[]): Promise<(MeetingAccess | AppError)[]> {
  const rows = await db
    .select({ meeting: meetings, userId: meetingParticipants.userId, role: meetingParticipants.role })
    .from(meetings)
    .leftJoin(meetingParticipants, and(eq(meetingParticipants.meetingId, meetings.id), inArray(meetingParticipants.userId, [...new Set(questions.map((q) => q.user.id))])))
    .where(eq(meetings.id, meetingId));
  const meeting = rows[0]?.meeting;
  const roles = new Map(rows.flatMap((r) => (r.userId === null || r.role === null ? [] : [[r.userId.toLowerCase(), r.role] as const])));
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
