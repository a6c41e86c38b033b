/** What the parts of the votes module share: other modules' read APIs, the database, the keys, the ballot paths and the announcer. */
import { and, eq } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { pollEvents, polls } from '../../db/schema/votes.ts';
import { AppError } from '../../errors.ts';
import type { LiveService } from '../live/index.ts';
import type { MeetingAccess, MeetingService } from '../meetings/index.ts';
import type { UserService } from '../users/index.ts';
import type { BallotKeys } from './ballot-keys.ts';
import type { BallotBox, PollRow } from './ballots.ts';
import type { CastingDesk } from './casting.ts';

/** What votes reads of other modules: the meeting, its roster and agenda, attendance marks, names. */
export type VoteDeps = {
  meetings: Pick<MeetingService, 'access' | 'byId' | 'roster' | 'rolesOf' | 'agendaItem' | 'headline' | 'changeMeeting'>;
  live: Pick<LiveService, 'attendanceOf' | 'guardProxyChanges'>;
  users: Pick<UserService, 'namesById'>;
};

export type VoteContext = VoteDeps & {
  db: Db;
  keys: BallotKeys;
  ballots: BallotBox;
  casting: CastingDesk;
  /** A status change, announced at once. */
  announce(meetingId: string, pollId: string, status: PollRow['status'], cast: number, eligible: number): void;
};

export const runsMeeting = (access: MeetingAccess) => access.canManage || access.myRole === 'chair';

/** One line of the poll's history. */
export function recordEvent(tx: Tx, pollId: string, action: string, userId: string | null, note: string | null = null) {
  return tx.insert(pollEvents).values({ pollId, action, byUserId: userId, note });
}

/** The poll row locked for a change of its status (closing, paper counts, publishing, cancelling, run-off). */
export async function lockPoll(tx: Tx, meetingId: string, pollId: string): Promise<PollRow> {
  const [poll] = await tx.select().from(polls).where(and(eq(polls.id, pollId), eq(polls.meetingId, meetingId))).for('update');
  if (poll === undefined) throw new AppError(404, 'pollNotFound');
  return poll;
}
