/**
 * The live meeting over Socket.io: the snapshot a tablet, console or display
 * starts from, the named actions that change it, and the updates that follow.
 * Every update carries the meeting's version; a client that sees a gap (or
 * reconnects) asks for a fresh snapshot instead of trusting message order.
 */
import Type, { type Static } from 'typebox';
import { Nullable, Uuid } from './common.ts';
import { MEETING_STATUSES, PARTICIPANT_ROLES } from './meetings.ts';

export const ATTENDANCE_STATUSES = ['present', 'absent', 'proxy'] as const;
export type AttendanceStatus = (typeof ATTENDANCE_STATUSES)[number];

// — snapshot sections —

export const AttendanceEntry = Type.Object({
  userId: Uuid,
  fullName: Type.String(),
  role: Type.Enum(PARTICIPANT_ROLES),
  seat: Nullable(Type.String()),
  /** null: not checked in yet */
  status: Nullable(Type.Enum(ATTENDANCE_STATUSES)),
  reason: Nullable(Type.String()),
  proxyUserId: Nullable(Uuid),
});
export type AttendanceEntry = Static<typeof AttendanceEntry>;

export const AttendanceSummary = Type.Object({
  entries: Type.Array(AttendanceEntry),
  /** voting members (chair, delegates) counted toward the quorum: in person, plus those represented when the meeting counts them */
  present: Type.Integer(),
  /** voting members represented by a proxy (counted in `present` only when `proxiesCountForQuorum`) */
  represented: Type.Integer(),
  proxiesCountForQuorum: Type.Boolean(),
  membershipTotal: Type.Integer(),
  quorumRequired: Type.Integer(),
  quorumMet: Type.Boolean(),
});
export type AttendanceSummary = Static<typeof AttendanceSummary>;

export const AgendaProgress = Type.Object({
  currentItemId: Nullable(Uuid),
  /** per item: milliseconds of its finished runs, and since when it is open now (screens add now − openSince) */
  items: Type.Array(Type.Object({ itemId: Uuid, title: Type.String(), position: Type.Integer(), plannedMinutes: Type.Integer(), elapsedMs: Type.Integer(), openSince: Nullable(Type.String()) })),
});
export type AgendaProgress = Static<typeof AgendaProgress>;

export const Presentation = Type.Object({
  documentId: Uuid,
  version: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }),
  page: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }),
  zoom: Type.Number({ minimum: 0.25, maximum: 8 }),
  presenterUserId: Uuid,
});
export type Presentation = Static<typeof Presentation>;

export const SpeakerEntry = Type.Object({
  id: Uuid,
  userId: Uuid,
  fullName: Type.String(),
  topic: Nullable(Type.String()),
  status: Type.Enum(['waiting', 'speaking'] as const),
  position: Type.Integer(),
  requestedAt: Type.String(),
  /** speaking time until the timer last stopped, and since when it runs (null: stopped); screens add now − timerRunningSince */
  timerMs: Type.Integer(),
  timerRunningSince: Nullable(Type.String()),
});
export type SpeakerEntry = Static<typeof SpeakerEntry>;

export const LiveSnapshot = Type.Object({
  meetingId: Uuid,
  version: Type.Integer(),
  status: Type.Enum(MEETING_STATUSES),
  attendance: AttendanceSummary,
  agenda: AgendaProgress,
  presentation: Nullable(Presentation),
  speakers: Type.Array(SpeakerEntry),
  serverTime: Type.String(),
});
export type LiveSnapshot = Static<typeof LiveSnapshot>;

/** One changed section; the client replaces that section when the version follows its own. */
export type LiveUpdate =
  | { section: 'status'; value: LiveSnapshot['status'] }
  | { section: 'attendance'; value: AttendanceSummary }
  | { section: 'agenda'; value: AgendaProgress }
  | { section: 'presentation'; value: Presentation | null }
  | { section: 'speakers'; value: SpeakerEntry[] };

export type LiveUpdateMessage = { meetingId: string; version: number; serverTime: string; update: LiveUpdate };

/** `live:resync`: the update of `version` (sent ahead of its commit) did not commit. */
export type LiveResync = { meetingId: string; version: number };

/**
 * The state after one section update: the same for the server's cached
 * snapshot and every screen's copy, so they cannot drift apart.
 */
export function applyLiveUpdate<T extends Omit<LiveSnapshot, 'serverTime'>>(state: T, version: number, update: LiveUpdate): T {
  const next = { ...state, version };
  switch (update.section) {
    case 'status':
      return { ...next, status: update.value };
    case 'attendance':
      return { ...next, attendance: update.value };
    case 'agenda':
      return { ...next, agenda: update.value };
    case 'presentation':
      return { ...next, presentation: update.value };
    case 'speakers':
      return { ...next, speakers: update.value };
  }
}

// — action payloads —

const Strict = { additionalProperties: false } as const;
export const MeetingRef = Type.Object({ meetingId: Uuid }, Strict);
export const AttendanceMark = Type.Object(
  {
    meetingId: Uuid,
    userId: Uuid,
    status: Type.Enum(ATTENDANCE_STATUSES),
    reason: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
    proxyUserId: Type.Optional(Nullable(Uuid)),
  },
  Strict,
);
export const AgendaOpen = Type.Object({ meetingId: Uuid, itemId: Uuid }, Strict);
export const PresentationShow = Type.Object(
  { meetingId: Uuid, documentId: Uuid, version: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }), page: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }), zoom: Type.Optional(Type.Number({ minimum: 0.25, maximum: 8 })) },
  Strict,
);
export const PresentationPage = Type.Object({ meetingId: Uuid, page: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }), zoom: Type.Optional(Type.Number({ minimum: 0.25, maximum: 8 })) }, Strict);
export const SpeakerRequest = Type.Object({ meetingId: Uuid, topic: Type.Optional(Nullable(Type.String({ maxLength: 300 }))) }, Strict);
export const SpeakerRef = Type.Object({ meetingId: Uuid, requestId: Uuid }, Strict);
export const SpeakerReorder = Type.Object({ meetingId: Uuid, requestIds: Type.Array(Uuid, { maxItems: 500, uniqueItems: true }) }, Strict);
export const SpeakerTimer = Type.Object({ meetingId: Uuid, requestId: Uuid, running: Type.Boolean() }, Strict);

export type AttendanceMark = Static<typeof AttendanceMark>;
export type PresentationShow = Static<typeof PresentationShow>;
export type PresentationPage = Static<typeof PresentationPage>;
