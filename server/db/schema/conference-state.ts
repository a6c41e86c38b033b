/**
 * The video conference's decisions that must survive a restart or a worker
 * crash: whether endpoints wait for the chair, which endpoints the chair let in
 * or sent out, which sources the chair holds muted, who is on the big screen,
 * whose hand is up (so that a conference moving to another app process keeps
 * them). Presence (who is connected, who waits in the lobby) is rebuilt from
 * the clients and lives in memory only.
 */
import { boolean, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { endpoints } from './conference.ts';
import { users } from './identity.ts';
import { meetings } from './meetings.ts';
import { idColumn, instant, stampedAt, requiredRef, optionalRef } from './columns.ts';

export const conferenceAdmissionStatus = pgEnum('conference_admission_status', ['admitted', 'removed']);

/** One row per meeting whose conference settings differ from the defaults. */
export const conferenceSettings = pgTable('conference_settings', {
  meetingId: uuid('meeting_id')
    .primaryKey()
    .references(() => meetings.id, { onDelete: 'cascade' }),
  /** endpoints wait in the lobby until the chair admits them */
  requireAdmission: boolean('require_admission').notNull().default(false),
  /** the chair's choice for the big screen (null: the active speaker) */
  spotlightUserId: optionalRef('spotlight_user_id', () => users.id, 'set null'),
  updatedAt: stampedAt('updated_at'),
});

/** The chair's decision about an endpoint: admitted, or removed (then it waits in the lobby until admitted again). */
export const conferenceAdmissions = pgTable(
  'conference_admissions',
  {
    meetingId: requiredRef('meeting_id', () => meetings.id, 'cascade'),
    endpointId: requiredRef('endpoint_id', () => endpoints.id, 'cascade'),
    status: conferenceAdmissionStatus('status').notNull(),
    decidedBy: optionalRef('decided_by', () => users.id, 'set null'),
    decidedAt: stampedAt('decided_at'),
  },
  (t) => [primaryKey({ columns: [t.meetingId, t.endpointId] })],
);

/** Sources ('mic', 'camera', 'screen') the chair holds muted for a participant, kept across rejoins. */
export const conferenceMutes = pgTable(
  'conference_mutes',
  {
    meetingId: requiredRef('meeting_id', () => meetings.id, 'cascade'),
    userId: requiredRef('user_id', () => users.id, 'cascade'),
    sources: text('sources').array().notNull(),
    updatedAt: stampedAt('updated_at'),
  },
  (t) => [primaryKey({ columns: [t.meetingId, t.userId] })],
);

/** A participant's raised hand, while it is up (lowered: the row goes). */
export const conferenceHands = pgTable(
  'conference_hands',
  {
    meetingId: requiredRef('meeting_id', () => meetings.id, 'cascade'),
    userId: requiredRef('user_id', () => users.id, 'cascade'),
    raisedAt: stampedAt('raised_at'),
  },
  (t) => [primaryKey({ columns: [t.meetingId, t.userId] })],
);

/**
 * recording: ffmpeg is writing; finalising: being remuxed with its chapters;
 * ready: playable; interrupted: the process that recorded it ended without
 * stopping it (closed and remuxed at the next start); failed: nothing playable.
 */
export const conferenceRecordingStatus = pgEnum('conference_recording_status', ['recording', 'finalising', 'ready', 'interrupted', 'failed']);

/** An agenda item that opened while recording, at that wall-clock instant (ISO). */
export type RecordingMark = { itemId: string | null; title: string; at: string };
/** A chapter of the finished file. */
export type RecordingChapter = { title: string; startMs: number; endMs: number };

/** One file per recorded stretch of a meeting's conference, attached to the meeting's record. */
export const conferenceRecordings = pgTable(
  'conference_recordings',
  {
    id: idColumn(),
    meetingId: requiredRef('meeting_id', () => meetings.id, 'cascade'),
    status: conferenceRecordingStatus('status').notNull(),
    /** file name under RECORDING_DIR */
    file: text('file').notNull(),
    startedBy: optionalRef('started_by', () => users.id, 'set null'),
    startedAt: stampedAt('started_at'),
    stoppedAt: instant('stopped_at'),
    /** why it stopped: chair, disk, meeting-closed, room-closed, error, restart */
    stopReason: text('stop_reason'),
    durationMs: integer('duration_ms'),
    /** agenda items as they opened (wall clock), turned into chapters when finalised */
    marks: jsonb('marks').$type<RecordingMark[]>().notNull().default([]),
    chapters: jsonb('chapters').$type<RecordingChapter[]>().notNull().default([]),
    /** the host and process that records it: a restart there finds what it left open */
    host: text('host').notNull(),
    pid: integer('pid').notNull(),
  },
  (t) => [index('conference_recordings_meeting_idx').on(t.meetingId, t.startedAt)],
);
