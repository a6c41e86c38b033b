import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { AppError } from '../errors.ts';
import { socketHandler } from './handler.ts';
import type { AppSocket } from './socket-server.ts';

const Empty = Type.Object({}, { additionalProperties: false });

export function registerSessionHandlers(app: FastifyInstance, socket: AppSocket): void {
  socket.on(
    'session:whoami',
    socketHandler(socket, app.log, Empty, async () => {
      // Re-check the session: it may have expired while the socket stayed open.
      if (!(await app.auth.isAlive(socket.data.sessionId))) {
        socket.disconnect(true);
        throw new AppError(401, 'unauthenticated');
      }
      return socket.data.user;
    }),
  );
}
