/**
 * More than one connection accepted per turn of the event loop.
 *
 * libuv accepts one connection each time the loop polls a listening socket
 * (measured here with Node 24, libuv 1.52: a burst of 200 connections is
 * accepted one per turn). When a hall's tablets reconnect at once (their
 * idle keep-alive connections were closed; the presenter opens a document),
 * every turn also runs the checks and reads of the requests already in, so
 * the last tablet's connection waits behind a couple of hundred turns, and
 * the app's natural batches (lib/natural-batch.ts) shrink to one or two
 * requests each: bench:documents saw session checks asked two at a time, a
 * query each, for 340 ms.
 *
 * So the server listens on several sockets bound to the same address and
 * port (SO_REUSEPORT, which the kernel spreads new connections over): each
 * accepts one per turn, and hands its connection to the one HTTP server,
 * exactly as a connection on its own socket (the documented
 * `server.emit('connection', socket)`: Socket.io's upgrades and the server's
 * connection tracking and timeouts follow from that event; the app serves no
 * TLS itself, nginx does). The sockets share nothing else.
 *
 * SO_REUSEPORT would also let a second copy of the app, started by mistake
 * by the same user, share the port without an error. So the port is first
 * bound on its own, without the option: a copy already running refuses that
 * (EADDRINUSE, as it always did); then it is released and bound again with
 * it. Where the system has no SO_REUSEPORT, the server listens as before,
 * on one socket.
 */
import net from 'node:net';
import type { Server } from 'node:http';

/** Sockets listening in all (each accepts one connection per turn of the event loop). */
export const ACCEPTORS = 8;

export type ListenAt = { port: number; host: string };

/** Whether the address is free now (false: something, maybe another copy of this app, listens on it). */
async function portIsFree(at: ListenAt): Promise<boolean> {
  const probe = net.createServer();
  return new Promise((resolve, reject) => {
    probe.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolve(false) : reject(error)));
    probe.listen({ port: at.port, host: at.host, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

function listen(server: net.Server, options: net.ListenOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (error: Error) => reject(error);
    server.once('error', failed);
    server.listen(options, () => {
      server.off('error', failed);
      resolve();
    });
  });
}

/** The extra sockets: `close` stops them accepting (before the server's own close, so a stopping server takes no newcomer). */
export type Acceptors = { readonly count: number; close(): void };

const none: Acceptors = { count: 1, close: () => undefined };

/**
 * Listens with `ACCEPTORS` sockets where the system allows it, with one
 * otherwise; `bind` is how the main server listens (Fastify's own `listen`).
 */
export async function listenWithAcceptors(server: Server, at: ListenAt, bind: (options: ListenAt & { reusePort?: boolean }) => Promise<unknown>): Promise<Acceptors> {
  // A fixed port taken already is refused as before; with port 0 the system picks one nobody holds.
  if (at.port !== 0 && !(await portIsFree(at))) {
    await bind(at);
    return none;
  }
  try {
    await bind({ ...at, reusePort: true });
  } catch (error) {
    if (!isUnsupported(error)) throw error;
    await bind(at);
    return none;
  }
  const address = server.address();
  if (address === null || typeof address !== 'object') return none;
  const extras: net.Server[] = [];
  for (let i = 1; i < ACCEPTORS; i++) {
    // No pause, no options: the HTTP server takes the socket from here as its own.
    const extra = net.createServer((socket) => server.emit('connection', socket));
    try {
      await listen(extra, { port: address.port, host: address.address, reusePort: true });
    } catch {
      break; // fewer acceptors is only slower
    }
    extras.push(extra);
  }
  const close = () => {
    for (const extra of extras) if (extra.listening) extra.close();
  };
  server.once('close', close);
  return { count: 1 + extras.length, close };
}

/** Errors of a system (or Node) without SO_REUSEPORT. */
function isUnsupported(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'EINVAL' || code === 'ERR_INVALID_ARG_VALUE';
}
