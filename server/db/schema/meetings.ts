/**
 * Meetings and their preparation: the meeting itself, who takes part in it
 * with which meeting role, and its agenda (chương trình nghị sự).
 */
import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgEnum, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { units, users } from './identity.ts';
import { idColumn, instant, stampedAt, requiredRef, optionalRef } from './columns.ts';

export const meetingKind = pgEnum('meeting_kind', ['bch', 'btv', 'ubnd', 'hdnd', 'other']);
export const meetingStatus = pgEnum('meeting_status', ['draft', 'published', 'in_session', 'closed']);
export const participantRole = pgEnum('participant_role', ['chair', 'secretary', 'delegate', 'guest']);

export const meetings = pgTable(
  'meetings',
  {
    id: idColumn(),
    kind: meetingKind('kind').notNull(),
    title: text('title').notNull(),
    titleSearch: text('title_search').notNull(),
    organizerUnitId: requiredRef('organizer_unit_id', () => units.id, 'restrict'),
    startsAt: instant('starts_at').notNull(),
    endsAt: instant('ends_at'),
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
    createdBy: requiredRef('created_by', () => users.id, 'restrict'),
    publishedAt: instant('published_at'),
    createdAt: stampedAt('created_at'),
    updatedAt: stampedAt('updated_at'),
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
    id: idColumn(),
    meetingId: requiredRef('meeting_id', () => meetings.id, 'cascade'),
    userId: requiredRef('user_id', () => users.id, 'restrict'),
    role: participantRole('role').notNull(),
    seat: text('seat'),
    /** the person who attends and votes for this delegate, when represented */
    proxyUserId: optionalRef('proxy_user_id', () => users.id, 'set null'),
    createdAt: stampedAt('created_at'),
  },
  (t) => [uniqueIndex('participants_meeting_user_idx').on(t.meetingId, t.userId), index('participants_user_idx').on(t.userId)],
);

export const agendaItems = pgTable(
  'agenda_items',
  {
    id: idColumn(),
    meetingId: requiredRef('meeting_id', () => meetings.id, 'cascade'),
    position: integer('position').notNull(),
    title: text('title').notNull(),
    presenterUserId: optionalRef('presenter_user_id', () => users.id, 'set null'),
    /** free-text presenter when not a user of the system, e.g. "Đại diện Sở Nội vụ" */
    presenterName: text('presenter_name'),
    plannedMinutes: integer('planned_minutes').notNull(),
    description: text('description'),
    createdAt: stampedAt('created_at'),
  },
  (t) => [index('agenda_meeting_idx').on(t.meetingId, t.position), check('agenda_minutes_positive', sql`${t.plannedMinutes} > 0`)],
);
