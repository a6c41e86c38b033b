/**
 * Shapes of the meetings API: meetings, participants, agenda. Shared by the
 * REST routes, the web client and the tests.
 */
import Type, { type Static } from 'typebox';
import { Nullable, Uuid, VisibleText } from './common.ts';

export const MEETING_KINDS = ['bch', 'btv', 'ubnd', 'hdnd', 'other'] as const;
export const MEETING_STATUSES = ['draft', 'published', 'in_session', 'closed'] as const;
export const PARTICIPANT_ROLES = ['chair', 'secretary', 'delegate', 'guest'] as const;

export type MeetingKind = (typeof MEETING_KINDS)[number];

/**
 * Default quorum by kind, as a fraction of all members: a Party committee's
 * conference is valid with two thirds present, and so are sessions of People's
 * Councils and Committees; other meetings need more than half.
 */
export const DEFAULT_QUORUM: Record<MeetingKind, { numerator: number; denominator: number }> = {
  bch: { numerator: 2, denominator: 3 },
  btv: { numerator: 2, denominator: 3 },
  hdnd: { numerator: 2, denominator: 3 },
  ubnd: { numerator: 2, denominator: 3 },
  other: { numerator: 1, denominator: 2 },
};
export type MeetingStatus = (typeof MEETING_STATUSES)[number];
export type ParticipantRole = (typeof PARTICIPANT_ROLES)[number];

const Optional = Type.Optional;
const Title = VisibleText(2, 500);
/** at least numerator/denominator of all members must be present */
const Quorum = Type.Object(
  { numerator: Type.Integer({ minimum: 1, maximum: 100 }), denominator: Type.Integer({ minimum: 1, maximum: 100 }) },
  { additionalProperties: false },
);
/** An instant between 1900 and 2199: year 0 and year 99999 are valid ISO text but no meeting's date (and PostgreSQL refuses some). */
const DateTime = Type.String({ format: 'date-time', pattern: '^(19|2[01])[0-9]{2}-' });
const LongText = Type.String({ maxLength: 10_000 });

