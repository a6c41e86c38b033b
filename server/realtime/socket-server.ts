/**
 * Socket.io on the same HTTP server as Fastify. Every connection must carry
 * the same session cookie as the REST API (no cookie or a dead one: refused),
 * must come from our own origin, and joins its user's room so that a logout,
 * deactivation or password reset can cut it off at once.
 */
import type { FastifyInstance } from 'fastify';
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import { Server, type Socket } from 'socket.io';
import type { SessionUser } from '../contract/identity.ts';
import { rooms, type ClientToServerEvents, type ServerToClientEvents } from '../contract/realtime.ts';
import { SESSION_COOKIE } from '../plugins/session.ts';
import { isSameOrigin } from '../plugins/origin-check.ts';
import type { AuthService } from '../modules/auth/service.ts';
import { translate } from '../i18n/messages.ts';
import { socketHandler } from './handler.ts';
import { SocketRouter } from './socket-table.ts';

export type SocketData = { user: SessionUser; sessionId: string; sessionExpiresAt: number };
/** Between app processes (through the Redis adapter): a user's role or unit changed, refresh their sockets. */
export type InterServerEvents = { 'user:changed': (userId: string) => void };
export type AppServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

export class UnauthenticatedSocketError extends Error {
  readonly data = { code: 'unauthenticated' };
}

export class TooManySocketsError extends Error {
  readonly data = { code: 'tooManyConnections' };
}

/**
 * With REDIS_URL, rooms and broadcasts span every app process (a logout on one
 * process disconnects the user's sockets on all of them).
 */
async function attachRedisAdapter(io: AppServer, redisUrl: string, app: FastifyInstance): Promise<() => Promise<void>> {
  const pub = createClient({ url: redisUrl });
  const sub = pub.duplicate();
  for (const client of [pub, sub]) client.on('error', (error: unknown) => app.log.error({ err: error }, 'redis connection error'));
  await Promise.all([pub.connect(), sub.connect()]);
  io.adapter(createAdapter(pub, sub));
  return async () => {
    await Promise.allSettled([pub.quit(), sub.quit()]);
  };
}

/**
 * The Socket.io server, made before any module loads so that modules can
 * register handlers and rooms from the start. Users' sockets are accepted
 * only once `authenticate` has named the auth service (app.ts does it right
 * after loading the auth module); until then a connection is refused.
 */
export async function createSocketServer(app: FastifyInstance): Promise<{
  io: AppServer;
  router: SocketRouter<ClientToServerEvents, AppSocket>;
  authenticate(auth: AuthService): void;
  close(): Promise<void>;
}> {
  const io: AppServer = new Server(app.server, {
    path: '/socket.io',
    serveClient: false,
    // The largest real call is an ink stroke of 5,000 points (~125 KB); Socket.io's default is 1 MB.
    maxHttpBufferSize: 256 * 1024,
    // A cross-site page must not open a socket with the user's cookie.
    allowRequest: (req, callback) => {
      const origin = req.headers.origin;
      const encrypted = 'encrypted' in req.socket && req.socket.encrypted === true;
      const ok = origin === undefined || isSameOrigin(origin, { host: req.headers.host, protocol: encrypted ? 'https' : 'http' }, app.config.publicUrl);
      callback(ok ? null : 'cross-site connection refused', ok);
    },
  });

  const router = new SocketRouter<ClientToServerEvents, AppSocket>({
    handler: socketHandler,
    log: app.log,
    refuse: (socket, ack, code) => ack({ ok: false, error: { code, message: translate(code, socket.data.user.locale) } }),
  });

  let auth: AuthService | undefined;
  io.use((socket, next) => {
    const cookies = app.parseCookie(socket.request.headers.cookie ?? '');
    const token = cookies[SESSION_COOKIE];
    if (token === undefined || auth === undefined) return next(new UnauthenticatedSocketError('unauthenticated'));
    auth.validate(token).then(
      (session) => {
        if (session === undefined) return next(new UnauthenticatedSocketError('unauthenticated'));
        // One user's sockets are capped (on every process, through the adapter): a script cannot open thousands.
        return io
          .in(rooms.user(session.user.id))
          .fetchSockets()
          .then((open) => {
            if (open.length >= app.config.maxSocketsPerUser) return next(new TooManySocketsError('tooManyConnections'));
            socket.data = { user: session.user, sessionId: session.id, sessionExpiresAt: session.expiresAt.getTime() };
            void socket.join([rooms.user(session.user.id), rooms.session(session.id)]);
            next();
          });
      },
      (error: unknown) => {
        app.log.error({ err: error }, 'socket authentication failed');
        next(new Error('internal'));
      },
    );
  });

  io.on('connection', (socket) => router.attach(socket));

  const closeAdapter = app.config.redisUrl === undefined ? async () => {} : await attachRedisAdapter(io, app.config.redisUrl, app);
  return {
    io,
    router,
    authenticate(service) {
      auth = service;
    },
    async close() {
      await io.close();
      await closeAdapter();
    },
  };
}
