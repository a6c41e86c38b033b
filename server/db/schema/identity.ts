/**
 * Identity: the unit tree (province → district/city → commune/ward/town), the
 * people who belong to units, their login sessions and the login throttle.
 */
import { sql } from 'drizzle-orm';
import { boolean, customType, index, integer, pgEnum, pgTable, text, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { idColumn, instant, stampedAt, requiredRef } from './columns.ts';

export const unitLevel = pgEnum('unit_level', ['province', 'district', 'commune']);
export const globalRole = pgEnum('global_role', ['admin', 'secretary', 'user']);
export const locale = pgEnum('locale', ['vi', 'en']);

const bytea = customType<{ data: Uint8Array; driverData: Buffer }>({
  dataType: () => 'bytea',
  toDriver: (value) => Buffer.from(value),
  fromDriver: (value) => new Uint8Array(value),
});

const timestamps = {
  createdAt: stampedAt('created_at'),
  updatedAt: stampedAt('updated_at'),
};

export const units = pgTable(
  'units',
  {
    id: idColumn(),
    parentId: uuid('parent_id').references((): AnyPgColumn => units.id, { onDelete: 'restrict' }),
    level: unitLevel('level').notNull(),
    name: text('name').notNull(),
    /** name folded to ASCII lower case, so "hoa binh" finds "Hòa Bình" */
    nameSearch: text('name_search').notNull(),
    code: text('code'),
    active: boolean('active').notNull().default(true),
    ...timestamps,
  },
  (t) => [
    index('units_parent_idx').on(t.parentId),
    uniqueIndex('units_code_idx').on(t.code),
    uniqueIndex('units_parent_name_idx').on(sql`coalesce(${t.parentId}, '00000000-0000-0000-0000-000000000000'::uuid)`, t.name),
  ],
);

export const users = pgTable(
  'users',
  {
    id: idColumn(),
    username: text('username').notNull(),
    fullName: text('full_name').notNull(),
    fullNameSearch: text('full_name_search').notNull(),
    /** chức vụ, e.g. "Phó Chủ tịch UBND tỉnh" */
    title: text('title'),
    email: text('email'),
    phone: text('phone'),
    unitId: requiredRef('unit_id', () => units.id, 'restrict'),
    role: globalRole('role').notNull().default('user'),
    passwordHash: text('password_hash').notNull(),
    active: boolean('active').notNull().default(true),
    locale: locale('locale').notNull().default('vi'),
    ...timestamps,
  },
  (t) => [uniqueIndex('users_username_idx').on(t.username), index('users_unit_idx').on(t.unitId)],
);

export const sessions = pgTable(
  'sessions',
  {
    /** public half of the token; the secret half is only stored as a SHA-256 hash */
    id: text('id').primaryKey(),
    secretHash: bytea('secret_hash').notNull(),
    userId: requiredRef('user_id', () => users.id, 'cascade'),
    createdAt: stampedAt('created_at'),
    expiresAt: instant('expires_at').notNull(),
    userAgent: text('user_agent'),
    address: text('address'),
  },
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_expires_idx').on(t.expiresAt)],
);

/** Failed-login counters per (account, address) and per address, shared by every app process. */
export const loginThrottle = pgTable('login_throttle', {
  key: text('key').primaryKey(),
  /** attempts counted (before their password check) and not forgiven since the key was last forgotten */
  failures: integer('failures').notNull(),
  windowStartedAt: instant('window_started_at').notNull(),
  /** the last counted attempt: the next one must wait the key's delay from here */
  lastAttemptAt: stampedAt('last_attempt_at'),
});