export const MeetingCreate = Type.Object(
  {
    kind: Type.Enum(MEETING_KINDS),
    title: Title,
    organizerUnitId: Uuid,
    startsAt: DateTime,
    endsAt: Optional(Nullable(DateTime)),
    location: Optional(Nullable(Type.String({ maxLength: 300 }))),
    membershipTotal: Type.Integer({ minimum: 1, maximum: 10_000 }),
    quorum: Optional(Quorum),
    /** whether a member represented by a proxy counts toward the quorum (default: yes) */
    proxiesCountForQuorum: Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type MeetingCreate = Static<typeof MeetingCreate>;

export const MeetingUpdate = Type.Object(
  {
    kind: Optional(Type.Enum(MEETING_KINDS)),
    title: Optional(Title),
    organizerUnitId: Optional(Uuid),
    startsAt: Optional(DateTime),
    endsAt: Optional(Nullable(DateTime)),
    location: Optional(Nullable(Type.String({ maxLength: 300 }))),
    membershipTotal: Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    quorum: Optional(Quorum),
    proxiesCountForQuorum: Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type MeetingUpdate = Static<typeof MeetingUpdate>;

export const MeetingTransition = Type.Object(
  { to: Type.Enum(['published', 'in_session', 'closed'] as const) },
  { additionalProperties: false },
);
export type MeetingTransition = Static<typeof MeetingTransition>;

export const MeetingListQuery = Type.Object(
  {
    status: Optional(Type.Enum(MEETING_STATUSES)),
    unitId: Optional(Uuid),
    from: Optional(DateTime),
    to: Optional(DateTime),
    q: Optional(Type.String({ maxLength: 200 })),
    limit: Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    offset: Optional(Type.Integer({ minimum: 0, maximum: 2_147_483_647 })),
  },
  { additionalProperties: false },
);
export type MeetingListQuery = Static<typeof MeetingListQuery>;

export const MeetingDto = Type.Object({
  id: Uuid,
  kind: Type.Enum(MEETING_KINDS),
  title: Type.String(),
  organizerUnitId: Uuid,
  startsAt: Type.String(),
  endsAt: Nullable(Type.String()),
  location: Nullable(Type.String()),
  status: Type.Enum(MEETING_STATUSES),
  membershipTotal: Type.Integer(),
  quorum: Type.Object({ numerator: Type.Integer(), denominator: Type.Integer() }),
  proxiesCountForQuorum: Type.Boolean(),
  version: Type.Integer(),
  publishedAt: Nullable(Type.String()),
  /** the caller's role in this meeting, if they take part */
  myRole: Nullable(Type.Enum(PARTICIPANT_ROLES)),
  /** whether the caller may change this meeting */
  canManage: Type.Boolean(),
});
export type MeetingDto = Static<typeof MeetingDto>;

export const ParticipantAdd = Type.Object(
  {
    userId: Uuid,
    role: Type.Enum(PARTICIPANT_ROLES),
    seat: Optional(Nullable(Type.String({ minLength: 1, maxLength: 20 }))),
    proxyUserId: Optional(Nullable(Uuid)),
  },
  { additionalProperties: false },
);
export type ParticipantAdd = Static<typeof ParticipantAdd>;

export const ParticipantUpdate = Type.Object(
  {
    role: Optional(Type.Enum(PARTICIPANT_ROLES)),
    seat: Optional(Nullable(Type.String({ minLength: 1, maxLength: 20 }))),
    proxyUserId: Optional(Nullable(Uuid)),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type ParticipantUpdate = Static<typeof ParticipantUpdate>;

export const ParticipantDto = Type.Object({
  id: Uuid,
  userId: Uuid,
  fullName: Type.String(),
  title: Nullable(Type.String()),
  unitId: Uuid,
  role: Type.Enum(PARTICIPANT_ROLES),
  seat: Nullable(Type.String()),
  proxyUserId: Nullable(Uuid),
});
export type ParticipantDto = Static<typeof ParticipantDto>;

export const AgendaItemCreate = Type.Object(
  {
    title: Title,
    presenterUserId: Optional(Nullable(Uuid)),
    presenterName: Optional(Nullable(Type.String({ maxLength: 200 }))),
    plannedMinutes: Type.Integer({ minimum: 1, maximum: 24 * 60 }),
    description: Optional(Nullable(LongText)),
  },
  { additionalProperties: false },
);
export type AgendaItemCreate = Static<typeof AgendaItemCreate>;

export const AgendaItemUpdate = Type.Object(
  {
    title: Optional(Title),
    presenterUserId: Optional(Nullable(Uuid)),
    presenterName: Optional(Nullable(Type.String({ maxLength: 200 }))),
    plannedMinutes: Optional(Type.Integer({ minimum: 1, maximum: 24 * 60 })),
    description: Optional(Nullable(LongText)),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type AgendaItemUpdate = Static<typeof AgendaItemUpdate>;

export const AgendaReorder = Type.Object({ itemIds: Type.Array(Uuid, { minItems: 1, maxItems: 500, uniqueItems: true }) }, { additionalProperties: false });
export type AgendaReorder = Static<typeof AgendaReorder>;

export const AgendaItemDto = Type.Object({
  id: Uuid,
  position: Type.Integer(),
  title: Type.String(),
  presenterUserId: Nullable(Uuid),
  presenterName: Nullable(Type.String()),
  plannedMinutes: Type.Integer(),
  description: Nullable(Type.String()),
});
export type AgendaItemDto = Static<typeof AgendaItemDto>;

export const MeetingParams = Type.Object({ meetingId: Uuid }, { additionalProperties: false });
export const MeetingItemParams = Type.Object({ meetingId: Uuid, itemId: Uuid }, { additionalProperties: false });
export const MeetingParticipantParams = Type.Object({ meetingId: Uuid, participantId: Uuid }, { additionalProperties: false });

// — what the routes answer (their response schemas; the web client's envelope types) —

/** A page of the meetings list, and how many match in all. */
export const MeetingPage = Type.Object({ meetings: Type.Array(MeetingDto), total: Type.Integer() });
export type MeetingPage = Static<typeof MeetingPage>;
export const MeetingEnvelope = Type.Object({ meeting: MeetingDto });
export type MeetingEnvelope = Static<typeof MeetingEnvelope>;
export const ParticipantListEnvelope = Type.Object({ participants: Type.Array(ParticipantDto) });
export type ParticipantListEnvelope = Static<typeof ParticipantListEnvelope>;
export const ParticipantEnvelope = Type.Object({ participant: ParticipantDto });
export type ParticipantEnvelope = Static<typeof ParticipantEnvelope>;
/** The agenda in order, and the minutes it plans in all. */
export const Agenda = Type.Object({ items: Type.Array(AgendaItemDto), totalMinutes: Type.Integer() });
export type Agenda = Static<typeof Agenda>;
export const AgendaItemEnvelope = Type.Object({ item: AgendaItemDto });
export type AgendaItemEnvelope = Static<typeof AgendaItemEnvelope>;
/** The agenda in its new order (after a reorder). */
export const AgendaItemsEnvelope = Type.Object({ items: Type.Array(AgendaItemDto) });
export type AgendaItemsEnvelope = Static<typeof AgendaItemsEnvelope>;
