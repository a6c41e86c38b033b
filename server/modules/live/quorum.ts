/**
 * Who counts toward attendance and the quorum: one definition for every
 * screen (the live snapshot) and for the votes module's checks (opening a
 * poll, paper counts). Voting members are the chair and the delegates; the
 * secretariat and guests never count, whether or not they check in. A member
 * represented by a proxy counts toward the quorum only when the meeting says
 * so (`proxiesCountForQuorum`): some bodies' rules count attendance in person.
 */
import type { AttendanceStatus } from '../../contract/live.ts';
import type { ParticipantRole } from '../../contract/meetings.ts';

/** Chair and delegates: those who vote and count toward the quorum. */
export const VOTING_ROLES: readonly ParticipantRole[] = ['chair', 'delegate'];

/** Whether a role (or none: not a participant) votes. */
export const isVotingMember = (role: string | null | undefined): boolean => role != null && (VOTING_ROLES as readonly string[]).includes(role);

export function quorumRequired(membershipTotal: number, numerator: number, denominator: number): number {
  return Math.ceil((membershipTotal * numerator) / denominator);
}

export type QuorumRule = { membershipTotal: number; quorumNumerator: number; quorumDenominator: number; proxiesCountForQuorum: boolean };

export type AttendanceCount = {
  /** voting members checked in (present in the hall) */
  inPerson: number;
  /** voting members represented by a proxy */
  represented: number;
  /** voting members counted toward the quorum: in person, plus the represented when the meeting counts them */
  present: number;
  required: number;
  met: boolean;
};

/** Counts a roster's marks; anyone who is not a voting member is ignored. */
export function countAttendance(rule: QuorumRule, people: { role: string; status: AttendanceStatus | null }[]): AttendanceCount {
  const members = people.filter((p) => isVotingMember(p.role));
  const inPerson = members.filter((p) => p.status === 'present').length;
  const represented = members.filter((p) => p.status === 'proxy').length;
  const present = inPerson + (rule.proxiesCountForQuorum ? represented : 0);
  const required = quorumRequired(rule.membershipTotal, rule.quorumNumerator, rule.quorumDenominator);
  return { inPerson, represented, present, required, met: present >= required };
}
