/**
 * Reads the session cookie on every request, validates it against the
 * database and exposes request.session. Provides the guards routes use:
 * requireUser (401) and requireRole (403).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { GlobalRole } from '../contract/identity.ts';
import { AppError } from '../errors.ts';
import type { AuthService } from '../modules/auth/service.ts';

export const SESSION_COOKIE = 'phs_session';

export function sessionCookieOptions(app: FastifyInstance, expiresAt: Date) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: app.config.publicUrl.protocol === 'https:',
    expires: expiresAt,
  };
}

export function setSessionCookie(app: FastifyInstance, reply: FastifyReply, token: string, expiresAt: Date): void {
  reply.setCookie(SESSION_COOKIE, token, sessionCookieOptions(app, expiresAt));
}

export function clearSessionCookie(app: FastifyInstance, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { ...sessionCookieOptions(app, new Date(0)), expires: new Date(0) });
}

export const sessionPlugin = fp(async (app: FastifyInstance, { auth }: { auth: AuthService }) => {
  app.decorateRequest('session', null);
  app.addHook('onRequest', async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token === undefined || token === '') return;
    const session = await auth.validate(token);
    if (session === undefined) {
      clearSessionCookie(app, reply);
      return;
    }
    request.session = session;
    if (session.renewed) setSessionCookie(app, reply, token, session.expiresAt);
  });
});

export async function requireUser(request: FastifyRequest): Promise<void> {
  if (request.session === null) throw new AppError(401, 'unauthenticated');
}

export function requireRole(...roles: GlobalRole[]) {
  return async (request: FastifyRequest): Promise<void> => {
    if (request.session === null) throw new AppError(401, 'unauthenticated');
    if (!roles.includes(request.session.user.role)) throw new AppError(403, 'forbidden');
  };
}
