/**
 * The voters of the vote storm: one Socket.io client per delegate, all in this
 * process, apart from the server and the bench driver. Driven over IPC (see
 * protocol.ts): connect every voter, then cast one ballot each and report each
 * acknowledgement's latency.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import type { CastOutcome, FromVoters, ToVoters, Voter } from './protocol.ts';

type Ack = { ok: true } | { ok: false; error: { code: string } };
const ACK_TIMEOUT_MS = 30_000;
let sockets: Socket[] = [];

function send(message: FromVoters): void {
  process.send?.(message);
}

function connectOne(url: string, voter: Voter): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(url, { path: '/socket.io', transports: ['websocket'], extraHeaders: { origin: url, cookie: voter.cookie }, reconnection: false, forceNew: true, timeout: 30_000 });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

async function connectAll(url: string, voters: Voter[], concurrency: number): Promise<void> {
  // A new storm brings its own voters: the sockets of the last one go.
  for (const socket of sockets) socket.close();
  sockets = [];
  const start = performance.now();
  const result: Socket[] = new Array(voters.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < voters.length) {
        const i = next++;
        result[i] = await connectOne(url, voters[i]!);
      }
    }),
  );
  sockets = result;
  send({ type: 'connected', count: sockets.length, ms: performance.now() - start });
}

async function castAll(message: Extract<ToVoters, { type: 'cast' }>): Promise<void> {
  // Epoch milliseconds, so the bench can set the moments of several voters processes side by side.
  const at = () => performance.timeOrigin + performance.now();
  let firstSend = Number.POSITIVE_INFINITY;
  let lastSend = 0;
  let lastAck = 0;
  const outcomes = await Promise.all(
    sockets.map(
      (socket, i) =>
        new Promise<CastOutcome>((resolve) => {
          setTimeout(() => {
            const sent = at();
            firstSend = Math.min(firstSend, sent);
            lastSend = Math.max(lastSend, sent);
            const payload = { meetingId: message.meetingId, pollId: message.pollId, idempotencyKey: `bench-${randomUUID()}`, choice: message.choices[i] };
            socket.timeout(ACK_TIMEOUT_MS).emit('vote:cast', payload, (error: Error | null, ack: Ack) => {
              const acked = at();
              lastAck = Math.max(lastAck, acked);
              if (error !== null) resolve({ latencyMs: acked - sent, ok: false, code: 'timeout' });
              else resolve({ latencyMs: acked - sent, ok: ack.ok, code: ack.ok ? null : ack.error.code });
            });
          }, message.offsets[i] ?? 0);
        }),
    ),
  );
  send({ type: 'cast-done', outcomes, firstSendAt: firstSend, lastSendAt: lastSend, lastAckAt: lastAck });
}

process.on('message', (raw) => {
  const message = raw as ToVoters;
  const run = message.type === 'connect' ? connectAll(message.url, message.voters, message.concurrency) : castAll(message);
  run.catch((error: unknown) => send({ type: 'fatal', message: error instanceof Error ? error.message : String(error) }));
});
process.on('disconnect', () => {
  for (const socket of sockets) socket.close();
  process.exit(0);
});
