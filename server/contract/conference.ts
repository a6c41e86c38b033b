/** Shapes of the conference endpoints API, shared by routes, web and tests. */
import Type, { type Static } from 'typebox';
import { Nullable, Uuid, VisibleText } from './common.ts';
import { UNIT_LEVELS } from './identity.ts';
import { MEETING_STATUSES } from './meetings.ts';

const Name = VisibleText(2, 200);

/** the media node an endpoint's media goes through, overriding its unit's (null: its unit's, see MEDIA_NODE_UNITS) */
const MediaNodeName = Nullable(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$' }));

export const EndpointCreate = Type.Object(
  {
    name: Name,
    level: Type.Enum(UNIT_LEVELS),
    unitId: Uuid,
    accountUserIds: Type.Optional(Type.Array(Uuid, { maxItems: 20, uniqueItems: true })),
    mediaNode: Type.Optional(MediaNodeName),
  },
  { additionalProperties: false },
);
export type EndpointCreate = Static<typeof EndpointCreate>;

export const EndpointUpdate = Type.Object(
  {
    name: Type.Optional(Name),
    level: Type.Optional(Type.Enum(UNIT_LEVELS)),
    unitId: Type.Optional(Uuid),
    active: Type.Optional(Type.Boolean()),
    accountUserIds: Type.Optional(Type.Array(Uuid, { maxItems: 20, uniqueItems: true })),
    mediaNode: Type.Optional(MediaNodeName),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type EndpointUpdate = Static<typeof EndpointUpdate>;

export const EndpointDto = Type.Object({
  id: Uuid,
  name: Type.String(),
  level: Type.Enum(UNIT_LEVELS),
  unitId: Uuid,
  active: Type.Boolean(),
  accountUserIds: Type.Array(Uuid),
  mediaNode: MediaNodeName,
});
export type EndpointDto = Static<typeof EndpointDto>;

/** POST /endpoints (201), PATCH /endpoints/:endpointId */
export const EndpointEnvelope = Type.Object({ endpoint: EndpointDto });
export type EndpointEnvelope = Static<typeof EndpointEnvelope>;
/** GET /endpoints, GET and POST (201) /meetings/:meetingId/endpoints (the meeting's endpoints after the change) */
export const EndpointListEnvelope = Type.Object({ endpoints: Type.Array(EndpointDto) });
export type EndpointListEnvelope = Static<typeof EndpointListEnvelope>;

/** A published or running meeting whose conference this account joins as one of its endpoints. */
export const EndpointConference = Type.Object({
  meetingId: Uuid,
  title: Type.String(),
  status: Type.Enum(MEETING_STATUSES),
  startsAt: Type.String({ format: 'date-time' }),
  endpointId: Uuid,
  endpointName: Type.String(),
});
export type EndpointConference = Static<typeof EndpointConference>;
/** GET /conferences/mine: soonest first */
export const EndpointConferencesEnvelope = Type.Object({ conferences: Type.Array(EndpointConference) });
export type EndpointConferencesEnvelope = Static<typeof EndpointConferencesEnvelope>;

export const EndpointListQuery = Type.Object(
  { q: Type.Optional(Type.String({ maxLength: 200 })), level: Type.Optional(Type.Enum(UNIT_LEVELS)), active: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export type EndpointListQuery = Static<typeof EndpointListQuery>;

export const EndpointParams = Type.Object({ endpointId: Uuid }, { additionalProperties: false });
export const MeetingEndpointBody = Type.Object({ endpointId: Uuid }, { additionalProperties: false });
export const MeetingEndpointParams = Type.Object({ meetingId: Uuid, endpointId: Uuid }, { additionalProperties: false });

/**
 * GET /meetings/:meetingId/conference/points: roll call of the conference's
 * points (điểm danh điểm cầu), for those who run the meeting. `state`:
 * connected; reconnecting (in the conference, its media link down); waiting
 * in the lobby; left (joined earlier, gone now); never joined. `link`: the
 * worst quality mediasoup measures on what the point receives (0–10 score
 * bands), null while it receives nothing.
 */
export const CONFERENCE_POINT_STATES = ['connected', 'reconnecting', 'waiting', 'left', 'never'] as const;
export type ConferencePointState = (typeof CONFERENCE_POINT_STATES)[number];
export const ConferencePointDto = Type.Object({
  endpointId: Uuid,
  name: Type.String(),
  level: Type.Enum(UNIT_LEVELS),
  /** the endpoint account in the conference, when one is */
  peerId: Type.Union([Uuid, Type.Null()]),
  state: Type.Enum(CONFERENCE_POINT_STATES),
  link: Type.Union([Type.Literal('good'), Type.Literal('poor'), Type.Null()]),
  micMutedByChair: Type.Boolean(),
});
export type ConferencePointDto = Static<typeof ConferencePointDto>;
export const ConferencePointsEnvelope = Type.Object({ points: Type.Array(ConferencePointDto) });
export type ConferencePointsEnvelope = Static<typeof ConferencePointsEnvelope>;
