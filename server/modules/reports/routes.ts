import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ReportQuery, ReportSummary } from '../../contract/reports.ts';
import { requireRole } from '../../plugins/session.ts';
import type { ReportService } from './service.ts';

/** The secretariat's figures: a secretary's office sees its own meetings, an admin every meeting. */
export const reportRoutes = (reports: ReportService): FastifyPluginAsyncTypebox => async (app) => {
  app.get(
    '/reports/summary',
    { preHandler: requireRole('admin', 'secretary'), schema: { querystring: ReportQuery, response: { 200: ReportSummary } } },
    async (request) => reports.summary(request.session!.user, request.query),
  );
};
