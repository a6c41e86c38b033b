/**
 * The e-mail queue and the SMTP settings (the mail module's tables). A job is
 * one message to one address, stored whole (attachments included) before
 * anything is sent, so a restart loses nothing; its Message-ID is fixed when
 * it is queued, so a resend after an unknown outcome is the same message.
 */
import { sql } from 'drizzle-orm';
import { check, customType, index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { meetings } from './meetings.ts';

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

export const mailJobStatus = pgEnum('mail_job_status', ['queued', 'sending', 'sent', 'failed', 'cancelled']);



export const mailJobs = pgTable(
  'mail_jobs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** invitation, update, reminder, minutes … (free text: the caller names it) */
    kind: text('kind').notNull(),
    meetingId: uuid('meeting_id').references(() => meetings.id, { onDelete: 'set null' }),
    toAddress: text('to_address').notNull(),
    subject: text('subject').notNull(),
    textBody: text('text_body').notNull(),
    htmlBody: text('html_body'),
    /** fixed at enqueue: the same message on every attempt */
    messageId: text('message_id').notNull(),
    /** a job that must exist once (an invitation of one version to one person, one reminder): a second enqueue is a no-op */
    dedupeKey: text('dedupe_key'),
    status: mailJobStatus('status').notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    /** not before: back-off after a failure, or a reminder's time */
    runAt: timestamp('run_at', { withTimezone: true }).notNull().defaultNow(),
    /** while 'sending': after this instant another process may take the job (its sender died) */
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    lastError: text('last_error'),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('mail_jobs_due_idx').on(t.status, t.runAt),
    index('mail_jobs_meeting_idx').on(t.meetingId, t.createdAt),
    uniqueIndex('mail_jobs_dedupe_idx').on(t.dedupeKey),
  ],
);

/** A job's attachments, stored with it (bytea) so a restart loses nothing. */
export const mailAttachments = pgTable(
  'mail_attachments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    jobId: uuid('job_id')
      .notNull()
      .references(() => mailJobs.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    filename: text('filename').notNull(),
    contentType: text('content_type').notNull(),
    content: bytea('content').notNull(),
  },
  (t) => [uniqueIndex('mail_attachments_job_idx').on(t.jobId, t.position)],
);

/** The one row of SMTP settings the admin edits (the password is never read back by the API). */
export const mailSettings = pgTable(
  'mail_settings',
  {
    id: integer('id').primaryKey().default(1),
    host: text('host').notNull(),
    port: integer('port').notNull(),
    security: text('security', { enum: ['none', 'starttls', 'tls'] }).notNull(),
    username: text('username'),
    password: text('password'),
    fromAddress: text('from_address').notNull(),
    fromName: text('from_name').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('mail_settings_one_row', sql`${t.id} = 1`)],
);

/** What the last announcement of a meeting said: a change of time or place since is announced with the next SEQUENCE. */
export const mailMeetingAnnouncements = pgTable('mail_meeting_announcements', {
  meetingId: uuid('meeting_id')
    .primaryKey()
    .references(() => meetings.id, { onDelete: 'cascade' }),
  sequence: integer('sequence').notNull(),
  startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
  endsAt: timestamp('ends_at', { withTimezone: true }),
  location: text('location'),

});
