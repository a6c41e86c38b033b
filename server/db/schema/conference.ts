/**
 * Video conference endpoints (điểm cầu): the halls at province, district and
 * commune level that join a meeting's conference, the accounts that may join
 * as each of them, and which endpoints take part in which meeting.
 */
import { boolean, index, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { unitLevel, units, users } from './identity.ts';
import { meetings } from './meetings.ts';

export const endpoints = pgTable(
  'endpoints',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    nameSearch: text('name_search').notNull(),
    level: unitLevel('level').notNull(),
    unitId: uuid('unit_id')
      .notNull()
      .references(() => units.id, { onDelete: 'restrict' }),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('endpoints_unit_idx').on(t.unitId)],
);

export const endpointAccounts = pgTable(
  'endpoint_accounts',
  {
    endpointId: uuid('endpoint_id')
      .notNull()
      .references(() => endpoints.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.endpointId, t.userId] }), index('endpoint_accounts_user_idx').on(t.userId)],
);

export const meetingEndpoints = pgTable(
  'meeting_endpoints',
  {
    meetingId: uuid('meeting_id')
      .notNull()
      .references(() => meetings.id, { onDelete: 'cascade' }),
    endpointId: uuid('endpoint_id')
      .notNull()
      .references(() => endpoints.id, { onDelete: 'restrict' }),
    addedAt: timestamp('added_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.meetingId, t.endpointId] })],
);
