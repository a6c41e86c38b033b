/**
 * A meeting in session: who is present, which agenda item is open, what the
 * presenter shows, who asked to speak. All of it lives here, so a restart or
 * a reconnect rebuilds exactly the same state.
 */
import { index, integer, pgEnum, pgTable, primaryKey, real, text, uuid } from 'drizzle-orm/pg-core';
import { users } from './identity.ts';
import { agendaItems, meetings } from './meetings.ts';
import { documents } from './documents.ts';
import { idColumn, instant, stampedAt, requiredRef, optionalRef } from './columns.ts';

export const attendanceStatus = pgEnum('attendance_status', ['present', 'absent', 'proxy']);
export const speakerStatus = pgEnum('speaker_status', ['waiting', 'speaking', 'done', 'withdrawn']);

export const meetingLiveState = pgTable('meeting_live_state', {
  meetingId: uuid('meeting_id')
    .primaryKey()
    .references(() => meetings.id, { onDelete: 'cascade' }),
  currentItemId: optionalRef('current_item_id', () => agendaItems.id, 'set null'),
  presentationDocumentId: optionalRef('presentation_document_id', () => documents.id, 'set null'),
  presentationVersion: integer('presentation_version'),
  presentationPage: integer('presentation_page'),
  presentationZoom: real('presentation_zoom'),
  presenterUserId: optionalRef('presenter_user_id', () => users.id, 'set null'),
  updatedAt: stampedAt('updated_at'),
});

/** When each agenda item was open, for elapsed against planned time. */
export const agendaItemRuns = pgTable(
  'agenda_item_runs',
  {
    id: idColumn(),
    meetingId: requiredRef('meeting_id', () => meetings.id, 'cascade'),
    itemId: requiredRef('item_id', () => agendaItems.id, 'cascade'),
    startedAt: stampedAt('started_at'),
    endedAt: instant('ended_at'),
  },
  (t) => [index('agenda_runs_meeting_idx').on(t.meetingId, t.itemId)],
);

export const attendance = pgTable(
  'attendance',
  {
    meetingId: requiredRef('meeting_id', () => meetings.id, 'cascade'),
    userId: requiredRef('user_id', () => users.id, 'cascade'),
    status: attendanceStatus('status').notNull(),
    reason: text('reason'),
    proxyUserId: optionalRef('proxy_user_id', () => users.id, 'set null'),
    markedBy: requiredRef('marked_by', () => users.id, 'restrict'),
    markedAt: stampedAt('marked_at'),
  },
  (t) => [primaryKey({ columns: [t.meetingId, t.userId] })],
);

export const speakerRequests = pgTable(
  'speaker_requests',
  {
    id: idColumn(),
    meetingId: requiredRef('meeting_id', () => meetings.id, 'cascade'),
    userId: requiredRef('user_id', () => users.id, 'cascade'),
    itemId: optionalRef('item_id', () => agendaItems.id, 'set null'),
    topic: text('topic'),
    status: speakerStatus('status').notNull().default('waiting'),
    position: integer('position').notNull(),
    requestedAt: stampedAt('requested_at'),
    startedAt: instant('started_at'),
    endedAt: instant('ended_at'),
    /** the speaking timer: running since timerStartedAt, plus what ran before */
    timerStartedAt: instant('timer_started_at'),
    timerAccumulatedMs: integer('timer_accumulated_ms').notNull().default(0),
  },
  (t) => [index('speaker_requests_meeting_idx').on(t.meetingId, t.status, t.position)],
);
