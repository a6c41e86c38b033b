/** Shapes of the conference endpoints API, shared by routes, web and tests. */
import Type, { type Static } from 'typebox';
import { Uuid, VisibleText } from './common.ts';
import { UNIT_LEVELS } from './identity.ts';

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

export const EndpointListQuery = Type.Object(
  { q: Type.Optional(Type.String({ maxLength: 200 })), level: Type.Optional(Type.Enum(UNIT_LEVELS)), active: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export type EndpointListQuery = Static<typeof EndpointListQuery>;

export const EndpointParams = Type.Object({ endpointId: Uuid }, { additionalProperties: false });
export const MeetingEndpointBody = Type.Object({ endpointId: Uuid }, { additionalProperties: false });
export const MeetingEndpointParams = Type.Object({ meetingId: Uuid, endpointId: Uuid }, { additionalProperties: false });
