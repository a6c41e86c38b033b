import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AuditCsv, AuditPage, AuditQuery, AuditVerification, type AuditEntryDto } from '../../contract/audit.ts';
import { requireRole } from '../../plugins/session.ts';
import type { AuditService } from './service.ts';

const COLUMNS = ['seq', 'at', 'actorId', 'actorName', 'action', 'meetingId', 'targetType', 'targetId', 'address', 'details', 'hash'] as const;

/** One CSV field: quoted, and a leading = + - @ defused so a spreadsheet does not run it as a formula. */
function csvField(value: unknown): string {
  let text = value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replaceAll('"', '""')}"`;
}

async function* csvLines(rows: AsyncIterable<AuditEntryDto>): AsyncGenerator<string> {
  yield `\uFEFF${COLUMNS.join(',')}\r\n`; // the BOM makes spreadsheet software read Vietnamese as UTF-8
  for await (const row of rows) yield `${COLUMNS.map((column) => csvField(row[column])).join(',')}\r\n`;
}

/** The trail is for administrators only: filter, export as CSV, check the chain. */
export const auditRoutes = (service: AuditService): FastifyPluginAsyncTypebox => async (app) => {
  const admins = requireRole('admin');

  app.get('/audit', { preHandler: admins, schema: { querystring: AuditQuery, response: { 200: AuditPage } } }, async (request) => service.list(request.query));

  app.get('/audit/export.csv', { preHandler: admins, schema: { querystring: AuditQuery, response: { 200: AuditCsv } } }, async (request, reply) => {
    const { limit: _limit, offset: _offset, ...filter } = request.query;
    request.audit('audit.exported', {
      details: { from: filter.from ?? null, to: filter.to ?? null, actorId: filter.actorId ?? null, action: filter.action ?? null, meetingId: filter.meetingId ?? null },
    });
    const stamp = new Date().toISOString().slice(0, 19).replaceAll(':', '-');
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="nhat-ky-kiem-tra-${stamp}.csv"`)
      .header('cache-control', 'private, no-store')
      .send(Readable.from(csvLines(service.rows(filter))));
  });

  app.post('/audit/verify', { preHandler: admins, schema: { response: { 200: AuditVerification } } }, async (request) => {
    const result = await service.verify();
    request.audit('audit.verified', { details: { ok: result.ok, checked: result.checked, brokenAt: result.broken?.seq ?? null } });
    return result;
  });
};
