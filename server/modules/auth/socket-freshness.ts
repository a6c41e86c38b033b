/**
 * An open socket holds the powers its user has now, not those it had when it
 * connected: a role or unit change reaches the user's sockets on every
 * process (refreshed from the database), and a session that expires while
 * its socket stays open is ended on that socket at the moment it expires
 * (unless REST activity extended it meanwhile).
 */
import type { FastifyBaseLogger } from 'fastify';
import { rooms } from '../../contract/realtime.ts';
import type { DomainEvents } from '../../events.ts';
import type { AppServer, AppSocket } from '../../realtime/socket-server.ts';
import type { AuthService } from './service.ts';

/** setTimeout's longest delay; a longer session is re-checked then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

async function refresh(socket: AppSocket, auth: AuthService): Promise<void> {
  if (socket.disconnected) return;
  const state = await auth.sessionState(socket.data.sessionId);
  if (state === undefined) {
    socket.emit('session:revoked', { reason: 'expired' });
    socket.disconnect(true);
    return;
  }
  socket.data.user = state.user;
  socket.data.sessionExpiresAt = state.expiresAt.getTime();
}

/** Ends the socket's session when it expires; re-arms itself when the session was extended. */
export function watchExpiry(socket: AppSocket, auth: AuthService, log: FastifyBaseLogger): void {
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    timer = setTimeout(
      () => {
        refresh(socket, auth).then(
          () => {
            if (socket.connected) arm();
          },
          (error: unknown) => log.error({ err: error, socketId: socket.id }, 'socket session check failed'),
        );
      },
      Math.min(MAX_TIMER_MS, Math.max(0, socket.data.sessionExpiresAt - Date.now()) + 50),
    );
    timer.unref();
  };
  arm();
  socket.on('disconnect', () => clearTimeout(timer));
}

/** This process's sockets of a user take the user's current role, unit and name. */
async function refreshUser(io: AppServer, auth: AuthService, userId: string): Promise<void> {
  const ids = [...(io.sockets.adapter.rooms.get(rooms.user(userId)) ?? [])];
  await Promise.all(
    ids.map(async (id) => {
      const socket = io.sockets.sockets.get(id);
      if (socket !== undefined) await refresh(socket, auth);
    }),
  );
}

export function followUserChanges(io: AppServer, auth: AuthService, events: DomainEvents, log: FastifyBaseLogger): void {
  const onChange = (userId: string) => {
    auth.forgetUser(userId);
    return refreshUser(io, auth, userId).catch((error: unknown) => log.error({ err: error, userId }, 'refreshing sockets after a user change failed'));
  };
  events.on('user.changed', ({ userId }) => {
    void onChange(userId);
    // The other app processes refresh their sockets of this user too (a no-op without REDIS_URL).
    io.serverSideEmit('user:changed', userId);
  });
  io.on('user:changed', (userId) => void onChange(userId));
}
