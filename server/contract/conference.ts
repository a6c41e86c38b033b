/** Shapes of the conference endpoints API, shared by routes, web and tests. */
import Type, { type Static } from 'typebox';
import { Uuid, VisibleText } from './common.ts';
import { UNIT_LEVELS } from './identity.ts';
import { MEETING_STATUSES } from './meetings.ts';

const Name = VisibleText(2, 200);

export const EndpointCreate = Type.Object(
  {
    name: Name,
    level: Type.Enum(UNIT_LEVELS),
    unitId: Uuid,
    accountUserIds: Type.Optional(Type.Array(Uuid, { maxItems: 20, uniqueItems: true })),
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
