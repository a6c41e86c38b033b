/**
 * Who may vote and who is present, from the roster and the marks read in
 * the caller's transaction (which holds the meeting's lock): the quorum by
 * the live module's one definition (voting members; represented members
 * when the meeting counts them). `present` is the base of the "present"
 * threshold: voting members in the hall, plus the represented when their
 * proxies may vote in this poll, i.e. exactly who may cast a ballot.
 */
import type { Tx } from '../../db/client.ts';
import { countAttendance, isVotingMember, type AttendanceCount } from '../live/index.ts';
import type { MeetingAccess } from '../meetings/index.ts';
import type { PollRow } from './ballots.ts';
import type { VoteDeps } from './context.ts';

export async function electorateOf(deps: Pick<VoteDeps, 'meetings' | 'live'>, tx: Tx, access: MeetingAccess, poll: PollRow): Promise<{ eligible: string[]; present: number; quorum: AttendanceCount }> {
  const meetingId = access.meeting.id;
  const [roster, marks] = await Promise.all([deps.meetings.roster(meetingId, tx), deps.live.attendanceOf(meetingId, tx)]);
  const statusOf = new Map(marks.map((m) => [m.userId, m.status]));
  const members = roster.filter((p) => isVotingMember(p.role)).map((p) => ({ userId: p.userId, role: p.role, status: statusOf.get(p.userId) ?? null }));
  const quorum = countAttendance(access.meeting, members);
  const canVote = (status: string | null) => status === 'present' || (poll.allowProxy && status === 'proxy');
  const eligible = (poll.eligibility === 'present' ? members.filter((m) => canVote(m.status)) : members.filter((m) => poll.allowProxy || m.status !== 'proxy')).map((m) => m.userId);
  return { eligible, present: members.filter((m) => canVote(m.status)).length, quorum };
}
