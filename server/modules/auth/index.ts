/** The auth module: login, sessions, logout; owns the sessions and throttle tables. */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AuthService } from './service.ts';

const PURGE_INTERVAL_MS = 60 * 60_000;

export const authServicePlugin = fp(async (app: FastifyInstance) => {
  const auth = new AuthService(app.database.db, app.events, {
    sessionLifetimeMs: app.config.sessionLifetimeMs,
    throttle: {
      perAccount: app.config.loginMaxFailuresPerAccount,
      perAddress: app.config.loginMaxFailuresPerAddress,
      windowMs: app.config.loginWindowMs,
    },
  });
  app.decorate('auth', auth);

  const timer = setInterval(() => {
    auth.purgeExpired().catch((error: unknown) => app.log.warn({ err: error }, 'purging expired sessions failed'));
  }, PURGE_INTERVAL_MS);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));
});

export { authRoutes } from './routes.ts';
