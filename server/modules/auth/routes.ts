import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { NoContent } from '../../contract/common.ts';
import { LoginBody, SessionInfo } from '../../contract/identity.ts';
import { AppError } from '../../errors.ts';
import { normalizeUsername, type AuthService } from './service.ts';
import { clearSessionCookie, requireUser, setSessionCookie } from '../../plugins/session.ts';

export const authRoutes = (auth: AuthService): FastifyPluginAsyncTypebox => async (app) => {
  app.post('/auth/login', { schema: { body: LoginBody, response: { 200: SessionInfo } } }, async (request, reply) => {
    const tried = normalizeUsername(request.body.username);
    let result;
    try {
      result = await auth.login({
        username: request.body.username,
        password: request.body.password,
        address: request.ip,
        userAgent: request.headers['user-agent'],
      });
    } catch (error) {
      if (error instanceof AppError && (error.key === 'loginFailed' || error.key === 'loginThrottled')) {
        request.audit(error.key === 'loginFailed' ? 'auth.loginFailed' : 'auth.loginThrottled', { actorName: tried });
      }
      throw error;
    }
    setSessionCookie(app, reply, result.token, result.expiresAt);
    request.log.info({ userId: result.user.id }, 'login');
    request.audit('auth.login', { actorId: result.user.id, actorName: result.user.username });
    return { user: result.user, expiresAt: result.expiresAt.toISOString() };
  });

  app.get('/auth/me', { preHandler: requireUser, schema: { response: { 200: SessionInfo } } }, async (request) => {
    const session = request.session!;
    return { user: session.user, expiresAt: session.expiresAt.toISOString() };
  });

  app.post('/auth/logout', { preHandler: requireUser, schema: { response: { 204: NoContent } } }, async (request, reply) => {
    const session = request.session!;
    await auth.logout(session.id, session.user.id);
    request.audit('auth.logout');
    clearSessionCookie(app, reply);
    return reply.status(204).send();
  });

  app.post('/auth/logout-everywhere', { preHandler: requireUser, schema: { response: { 204: NoContent } } }, async (request, reply) => {
    await auth.revokeAll(request.session!.user.id, 'logout-everywhere');
    request.audit('auth.logoutEverywhere');
    clearSessionCookie(app, reply);
    return reply.status(204).send();
  });
};
