/**
 * The mail routes: SMTP settings (admin; the password is write-only), every
 * e-mail (admin), one meeting's e-mails (its secretariat), and retry of a
 * failed one.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { MailJobEnvelope, MailJobList, MailJobListQuery, MailJobParams, MeetingMailJobParams, MeetingMailParams, SmtpSettingsEnvelope, SmtpSettingsInput } from '../../contract/mail.ts';
import { requireRole, requireUser } from '../../plugins/session.ts';
import type { MailService } from './service.ts';

export function mailRoutes(service: MailService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const admin = requireRole('admin');
    app.get('/mail/settings', { preHandler: admin, schema: { response: { 200: SmtpSettingsEnvelope } } }, async () => ({ settings: await service.showSettings() }));
    app.put('/mail/settings', { preHandler: admin, schema: { body: SmtpSettingsInput, response: { 200: SmtpSettingsEnvelope } } }, async (request) => ({
      settings: await service.saveSettings(request.body),
    }));
    app.get('/mail/jobs', { preHandler: admin, schema: { querystring: MailJobListQuery, response: { 200: MailJobList } } }, async (request) => service.listAll(request.query));
    app.post('/mail/jobs/:id/retry', { preHandler: admin, schema: { params: MailJobParams, response: { 200: MailJobEnvelope } } }, async (request) => ({
      job: await service.retry(request.session!.user, request.params.id),
    }));
    app.get('/meetings/:meetingId/mail', { preHandler: requireUser, schema: { params: MeetingMailParams, querystring: MailJobListQuery, response: { 200: MailJobList } } }, async (request) =>
      service.listOfMeeting(request.session!.user, request.params.meetingId, request.query),
    );
    app.post('/meetings/:meetingId/mail/:jobId/retry', { preHandler: requireUser, schema: { params: MeetingMailJobParams, response: { 200: MailJobEnvelope } } }, async (request) => ({
      job: await service.retry(request.session!.user, request.params.jobId, request.params.meetingId),
    }));
  };
}
