/**
 * Video conference endpoints (điểm cầu): the halls at province, district and
 * commune level that join a meeting's conference, the accounts that may join
 * as each of them, and which endpoints take part in which meeting.
 */
import { boolean, index, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { unitLevel, units, users } from './identity.ts';
import { meetings } from './meetings.ts';
import { idColumn, instant, stampedAt, requiredRef } from './columns.ts';

export const endpoints = pgTable(
  'endpoints',
  {
    id: idColumn(),
    name: text('name').notNull(),
    nameSearch: text('name_search').notNull(),
    level: unitLevel('level').notNull(),
    unitId: requiredRef('unit_id', () => units.id, 'restrict'),
    /** the media node this endpoint's media goes through, overriding the one its unit maps to (MEDIA_NODE_UNITS) */
    mediaNode: text('media_node'),
    active: boolean('active').notNull().default(true),
    createdAt: stampedAt('created_at'),
    updatedAt: stampedAt('updated_at'),
  },
  (t) => [index('endpoints_unit_idx').on(t.unitId)],
);

export const endpointAccounts = pgTable(
  'endpoint_accounts',
  {
    endpointId: requiredRef('endpoint_id', () => endpoints.id, 'cascade'),
    userId: requiredRef('user_id', () => users.id, 'cascade'),
  },
  (t) => [primaryKey({ columns: [t.endpointId, t.userId] }), index('endpoint_accounts_user_idx').on(t.userId)],
);

export const meetingEndpoints = pgTable(
  'meeting_endpoints',
  {
    meetingId: requiredRef('meeting_id', () => meetings.id, 'cascade'),
    endpointId: requiredRef('endpoint_id', () => endpoints.id, 'restrict'),
    addedAt: stampedAt('added_at'),
    /** when the point first came to this meeting's conference (joined or waited in the lobby); the roll call's "joined before" */
    firstJoinedAt: instant('first_joined_at'),
  },
  (t) => [primaryKey({ columns: [t.meetingId, t.endpointId] })],
);
