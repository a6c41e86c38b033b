/**
 * The tablets: many Socket.io clients in one process, apart from the server
 * and from the presenter. Driven by bench/fanout.ts over IPC (see
 * protocol.ts): connect N sockets to a server and join the meeting room, then
 * for each armed page change record when every socket received the matching
 * `live:update` and report those receive times.
 */
import { io, type Socket } from 'socket.io-client';
import type { LiveUpdateMessage } from '../../server/contract/live.ts';
import { clock, type FromTablets, type Target, type ToTablets } from './protocol.ts';

type Tablet = { socket: Socket; lastVersion: number; index: number };
type Armed = { page: number; times: Float64Array; count: number; timer: NodeJS.Timeout };
type Group = { tablets: Tablet[]; armed: Armed | null; gaps: number; stray: number };

const groups: Record<Target, Group> = {
  app: { tablets: [], armed: null, gaps: 0, stray: 0 },
  bare: { tablets: [], armed: null, gaps: 0, stray: 0 },
};

function send(message: FromTablets): void {
  process.send?.(message);
}

function finish(target: Target): void {
  const group = groups[target];
  const armed = group.armed;
  if (armed === null) return;
  clearTimeout(armed.timer);
  group.armed = null;
  send({ type: 'done', target, page: armed.page, times: Array.from(armed.times), missing: armed.times.length - armed.count, gaps: group.gaps, stray: group.stray });
}

function onUpdate(target: Target, tablet: Tablet, message: LiveUpdateMessage): void {
  const at = clock();
  const index = tablet.index;
  const group = groups[target];
  if (tablet.lastVersion >= 0 && message.version !== tablet.lastVersion + 1) group.gaps += 1;
  tablet.lastVersion = message.version;
  const armed = group.armed;
  const page = message.update.section === 'presentation' ? message.update.value?.page : undefined;
  if (armed === null || page !== armed.page || index >= armed.times.length) {
    group.stray += 1;
    return;
  }
  if (armed.times[index] !== 0) return;
  armed.times[index] = at;
  armed.count += 1;
  if (armed.count === armed.times.length) finish(target);
}

function connectOne(target: Target, url: string, cookie: string | undefined, join: { event: string; payload: unknown }): Promise<Tablet> {
  return new Promise((resolve, reject) => {
    const extraHeaders: Record<string, string> = { origin: url };
    if (cookie !== undefined) extraHeaders.cookie = cookie;
    const socket = io(url, { path: '/socket.io', transports: ['websocket'], extraHeaders, reconnection: false, forceNew: true, timeout: 30_000 });
    // index: its position in its group, set once the batch is in; until then it times nothing.
    const tablet: Tablet = { socket, lastVersion: -1, index: Number.MAX_SAFE_INTEGER };
    socket.on('live:update', (message: LiveUpdateMessage) => onUpdate(target, tablet, message));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
    socket.once('connect', () => {
      socket.timeout(30_000).emit(join.event, join.payload, (error: Error | null, ack: { ok: boolean; data?: { version: number }; error?: { code: string } }) => {
        if (error !== null) return reject(error);
        if (!ack.ok || ack.data === undefined) return reject(new Error(`${join.event} refused: ${ack.error?.code ?? 'unknown'}`));
        tablet.lastVersion = ack.data.version;
        resolve(tablet);
      });
    });
  });
}

async function connect(command: Extract<ToTablets, { type: 'connect' }>): Promise<void> {
  const group = groups[command.target];
  const started = clock();
  let failures = 0;
  let firstError: string | null = null;
  let next = 0;
  const worker = async () => {
    while (next < command.count) {
      const k = next++;
      const cookie = command.cookies.length === 0 ? undefined : command.cookies[(command.startIndex + k) % command.cookies.length];
      try {
        slots[k] = await connectOne(command.target, command.url, cookie, command.join);
      } catch (error) {
        failures += 1;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  const slots: (Tablet | undefined)[] = new Array<Tablet | undefined>(command.count);
  await Promise.all(Array.from({ length: Math.max(1, command.concurrency) }, worker));
  for (const tablet of slots) {
    if (tablet === undefined) continue;
    tablet.index = group.tablets.length;
    group.tablets.push(tablet);
  }
  send({ type: 'connected', target: command.target, total: group.tablets.length, ms: clock() - started, failures, firstError });
}

process.on('message', (raw) => {
  const command = raw as ToTablets;
  switch (command.type) {
    case 'connect':
      connect(command).catch((error: unknown) => send({ type: 'fatal', message: String(error) }));
      break;
    case 'arm': {
      const group = groups[command.target];
      if (group.armed !== null) finish(command.target);
      group.armed = {
        page: command.page,
        times: new Float64Array(group.tablets.length),
        count: 0,
        timer: setTimeout(() => finish(command.target), command.timeoutMs),
      };
      send({ type: 'armed', target: command.target, page: command.page });
      if (group.tablets.length === 0) finish(command.target);
      break;
    }
    case 'ping':
      send({ type: 'pong', sent: command.sent, at: clock() });
      break;
    case 'close': {
      const group = groups[command.target];
      for (const tablet of group.tablets) tablet.socket.close();
      group.tablets = [];
      send({ type: 'closed', target: command.target });
      break;
    }
  }
});

// Dies with its parent.
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
