import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { NoContent } from '../../contract/common.ts';
import { LoginBody, SessionInfo } from '../../contract/identity.ts';
import type { AuthService } from './service.ts';
import { clearSessionCookie, requireUser, setSessionCookie } from '../../plugins/session.ts';

export const authRoutes = (auth: AuthService): FastifyPluginAsyncTypebox => async (app) => {
  app.post('/auth/login', { schema: { body: LoginBody, response: { 200: SessionInfo } } }, async (request, reply) => {
    const result = await auth.login({
      username: request.body.username,
      password: request.body.password,
      address: request.ip,
      userAgent: request.headers['user-agent'],
    });
    setSessionCookie(app, reply, result.token, result.expiresAt);
    request.log.info({ userId: result.user.id }, 'login');
    return { user: result.user, expiresAt: result.expiresAt.toISOString() };
  });

  app.get('/auth/me', { preHandler: requireUser, schema: { response: { 200: SessionInfo } } }, async (request) => {
    const session = request.session!;
    return { user: session.user, expiresAt: session.expiresAt.toISOString() };
  });

  app.post('/auth/logout', { preHandler: requireUser, schema: { response: { 204: NoContent } } }, async (request, reply) => {
    const session = request.session!;
    await auth.logout(session.id, session.user.id);
    clearSessionCookie(app, reply);
    return reply.status(204).send();
  });

  app.post('/auth/logout-everywhere', { preHandler: requireUser, schema: { response: { 204: NoContent } } }, async (request, reply) => {
    await auth.revokeAll(request.session!.user.id, 'logout-everywhere');
    clearSessionCookie(app, reply);
    return reply.status(204).send();
  });
};
