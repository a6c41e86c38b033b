/**
 * What every action of a live meeting shares: who may do what, in which
 * meeting state, and the dependencies the live module reads other modules
 * through (their read APIs, never their tables).
 */
import type { LiveUpdate } from '../../contract/live.ts';
import type { SessionUser } from '../../contract/identity.ts';
import type { MeetingStatus } from '../../contract/meetings.ts';
import type { SQL } from 'drizzle-orm';
import type { Executor, Tx } from '../../db/client.ts';
import { AppError } from '../../errors.ts';
import type { MeetingAccess, MeetingService } from '../meetings/index.ts';
import type { UserService } from '../users/index.ts';
import type { LiveMeetingOwner, LiveState } from './live-meeting.ts';

/** DocumentService's read API (declared here so live names exactly what it uses). */
export type LiveDocuments = {
  /** pages of one version of one of this meeting's documents; null when the meeting has no such document or version */
  pageCount(meetingId: string, documentId: string, version: number, executor?: Executor): Promise<number | null>;
  /** whether this user may read the document (audience, named readers, revocations) */
  mayRead(user: SessionUser, documentId: string): Promise<boolean>;
};

export type LiveDeps = {
  meetings: Pick<MeetingService, 'access' | 'byId' | 'roster' | 'agenda' | 'agendaItem' | 'changeMeetingVersioned' | 'changeMeetingAt' | 'transition'>;
  users: Pick<UserService, 'namesById'>;
  documents: LiveDocuments;
};

export const MEMBER_ROLES = new Set(['chair', 'secretary', 'delegate']);

/** Change labels of live actions (distinct from the meetings module's own, e.g. its 'agenda' edits). */
export type LiveSection = 'attendance' | 'agenda' | 'presentation' | 'speakers';

/** Runs an action in its meeting's queue, in one transaction that bumps the version, and announces the section it read. */
export type Act = (meetingId: string, section: LiveSection, work: (tx: Tx, owner: LiveMeetingOwner) => Promise<void>, read: (tx: Tx) => Promise<LiveUpdate>) => Promise<number>;

/**
 * Runs an action ahead of its commit (LiveService.#actAhead): `plan` turns the
 * owner's state into the update sent at once and the statement that stores
 * it (MeetingService.changeMeetingAt), or null; null: take the ordinary way (`Act`).
 */
export type ActAhead = (meetingId: string, plan: (state: LiveState) => PlannedChange | null) => Promise<number | null>;
export type PlannedChange = { update: LiveUpdate; change: (bumped: SQL) => SQL };

/** The chair runs the meeting; the secretariat may act on the chair's behalf. */
export const runsMeeting = (access: MeetingAccess) => access.canManage || access.myRole === 'chair';

export function requireStatus(access: MeetingAccess, allowed: MeetingStatus[], key: 'meetingNotInSession' | 'meetingNotOpenForCheckIn' = 'meetingNotInSession'): void {
  if (!allowed.includes(access.meeting.status)) throw new AppError(409, key);
}
