/**
 * A meeting in session: who is present, which agenda item is open, what the
 * presenter shows, who asked to speak. All of it lives here, so a restart or
 * a reconnect rebuilds exactly the same state.
 */
import { index, integer, pgEnum, pgTable, primaryKey, real, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './identity.ts';
import { agendaItems, meetings } from './meetings.ts';
import { documents } from './documents.ts';

export const attendanceStatus = pgEnum('attendance_status', ['present', 'absent', 'proxy']);
export const speakerStatus = pgEnum('speaker_status', ['waiting', 'speaking', 'done', 'withdrawn']);

export const meetingLiveState = pgTable('meeting_live_state', {
  meetingId: uuid('meeting_id')
    .primaryKey()
    .references(() => meetings.id, { onDelete: 'cascade' }),
  currentItemId: uuid('current_item_id').references(() => agendaItems.id, { onDelete: 'set null' }),
  presentationDocumentId: uuid('presentation_document_id').references(() => documents.id, { onDelete: 'set null' }),
  presentationVersion: integer('presentation_version'),
  presentationPage: integer('presentation_page'),
  presentationZoom: real('presentation_zoom'),
  presenterUserId: uuid('presenter_user_id').references(() => users.id, { onDelete: 'set null' }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** When each agenda item was open, for elapsed against planned time. */
export const agendaItemRuns = pgTable(
  'agenda_item_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    meetingId: uuid('meeting_id')
      .notNull()
      .references(() => meetings.id, { onDelete: 'cascade' }),
    itemId: uuid('item_id')
      .notNull()
      .references(() => agendaItems.id, { onDelete: 'cascade' }),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
  },
  (t) => [index('agenda_runs_meeting_idx').on(t.meetingId, t.itemId)],
);

export const attendance = pgTable(
  'attendance',
  {
    meetingId: uuid('meeting_id')
      .notNull()
      .references(() => meetings.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    status: attendanceStatus('status').notNull(),
    reason: text('reason'),
    proxyUserId: uuid('proxy_user_id').references(() => users.id, { onDelete: 'set null' }),
    markedBy: uuid('marked_by')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    markedAt: timestamp('marked_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.meetingId, t.userId] })],
);

export const speakerRequests = pgTable(
  'speaker_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    meetingId: uuid('meeting_id')
      .notNull()
      .references(() => meetings.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    itemId: uuid('item_id').references(() => agendaItems.id, { onDelete: 'set null' }),
    topic: text('topic'),
    status: speakerStatus('status').notNull().default('waiting'),
    position: integer('position').notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    /** the speaking timer: running since timerStartedAt, plus what ran before */
    timerStartedAt: timestamp('timer_started_at', { withTimezone: true }),
    timerAccumulatedMs: integer('timer_accumulated_ms').notNull().default(0),
  },
  (t) => [index('speaker_requests_meeting_idx').on(t.meetingId, t.status, t.position)],
);
