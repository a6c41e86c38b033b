/**
 * Refuses cross-site requests that change state. Browsers send Origin on every
 * POST/PUT/PATCH/DELETE (and Sec-Fetch-Site where supported); a request whose
 * origin is neither PUBLIC_URL nor the host it was sent to is refused before
 * any handler runs. Non-browser clients that send neither header are not
 * browsers riding on someone's cookie, so they pass.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isSameOrigin(origin: string, request: { host: string | undefined; protocol: string }, publicUrl: URL): boolean {
  if (origin === publicUrl.origin) return true;
  if (request.host === undefined) return false;
  return origin === `${request.protocol}://${request.host}`;
}

export function isCrossSiteRequest(request: FastifyRequest, publicUrl: URL): boolean {
  const origin = request.headers.origin;
  if (origin !== undefined) return !isSameOrigin(origin, { host: request.headers.host, protocol: request.protocol }, publicUrl);
  return request.headers['sec-fetch-site'] === 'cross-site';
}

export const originCheckPlugin = fp(async (app: FastifyInstance) => {
  app.addHook('onRequest', async (request) => {
    if (SAFE_METHODS.has(request.method)) return;
    if (isCrossSiteRequest(request, app.config.publicUrl)) throw new AppError(403, 'crossSite');
  });
});
