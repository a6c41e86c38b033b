/**
 * The baseline: a bare Socket.io server (plain `new Server(httpServer)`, no
 * auth, no database, no validation). Clients `join` a room; the presenter's
 * `page` makes the server broadcast the given message to that room as
 * `live:update`, with a version and server time filled in like the app's.
 * For bench:votes it also answers `vote:cast` at once (no checks, no
 * database): what the acknowledgements of a storm cost Socket.io alone.
 * Run as a child of bench/fanout.ts or bench/votes.ts (IPC, --expose-gc for
 * fanout): reports its port and, when asked, its heap after a full GC; exits
 * with its parent.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import type { BarePage, FromBareServer, ToBareServer } from './protocol.ts';

type Ack = (response: { ok: true; data: { version: number } }) => void;
type CastAck = (response: { ok: true; data: { receipt: string; alreadyCast: false } }) => void;
/** A receipt of the app's length (16 base32 characters), so the acknowledgement has the app's bytes. */
const RECEIPT = 'ABCDEFGHIJKLMNOP';

const httpServer = createServer();
const io = new Server(httpServer);
let version = 0;

io.on('connection', (socket) => {
  socket.on('join', (payload: { room: string }, ack: Ack) => {
    void socket.join(payload.room);
    ack({ ok: true, data: { version } });
  });
  socket.on('vote:cast', (_payload: unknown, ack: CastAck) => ack({ ok: true, data: { receipt: RECEIPT, alreadyCast: false } }));
  socket.on('page', (payload: BarePage, ack: Ack) => {
    version += 1;
    io.to(payload.room).emit('live:update', { ...payload.message, version, serverTime: new Date().toISOString() });
    ack({ ok: true, data: { version } });
  });
});

httpServer.listen(0, '127.0.0.1', () => {
  const address = httpServer.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  process.send?.({ type: 'listening', port: address.port } satisfies FromBareServer);
});

process.on('message', (raw) => {
  if ((raw as ToBareServer).type !== 'memory') return;
  (globalThis as { gc?: () => void }).gc?.();
  (globalThis as { gc?: () => void }).gc?.();
  process.send?.({ type: 'memory', heapUsed: process.memoryUsage().heapUsed } satisfies FromBareServer);
});

// Dies with its parent (the IPC channel closes) or when told to stop.
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
