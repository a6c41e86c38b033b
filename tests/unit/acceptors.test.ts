/**
 * lib/http/acceptors.ts: a burst of new connections is accepted several per
 * turn of the event loop (libuv alone accepts one), every connection is
 * served by the one HTTP server (requests and upgrades, as Socket.io's), a
 * second copy of the app cannot share the port, and closing frees it.
 */
import http from 'node:http';
import net from 'node:net';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { listenWithAcceptors, type Acceptors } from '../../server/lib/http/acceptors.ts';

const BURST = 64;

/** A tablet hall in a worker thread: BURST connections, each one GET (every other one asking to upgrade); flags once every socket is connected. */
const HALL = `
const { parentPort, workerData } = require('node:worker_threads');
const net = require('node:net');
const flag = new Int32Array(workerData.flag);
let connected = 0;
let done = 0;
const answers = [];
for (let i = 0; i < workerData.burst; i++) {
  const socket = net.connect(workerData.port, '127.0.0.1', () => {
    const upgrade = i % 2 === 1 ? 'Connection: Upgrade\\r\\nUpgrade: websocket\\r\\n' : 'Connection: close\\r\\n';
    socket.write('GET /ban-do HTTP/1.1\\r\\nHost: hoi-truong\\r\\n' + upgrade + '\\r\\n');
    if (++connected === workerData.burst) { Atomics.store(flag, 0, 1); Atomics.notify(flag, 0); }
  });
  let text = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk) => (text += chunk));
  socket.on('close', () => {
    answers[i] = text;
    done += 1;
    if (done === workerData.burst) parentPort.postMessage(answers);
  });
}
`;

function bindWith(server: http.Server) {
  return (options: net.ListenOptions) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options, () => {
        server.off('error', reject);
        resolve();
      });
    });
}

const opened: { server: http.Server; acceptors: Acceptors }[] = [];

async function start(port = 0): Promise<{ server: http.Server; acceptors: Acceptors; port: number }> {
  const server = http.createServer((_request, response) => response.end('xin chào'));
  // As Socket.io answers a WebSocket upgrade: on the raw socket, outside the request handler.
  server.on('upgrade', (_request, socket: net.Socket) => socket.end('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\nchào mừng'));
  const acceptors = await listenWithAcceptors(server, { port, host: '127.0.0.1' }, bindWith(server));
  opened.push({ server, acceptors });
  return { server, acceptors, port: (server.address() as net.AddressInfo).port };
}

afterEach(async () => {
  for (const { server, acceptors } of opened.splice(0)) {
    acceptors.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('several acceptors on one port', () => {
  // SO_REUSEPORT as Linux has it (elsewhere the server listens on one socket and this cannot hold).
  it.runIf(process.platform === 'linux')('accepts a burst that arrived while the loop was busy several connections per turn, and answers every one', async () => {
    const { server, acceptors, port } = await start();
    expect(acceptors.count).toBeGreaterThan(1);
    let turn = 0;
    let ticking = true;
    const tick = () => {
      turn += 1;
      if (ticking) setImmediate(tick);
    };
    tick();
    const perTurn = new Map<number, number>();
    server.on('connection', () => perTurn.set(turn, (perTurn.get(turn) ?? 0) + 1));

    const flag = new Int32Array(new SharedArrayBuffer(4));
    const hall = new Worker(HALL, { eval: true, workerData: { port, burst: BURST, flag: flag.buffer } });
    const answers = new Promise<string[]>((resolve, reject) => {
      hall.once('message', resolve);
      hall.once('error', reject);
    });
    // The loop is held (as by a long query) until the whole hall has connected: every connection waits to be accepted.
    expect(Atomics.wait(flag, 0, 0, 20_000)).not.toBe('timed-out');

    const bodies = await answers;
    ticking = false;
    await hall.terminate();
    expect(bodies).toHaveLength(BURST);
    bodies.forEach((body, i) => expect(body).toMatch(i % 2 === 1 ? /^HTTP\/1\.1 101 Switching Protocols[\s\S]*chào mừng$/ : /^HTTP\/1\.1 200 OK[\s\S]*xin chào$/));
    expect([...perTurn.values()].reduce((sum, n) => sum + n, 0)).toBe(BURST);
    // One listening socket accepts one connection per turn; several take more of the waiting hall in each.
    expect(Math.max(...perTurn.values())).toBeGreaterThan(1);
  });

  it('refuses a second copy on the same fixed port, as one socket always did', async () => {
    const { port } = await start();
    await expect(start(port)).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });

  it('frees the port once closed: nothing is left listening on it', async () => {
    const { server, acceptors, port } = await start();
    acceptors.close();
    await new Promise((resolve) => server.close(resolve));
    opened.length = 0;
    const again = net.createServer();
    await new Promise<void>((resolve, reject) => {
      again.once('error', reject);
      again.listen({ port, host: '127.0.0.1', exclusive: true }, resolve);
    });
    await new Promise((resolve) => again.close(resolve));
  });
});
