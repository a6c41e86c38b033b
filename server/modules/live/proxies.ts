/**
 * Who may represent whom (ủy quyền). A proxy lets one member cast another's
 * ballot, so it is the one attendance mark that can change a vote:
 * - only an absent voting member (chair or delegate, not checked in) is
 *   represented, and only by a voting member of this meeting who is present;
 * - someone who represents others stays present until the proxy is moved;
 * - while a poll of the meeting is open no proxy is set, moved or ended
 *   (the votes module tells whether one is open, in the same transaction,
 *   under the meeting's lock that opening a poll also takes). A proxy is
 *   therefore fixed before the represented member could have voted in that
 *   poll, and a member cannot be marked "represented", voted for and marked
 *   back present during a vote.
 */
import type { AttendanceMark } from '../../contract/live.ts';
import type { Tx } from '../../db/client.ts';
import { AppError } from '../../errors.ts';
import type { ParticipantRow } from '../meetings/index.ts';
import { isVotingMember } from './quorum.ts';
import { attendanceRows } from './sections.ts';

/** Tells whether a poll of the meeting is open (registered by the votes module). */
export type OpenPollCheck = (meetingId: string, tx: Tx) => Promise<boolean>;

/** Checks on the roster alone, before the meeting's transaction. */
export function checkProxyRoles(roster: readonly ParticipantRow[], input: AttendanceMark): void {
  if (input.status !== 'proxy') return;
  const role = (userId: string | null | undefined) => roster.find((p) => p.userId === userId)?.role;
  if (!isVotingMember(role(input.userId))) throw new AppError(400, 'proxyNotVoter', { field: 'userId' });
  if (!isVotingMember(role(input.proxyUserId))) throw new AppError(400, 'proxyNotVoter', { field: 'proxyUserId' });
}

/** Checks on the marks as they are in the meeting's transaction (the new mark is `input`). */
export async function checkProxyChange(tx: Tx, input: Pick<AttendanceMark, 'meetingId' | 'userId' | 'status' | 'proxyUserId'>, pollOpen: readonly OpenPollCheck[]): Promise<void> {
  const marks = await attendanceRows(tx, input.meetingId);
  const current = marks.find((m) => m.userId === input.userId);
  const represents = marks.some((m) => m.status === 'proxy' && m.proxyUserId === input.userId);
  const unchanged = current !== undefined && current.status === input.status && (input.status !== 'proxy' || current.proxyUserId === input.proxyUserId);
  const touchesProxy = input.status === 'proxy' || current?.status === 'proxy' || (represents && input.status !== 'present');
  if (!touchesProxy || unchanged) return;
  for (const isOpen of pollOpen) if (await isOpen(input.meetingId, tx)) throw new AppError(409, 'proxyWhilePollOpen');
  if (represents && input.status !== 'present') throw new AppError(409, 'proxyHolderLeaving');
  if (input.status !== 'proxy') return;
  if (current?.status === 'present') throw new AppError(409, 'proxyForPresentMember', { field: 'userId' });
  if (marks.find((m) => m.userId === input.proxyUserId)?.status !== 'present') throw new AppError(409, 'proxyNotPresent', { field: 'proxyUserId' });
}
