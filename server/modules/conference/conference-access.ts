/**
 * Who a user is in a meeting's conference, from the database: the meeting's
 * chair and the secretariat control it; accounts of the meeting's endpoints
 * join as their hall; delegates join with camera and mic; guests watch.
 * Everybody else is told the meeting does not exist (as the meetings module does).
 */
import { and, asc, eq } from 'drizzle-orm';
import type { ConferenceRole, PeerPermissions } from '../../contract/conference-realtime.ts';
import type { SessionUser, UnitLevel } from '../../contract/identity.ts';
import type { ParticipantRole } from '../../contract/meetings.ts';
import type { Db } from '../../db/client.ts';
import { endpointAccounts, endpoints, meetingEndpoints, meetingParticipants, meetings, units } from '../../db/schema/index.ts';
import { AppError } from '../../errors.ts';
import { isSecretariat, type MeetingRow } from '../meetings/access.ts';

export type ConferenceIdentity = {
  userId: string;
  meetingId: string;
  role: ConferenceRole;
  meetingRole: ParticipantRole | null;
  displayName: string;
  level: UnitLevel | null;
  /** the endpoint this account joins as */
  endpointId: string | null;
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

export type MeetingForConference = { meeting: MeetingRow; identity: ConferenceIdentity };

/** Throws meetingNotFound for anybody who has no place in this meeting's conference. */
export async function resolveConferenceIdentity(db: Db, meetingId: string, user: SessionUser): Promise<MeetingForConference> {
  const [row] = await db
    .select({ meeting: meetings, role: meetingParticipants.role })
    .from(meetings)
    .leftJoin(meetingParticipants, and(eq(meetingParticipants.meetingId, meetings.id), eq(meetingParticipants.userId, user.id)))
    .where(eq(meetings.id, meetingId))
    .limit(1);
  if (row === undefined) throw new AppError(404, 'meetingNotFound');
  const meeting = row.meeting;
  const meetingRole = row.role;

  const [hall] = await db
    .select({ id: endpoints.id, name: endpoints.name, level: endpoints.level })
    .from(endpointAccounts)
    .innerJoin(endpoints, eq(endpoints.id, endpointAccounts.endpointId))
    .innerJoin(meetingEndpoints, and(eq(meetingEndpoints.endpointId, endpoints.id), eq(meetingEndpoints.meetingId, meetingId)))
    .where(and(eq(endpointAccounts.userId, user.id), eq(endpoints.active, true)))
    .orderBy(asc(endpoints.level), asc(endpoints.nameSearch))
    .limit(1);

  const secretariat = isSecretariat(user) || meetingRole === 'secretary';
  let role: ConferenceRole;
  if (meetingRole === 'chair' || secretariat) role = 'chair';
  else if (hall !== undefined) role = 'endpoint';
  else if (meetingRole === 'delegate') role = 'delegate';
  else if (meetingRole === 'guest') role = 'guest';
  else throw new AppError(404, 'meetingNotFound');
  // Before publication only the secretariat sees the meeting at all.
  if (meeting.status === 'draft' && !secretariat) throw new AppError(404, 'meetingNotFound');

  let level: UnitLevel | null;
  let displayName: string;
  if (role === 'endpoint' && hall !== undefined) {
    level = hall.level;
    displayName = hall.name;
  } else {
    const [unit] = await db.select({ level: units.level }).from(units).where(eq(units.id, user.unitId)).limit(1);
    level = unit?.level ?? null;
    displayName = user.fullName;
  }
  return {
    meeting,
    identity: {
      userId: user.id,
      meetingId,
      role,
      meetingRole,
      displayName,
      level,
      endpointId: role === 'endpoint' ? (hall?.id ?? null) : null,
      permissions: permissionsFor(role, level),
    },
  };
}
