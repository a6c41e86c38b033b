/**
 * The auth module: login, sessions, logout; owns the sessions and login
 * throttle tables (the identity schema it shares with users and units).
 * Other modules learn who is calling from request.session / socket.data,
 * which the session plugin and the socket server fill in through this
 * module's service.
 */
import type { FastifyBaseLogger } from 'fastify';
import Type from 'typebox';
import { rooms } from '../../contract/realtime.ts';
import { AppError } from '../../errors.ts';
import { defineModule } from '../module.ts';
import { DemoAccounts } from './demo-accounts.ts';
import { authRoutes } from './routes.ts';
import { hashPassword } from './passwords.ts';
import { followUserChanges, watchExpiry } from './socket-freshness.ts';
import { AuthService, normalizeUsername } from './service.ts';
import { LoginThrottle, type ThrottleLimits } from './throttle.ts';

const PURGE_INTERVAL_MS = 60 * 60_000;
const Empty = Type.Object({}, { additionalProperties: false });

/**
 * What the users module needs of auth to keep accounts: the form a username
 * is stored (and looked up at login) in, how a password is stored, and ending
 * every session of a person (deactivated, password reset).
 */
export type Credentials = {
  normalizeUsername(username: string): string;
  hashPassword(password: string): Promise<string>;
  revokeAll: AuthService['revokeAll'];
};

/** The credentials API over an auth service (the module's own, or the seed's). */
export function credentialsOf(service: AuthService): Credentials {
  return { normalizeUsername, hashPassword, revokeAll: (userId, reason) => service.revokeAll(userId, reason) };
}

export type AuthModule = {
  service: AuthService;
  credentials: Credentials;
  log: FastifyBaseLogger;
  stopPurging(): void;
  /** A failure throttle on the login throttle's table, with limits (and keys) of the caller's own: other modules' guesses (display codes) are counted the same way. */
  throttle(limits: ThrottleLimits): LoginThrottle;
  /** whether the demo accounts are active on the published demo password (the web app's banner) */
  demoAccountsExist(): Promise<boolean>;
};

export const authModule = defineModule<Record<string, never>, AuthModule>({
  name: 'auth',
  create({ config, db, events, log }) {
    const service = new AuthService(db, events, {
      sessionLifetimeMs: config.sessionLifetimeMs,
      throttle: {
        perAccount: config.loginMaxFailuresPerAccount,
        perAddress: config.loginMaxFailuresPerAddress,
        windowMs: config.loginWindowMs,
      },
    });
    const timer = setInterval(() => {
      service.purgeExpired().catch((error: unknown) => log.warn({ err: error }, 'purging expired sessions failed'));
    }, PURGE_INTERVAL_MS);
    timer.unref();
    const demo = new DemoAccounts(db);
    return {
      service,
      credentials: credentialsOf(service),
      log,
      stopPurging: () => clearInterval(timer),
      throttle: (limits) => new LoginThrottle(db, limits),
      demoAccountsExist: () => demo.exist(),
    };
  },
  routes: ({ service }) => authRoutes(service),
  sockets: ({ service }) => ({
    /** Who this connection is, re-checking the session: it may have expired while the socket stayed open. */
    'session:whoami': {
      schema: Empty,
      run: async (_payload, socket) => {
        if (!(await service.isAlive(socket.data.sessionId))) {
          socket.disconnect(true);
          throw new AppError(401, 'unauthenticated');
        }
        return socket.data.user;
      },
    },
  }),
  onConnection: ({ service, log }, socket) => watchExpiry(socket, service, log),
  subscribe: ({ service }, { events, io, log }) => {
    followUserChanges(io, service, events, log);
    // A logout, deactivation or password reset cuts the sockets of the sessions it ended.
    events.on('sessions.revoked', ({ userId, sessionIds, reason }) => {
      const targets = sessionIds === 'all' ? [rooms.user(userId)] : sessionIds.map((id) => rooms.session(id));
      io.to(targets).emit('session:revoked', { reason });
      io.in(targets).disconnectSockets(true);
    });
  },
  close: ({ stopPurging }) => stopPurging(),
});

export { AuthService } from './service.ts';
export type { LoginThrottle, ThrottleLimits } from './throttle.ts';
