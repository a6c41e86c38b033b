/**
 * The mail module: a durable e-mail queue on the database (workers in every
 * process, leases, retries with back-off), the SMTP settings the admin edits,
 * and the meeting's e-mails: the invitation with its calendar event when the
 * meeting is published, notices of a change of time or place, reminders.
 * Owns mail_jobs, mail_attachments, mail_settings, mail_meeting_announcements.
 *
 * Other modules send through `mail.enqueue({ to, subject, text, html?, attachments?, meetingId?, kind })`.
 */
import { defineModule } from '../module.ts';
import { mailRoutes } from './routes.ts';
import { MailService, type MailDeps } from './service.ts';

export const mailModule = defineModule<MailDeps, MailService>({
  name: 'mail',
  create: ({ db, config, log }, deps) => {
    const service = new MailService(db, config, deps, log);
    service.worker.start();
    return service;
  },
  routes: (service) => mailRoutes(service),
  subscribe: (service, { events }) => {
    // After the publication committed: a failure here is logged, never the publication's.
    events.on('meeting.published', ({ meetingId }) => {
      service.announcePublished(meetingId).catch((error: unknown) => service.logFailure('invitations not queued', error));
    });
    events.on('meeting.changed', ({ meetingId, change }) => {
      if (change !== 'meeting') return;
      service.announceIfMoved(meetingId).catch((error: unknown) => service.logFailure('change of meeting not announced', error));
    });
  },
  close: (service) => service.worker.stop(),
});

export { MailService } from './service.ts';
export type { EnqueueMail, MailAttachment } from './queue.ts';
