/**
 * Conditions on the meetings module's tables for another module's single
 * statement, where a read API call would split one atomic statement in two
 * (the vote storm's insert checks the session and the caster's role in the
 * same statement that writes the ballots). The tables stay this module's:
 * callers get SQL, not the schema.
 */
import { sql, type SQL } from 'drizzle-orm';
import { columnName as id } from '../../db/column-name.ts';
import { meetingParticipants, meetings } from '../../db/schema/meetings.ts';
import type { ParticipantRow } from './participants.ts';

/** True while the meeting is in session. */
export function meetingInSession(meetingId: string): SQL {
  return sql`exists (select 1 from ${meetings} where ${id(meetings.id)} = ${meetingId} and ${id(meetings.status)} = 'in_session')`;
}

/** True when `user` (an SQL expression of a user id) takes part in the meeting now in one of `roles`. */
export function takesPartAs(meetingId: string, user: SQL, roles: readonly ParticipantRow['role'][]): SQL {
  return sql`exists (
    select 1 from ${meetingParticipants}
    where ${id(meetingParticipants.meetingId)} = ${meetingId} and ${id(meetingParticipants.userId)} = ${user}
      and ${id(meetingParticipants.role)}::text = any(${sql.param([...roles])}::text[]))`;
}
