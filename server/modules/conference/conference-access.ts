/**
 * Who a user is in a meeting's conference: the meeting's chair and the
 * secretariat control it; accounts of the meeting's endpoints join as their
 * hall; delegates join with camera and mic; guests watch. Everybody else is
 * told the meeting does not exist (as the meetings module does).
 *
 * Meeting access comes from MeetingService.access (the one access check);
 * endpoint accounts are no meeting participants, so for them the meeting is
 * read through the meetings module's headline and the hall from our own tables.
 */
import { and, asc, eq } from 'drizzle-orm';
import type { ConferenceRole, PeerPermissions } from '../../contract/conference-realtime.ts';
import type { SessionUser, UnitLevel } from '../../contract/identity.ts';
import type { MeetingStatus } from '../../contract/meetings.ts';
import type { Db } from '../../db/client.ts';
import { endpointAccounts, endpoints, meetingEndpoints } from '../../db/schema/conference.ts';
import { AppError } from '../../errors.ts';
import type { MeetingService, UnitService } from './deps.ts';

export type ConferenceIdentity = {
  userId: string;
  meetingId: string;
  role: ConferenceRole;
  displayName: string;
  level: UnitLevel | null;
  /** the endpoint this account joins as */
  endpointId: string | null;
  /** the endpoint's unit, else the user's: where placement on media nodes starts */
  unitId: string;
  /** the endpoint's own media node, overriding its unit's */
  mediaNode: string | null;
  permissions: PeerPermissions;
};

/** province hall 30, district 20, commune 10: who keeps quality when bandwidth runs short */
const LEVEL_PRIORITY: Record<UnitLevel, number> = { province: 30, district: 20, commune: 10 };

export function permissionsFor(role: ConferenceRole, level: UnitLevel | null): PeerPermissions {
  switch (role) {
    case 'chair':
      return { canProduceAudio: true, canProduceVideo: true, canShareScreen: true, isChair: true, priority: 30 };
    case 'endpoint':
      return { canProduceAudio: true, canProduceVideo: true, canShareScreen: true, isChair: false, priority: level === null ? 10 : LEVEL_PRIORITY[level] };
    case 'delegate':
      return { canProduceAudio: true, canProduceVideo: true, canShareScreen: false, isChair: false, priority: 15 };
    case 'guest':
      return { canProduceAudio: false, canProduceVideo: false, canShareScreen: false, isChair: false, priority: 1 };
  }
}

/** The little of the meeting the conference needs. */
export type ConferenceMeeting = { id: string; title: string; status: MeetingStatus };

export type MeetingForConference = { meeting: ConferenceMeeting; identity: ConferenceIdentity };

type Hall = { id: string; name: string; level: UnitLevel; unitId: string; mediaNode: string | null };

/** The active endpoint of this meeting this account joins as, if any. */
async function hallOf(db: Db, meetingId: string, userId: string): Promise<Hall | undefined> {
  const [hall] = await db
    .select({ id: endpoints.id, name: endpoints.name, level: endpoints.level, unitId: endpoints.unitId, mediaNode: endpoints.mediaNode })
    .from(endpointAccounts)
    .innerJoin(endpoints, eq(endpoints.id, endpointAccounts.endpointId))
    .innerJoin(meetingEndpoints, and(eq(meetingEndpoints.endpointId, endpoints.id), eq(meetingEndpoints.meetingId, meetingId)))
    .where(and(eq(endpointAccounts.userId, userId), eq(endpoints.active, true)))
    .orderBy(asc(endpoints.level), asc(endpoints.nameSearch))
    .limit(1);
  return hall;
}

const isMeetingNotFound = (error: unknown) => error instanceof AppError && error.key === 'meetingNotFound';

export type ConferenceAccessDeps = { meetings: Pick<MeetingService, 'access' | 'headline'>; units: Pick<UnitService, 'byIds'> };

/** Throws meetingNotFound for anybody who has no place in this meeting's conference. */
export async function resolveConferenceIdentity(db: Db, deps: ConferenceAccessDeps, meetingId: string, user: SessionUser): Promise<MeetingForConference> {
  const access = await deps.meetings.access(user, meetingId).catch((error: unknown) => {
    if (isMeetingNotFound(error)) return null;
    throw error;
  });
  const hall = await hallOf(db, meetingId, user.id);

  let meeting: ConferenceMeeting;
  let role: ConferenceRole;
  if (access !== null) {
    // The meeting's secretary and the secretariat manage it (and see it as a draft).
    meeting = access.meeting;
    if (access.myRole === 'chair' || access.canManage) role = 'chair';
    else if (hall !== undefined) role = 'endpoint';
    else if (access.myRole === 'delegate') role = 'delegate';
    else if (access.myRole === 'guest') role = 'guest';
    else throw new AppError(404, 'meetingNotFound');
  } else {
    // Not a participant who may see it: only an endpoint account of a published meeting gets in.
    const headline = hall === undefined ? null : await deps.meetings.headline(meetingId);
    if (headline === null || headline.status === 'draft') throw new AppError(404, 'meetingNotFound');
    meeting = headline;
    role = 'endpoint';
  }

  let level: UnitLevel | null;
  let displayName: string;
  if (role === 'endpoint' && hall !== undefined) {
    level = hall.level;
    displayName = hall.name;
  } else {
    level = (await deps.units.byIds([user.unitId])).get(user.unitId)?.level ?? null;
    displayName = user.fullName;
  }
  return {
    meeting: { id: meeting.id, title: meeting.title, status: meeting.status },
    identity: {
      userId: user.id,
      meetingId,
      role,
      displayName,
      level,
      endpointId: role === 'endpoint' ? (hall?.id ?? null) : null,
      unitId: role === 'endpoint' && hall !== undefined ? hall.unitId : user.unitId,
      mediaNode: role === 'endpoint' ? (hall?.mediaNode ?? null) : null,
      permissions: permissionsFor(role, level),
    },
  };
}
