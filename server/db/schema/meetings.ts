/**
 * Meetings and their preparation: the meeting itself, who takes part in it
 * with which meeting role, and its agenda (chương trình nghị sự).
 */
import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { units, users } from './identity.ts';

export const meetingKind = pgEnum('meeting_kind', ['bch', 'btv', 'ubnd', 'hdnd', 'other']);
export const meetingStatus = pgEnum('meeting_status', ['draft', 'published', 'in_session', 'closed']);
export const participantRole = pgEnum('participant_role', ['chair', 'secretary', 'delegate', 'guest']);

export const meetings = pgTable(
  'meetings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: meetingKind('kind').notNull(),
    title: text('title').notNull(),
    titleSearch: text('title_search').notNull(),
    organizerUnitId: uuid('organizer_unit_id')
      .notNull()
      .references(() => units.id, { onDelete: 'restrict' }),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }),
    location: text('location'),
    status: meetingStatus('status').notNull().default('draft'),
    /** members of the body (for quorum and "more than half of all members") */
    membershipTotal: integer('membership_total').notNull(),
    /** quorum as a fraction of all members: two thirds for Party committees and councils */
    quorumNumerator: integer('quorum_numerator').notNull().default(2),
    quorumDenominator: integer('quorum_denominator').notNull().default(3),
    /** whether a member represented by a proxy counts toward the quorum (the body's rules decide) */
    proxiesCountForQuorum: boolean('proxies_count_for_quorum').notNull().default(true),
    /** bumped by every change, so clients can tell they missed one */
    version: integer('version').notNull().default(1),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('meetings_starts_idx').on(t.startsAt),
    index('meetings_unit_idx').on(t.organizerUnitId),
    check('meetings_membership_positive', sql`${t.membershipTotal} > 0`),
    check('meetings_ends_after_start', sql`${t.endsAt} is null or ${t.endsAt} > ${t.startsAt}`),
  ],
);

export const meetingParticipants = pgTable(
  'meeting_participants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    meetingId: uuid('meeting_id')
      .notNull()
      .references(() => meetings.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    role: participantRole('role').notNull(),
    seat: text('seat'),
    /** the person who attends and votes for this delegate, when represented */
    proxyUserId: uuid('proxy_user_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('participants_meeting_user_idx').on(t.meetingId, t.userId), index('participants_user_idx').on(t.userId)],
);

export const agendaItems = pgTable(
  'agenda_items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    meetingId: uuid('meeting_id')
      .notNull()
      .references(() => meetings.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    title: text('title').notNull(),
    presenterUserId: uuid('presenter_user_id').references(() => users.id, { onDelete: 'set null' }),
    /** free-text presenter when not a user of the system, e.g. "Đại diện Sở Nội vụ" */
    presenterName: text('presenter_name'),
    plannedMinutes: integer('planned_minutes').notNull(),
    description: text('description'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('agenda_meeting_idx').on(t.meetingId, t.position), check('agenda_minutes_positive', sql`${t.plannedMinutes} > 0`)],
);
