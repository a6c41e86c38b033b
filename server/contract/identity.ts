/**
 * Shapes of the identity API (units, users, sessions), shared by the REST
 * routes, the web client and the tests.
 */
import Type, { type Static } from 'typebox';
import { Nullable, Uuid, VisibleText } from './common.ts';

export { Uuid } from './common.ts';

export const UNIT_LEVELS = ['province', 'district', 'commune'] as const;
export const GLOBAL_ROLES = ['admin', 'secretary', 'user'] as const;
export const LOCALES = ['vi', 'en'] as const;

export type UnitLevel = (typeof UNIT_LEVELS)[number];
export type GlobalRole = (typeof GLOBAL_ROLES)[number];
export type Locale = (typeof LOCALES)[number];

const oneOf = <const T extends string[]>(values: readonly [...T]) => Type.Enum(values);

const Optional = Type.Optional;

export const Username = Type.String({ minLength: 3, maxLength: 64, pattern: '^[a-z0-9][a-z0-9._-]*$' });
export const Password = Type.String({ minLength: 10, maxLength: 200 });

export const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 200 }),
    password: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

export const UnitCreate = Type.Object(
  {
    name: VisibleText(2, 200),
    level: oneOf(UNIT_LEVELS),
    parentId: Nullable(Uuid),
    code: Optional(Nullable(Type.String({ minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9_.-]+$' }))),
  },
  { additionalProperties: false },
);
export type UnitCreate = Static<typeof UnitCreate>;

export const UnitUpdate = Type.Object(
  {
    name: Optional(VisibleText(2, 200)),
    code: Optional(Nullable(Type.String({ minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9_.-]+$' }))),
    active: Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UnitUpdate = Static<typeof UnitUpdate>;

export const UnitDto = Type.Object({
  id: Uuid,
  parentId: Nullable(Uuid),
  level: oneOf(UNIT_LEVELS),
  name: Type.String(),
  code: Nullable(Type.String()),
  active: Type.Boolean(),
});
export type UnitDto = Static<typeof UnitDto>;

const Email = Type.String({ maxLength: 200, format: 'email' });
const Phone = Type.String({ maxLength: 32, pattern: '^\\+?[0-9 .()-]{6,32}$' });

export const UserCreate = Type.Object(
  {
    username: Username,
    fullName: VisibleText(2, 200),
    title: Optional(Nullable(Type.String({ maxLength: 200 }))),
    email: Optional(Nullable(Email)),
    phone: Optional(Nullable(Phone)),
    unitId: Uuid,
    role: oneOf(GLOBAL_ROLES),
    password: Password,
    locale: Optional(oneOf(LOCALES)),
  },
  { additionalProperties: false },
);
export type UserCreate = Static<typeof UserCreate>;

export const UserUpdate = Type.Object(
  {
    fullName: Optional(VisibleText(2, 200)),
    title: Optional(Nullable(Type.String({ maxLength: 200 }))),
    email: Optional(Nullable(Email)),
    phone: Optional(Nullable(Phone)),
    unitId: Optional(Uuid),
    role: Optional(oneOf(GLOBAL_ROLES)),
    active: Optional(Type.Boolean()),
    locale: Optional(oneOf(LOCALES)),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UserUpdate = Static<typeof UserUpdate>;

export const PasswordReset = Type.Object({ password: Password }, { additionalProperties: false });
export type PasswordReset = Static<typeof PasswordReset>;

export const UserDto = Type.Object({
  id: Uuid,
  username: Type.String(),
  fullName: Type.String(),
  title: Nullable(Type.String()),
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  unitId: Uuid,
  role: oneOf(GLOBAL_ROLES),
  active: Type.Boolean(),
  locale: oneOf(LOCALES),
});
export type UserDto = Static<typeof UserDto>;

export const UserListQuery = Type.Object(
  {
    q: Optional(Type.String({ maxLength: 200 })),
    unitId: Optional(Uuid),
    active: Optional(Type.Boolean()),
    limit: Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    offset: Optional(Type.Integer({ minimum: 0, maximum: 2_147_483_647 })),
  },
  { additionalProperties: false },
);
export type UserListQuery = Static<typeof UserListQuery>;

export const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false });

/** What the web needs to know about who is logged in. */
export const SessionUser = Type.Object({
  id: Uuid,
  username: Type.String(),
  fullName: Type.String(),
  role: oneOf(GLOBAL_ROLES),
  unitId: Uuid,
  locale: oneOf(LOCALES),
});
export type SessionUser = Static<typeof SessionUser>;

// — what the routes answer (their response schemas; the web client's envelope types) —

/** Who is logged in, and until when the session lasts unless used (an ISO instant). */
export const SessionInfo = Type.Object({ user: SessionUser, expiresAt: Type.String() });
export type SessionInfo = Static<typeof SessionInfo>;
export const UnitEnvelope = Type.Object({ unit: UnitDto });
export type UnitEnvelope = Static<typeof UnitEnvelope>;
export const UnitListEnvelope = Type.Object({ units: Type.Array(UnitDto) });
export type UnitListEnvelope = Static<typeof UnitListEnvelope>;
export const UserEnvelope = Type.Object({ user: UserDto });
export type UserEnvelope = Static<typeof UserEnvelope>;
/** A page of the users list, and how many match in all. */
export const UserPage = Type.Object({ users: Type.Array(UserDto), total: Type.Integer() });
export type UserPage = Static<typeof UserPage>;
