/**
 * One error handler for the whole API. Bad input and refused actions become a
 * 4xx with a message in the caller's language that names the field; anything
 * unexpected becomes a 500 that shows nothing of the internals and is logged
 * with the request id.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { ErrorBody } from '../contract/errors.ts';
import { toIssues, type ValidationIssue } from '../contract/validation.ts';
import { AppError } from '../errors.ts';
import { describeIssue, pickLocale, translate, type ErrorKey } from '../i18n/messages.ts';

function send(request: FastifyRequest, reply: FastifyReply, status: number, key: ErrorKey, extra: { params?: Record<string, string | number>; issues?: ValidationIssue[]; field?: string } = {}) {
  const locale = request.locale;
  const issues = extra.issues?.map((issue) => ({ ...issue, message: describeIssue(issue, locale) }));
  const body: ErrorBody = {
    error: {
      code: key,
      // For validation, the first issue is the most useful headline.
      message: issues?.[0]?.message ?? translate(key, locale, extra.params),
      requestId: String(request.id),
    },
  };
  const field = extra.field ?? issues?.[0]?.field;
  if (field !== undefined) body.error.field = field;
  if (issues !== undefined) body.error.issues = issues;
  return reply.status(status).send(body);
}

export const errorsPlugin = fp(async (app: FastifyInstance) => {
  app.decorateRequest('locale', 'vi');
  app.addHook('onRequest', async (request) => {
    request.locale = pickLocale(request.cookies.lang, request.headers['accept-language']);
  });

  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (error instanceof AppError) {
      if (error.headers !== undefined) void reply.headers(error.headers);
      return send(request, reply, error.status, error.key, {
        params: error.params,
        ...(error.issues === undefined ? {} : { issues: error.issues }),
        ...(error.field === undefined ? {} : { field: error.field }),
      });
    }
    if (error.validation !== undefined) {
      const issues = toIssues(error.validation as Parameters<typeof toIssues>[0]).map((issue) => ({
        ...issue,
        field: issue.field === '' ? '' : issue.field,
      }));
      return send(request, reply, 400, 'validation', { issues });
    }
    switch (error.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return send(request, reply, 413, 'bodyTooLarge');
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return send(request, reply, 400, 'badJson');
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return send(request, reply, 415, 'unsupportedMediaType');
    }
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      // Fastify's own 4xx (e.g. malformed requests): a clear status, no internals.
      request.log.info({ err: error }, 'client error');
      return send(request, reply, error.statusCode, 'validation');
    }
    request.log.error({ err: error }, 'unhandled error');
    return send(request, reply, 500, 'internal');
  });
});

export function apiNotFound(request: FastifyRequest, reply: FastifyReply) {
  return send(request, reply, 404, 'routeNotFound');
}
