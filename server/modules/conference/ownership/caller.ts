/**
 * Who makes a conference call, as far as the conference's handlers care: the
 * socket's id (it names the connection that owns a peer), its user, and
 * joining or leaving the conference's Socket.io rooms. A socket on this
 * process is one; a socket on another process is stood in for by
 * `remoteCaller`, whose room changes go through the adapter (Redis) to the
 * process that holds the socket.
 */
import type { SessionUser } from '../../../contract/identity.ts';
import type { AppServer, AppSocket } from '../../../realtime/socket-server.ts';

export type ConferenceCaller = {
  readonly id: string;
  readonly data: { readonly user: SessionUser };
  join(rooms: string | string[]): Promise<void> | void;
  leave(room: string): Promise<void> | void;
};

/** A stand-in for a socket held by another process. */
export function remoteCaller(io: AppServer, socketId: string, user: SessionUser): ConferenceCaller {
  return {
    id: socketId,
    data: { user },
    join: (rooms) => io.in(socketId).socketsJoin(rooms),
    leave: (room) => io.in(socketId).socketsLeave(room),
  };
}

/**
 * The stand-in, typed as the socket the table's handlers are declared with.
 * The conference's handlers (conference-sockets.ts) read only `id`,
 * `data.user`, `join` and `leave`; media-proxy.ts's read only `id` (through
 * `OnOwnPeer`), but its table is typed on AppSocket and is not ours to change
 * now. Once `OnOwnPeer` takes a ConferenceCaller this cast goes.
 */
export function asTableSocket(caller: ConferenceCaller): AppSocket {
  return caller as unknown as AppSocket;
}
