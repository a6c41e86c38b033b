/**
 * The e-mail queue and the SMTP settings (the mail module's tables). A job is
 * one message to one address, stored whole (attachments included) before
 * anything is sent, so a restart loses nothing; its Message-ID is fixed when
 * it is queued, so a resend after an unknown outcome is the same message.
 */
import { sql } from 'drizzle-orm';
import { check, customType, index, integer, pgEnum, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { meetings } from './meetings.ts';
import { idColumn, instant, stampedAt, requiredRef, optionalRef } from './columns.ts';

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

export const mailJobStatus = pgEnum('mail_job_status', ['queued', 'sending', 'sent', 'failed', 'cancelled']);



export const mailJobs = pgTable(
  'mail_jobs',
  {
    id: idColumn(),
    /** invitation, update, reminder, minutes … (free text: the caller names it) */
    kind: text('kind').notNull(),
    meetingId: optionalRef('meeting_id', () => meetings.id, 'set null'),
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
    runAt: stampedAt('run_at'),
    /** while 'sending': after this instant another process may take the job (its sender died) */
    leaseUntil: instant('lease_until'),
    lastError: text('last_error'),
    sentAt: instant('sent_at'),
    createdAt: stampedAt('created_at'),
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
    id: idColumn(),
    jobId: requiredRef('job_id', () => mailJobs.id, 'cascade'),
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
    updatedAt: stampedAt('updated_at'),
  },
  (t) => [check('mail_settings_one_row', sql`${t.id} = 1`)],
);

/** What the last announcement of a meeting said: a change of time or place since is announced with the next SEQUENCE. */
export const mailMeetingAnnouncements = pgTable('mail_meeting_announcements', {
  meetingId: uuid('meeting_id')
    .primaryKey()
    .references(() => meetings.id, { onDelete: 'cascade' }),
  sequence: integer('sequence').notNull(),
  startsAt: instant('starts_at').notNull(),
  endsAt: instant('ends_at'),
  location: text('location'),

});
