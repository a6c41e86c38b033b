/**
 * Nobody anonymous gets past onRequest, except on the routes listed here: a
 * request without a live session is refused before its body is read or
 * validated, so an anonymous caller cannot make the server parse and check
 * a megabyte of hostile JSON. Routes still check roles and meeting access
 * themselves; this is the first gate, not the only one.
 *
 * The whole public surface of the API is this list (hall displays prove
 * themselves with their device cookie inside their routes).
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors.ts';

const PUBLIC_ROUTES = new Set([
  'POST /api/v1/auth/login',
  'GET /api/v1/health',
  'POST /api/v1/display/pairings',
  'GET /api/v1/display/state',
  'GET /api/v1/display/polls',
  'GET /api/v1/display/points',
  'GET /api/v1/display/presentation/file',
]);

/** Unknown addresses answer 404 to everyone, as before. */
const NOT_FOUND_ROUTE = '/api/v1/*';

export function isPublicRoute(method: string, url: string | undefined): boolean {
  return url === undefined || url === NOT_FOUND_ROUTE || PUBLIC_ROUTES.has(`${method} ${url}`) || (method === 'HEAD' && PUBLIC_ROUTES.has(`GET ${url}`));
}

export const authGatePlugin = fp(async (app: FastifyInstance) => {
  app.addHook('onRequest', async (request) => {
    if (request.session !== null) return;
    if (isPublicRoute(request.method, request.routeOptions.url)) return;
    throw new AppError(401, 'unauthenticated');
  });
});
