/**
 * The video conference's decisions that must survive a restart or a worker
 * crash: whether endpoints wait for the chair, which endpoints the chair let in
 * or sent out, which sources the chair holds muted, who is on the big screen.
 * Presence (who is connected, who waits in the lobby, raised hands) is rebuilt
 * from the clients and lives in memory only.
 */
import { boolean, pgEnum, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { endpoints } from './conference.ts';
import { users } from './identity.ts';
import { meetings } from './meetings.ts';

export const conferenceAdmissionStatus = pgEnum('conference_admission_status', ['admitted', 'removed']);

/** One row per meeting whose conference settings differ from the defaults. */
export const conferenceSettings = pgTable('conference_settings', {
  meetingId: uuid('meeting_id')
    .primaryKey()
    .references(() => meetings.id, { onDelete: 'cascade' }),
  /** endpoints wait in the lobby until the chair admits them */
  requireAdmission: boolean('require_admission').notNull().default(false),
  /** the chair's choice for the big screen (null: the active speaker) */
  spotlightUserId: uuid('spotlight_user_id').references(() => users.id, { onDelete: 'set null' }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** The chair's decision about an endpoint: admitted, or removed (then it waits in the lobby until admitted again). */
export const conferenceAdmissions = pgTable(
  'conference_admissions',
  {
    meetingId: uuid('meeting_id')
      .notNull()
      .references(() => meetings.id, { onDelete: 'cascade' }),
    endpointId: uuid('endpoint_id')
      .notNull()
      .references(() => endpoints.id, { onDelete: 'cascade' }),
    status: conferenceAdmissionStatus('status').notNull(),
    decidedBy: uuid('decided_by').references(() => users.id, { onDelete: 'set null' }),
    decidedAt: timestamp('decided_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.meetingId, t.endpointId] })],
);

/** Sources ('mic', 'camera', 'screen') the chair holds muted for a participant, kept across rejoins. */
export const conferenceMutes = pgTable(
  'conference_mutes',
  {
    meetingId: uuid('meeting_id')
      .notNull()
      .references(() => meetings.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    sources: text('sources').array().notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.meetingId, t.userId] })],
);
