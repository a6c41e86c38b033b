/**
 * What bench/fanout.ts and its child processes (the tablets, the bare
 * Socket.io server) say to each other over the IPC channel of child_process.fork,
 * and the one clock they all read.
 */

/** Milliseconds since the epoch with sub-millisecond resolution; comparable across processes on one machine. */
export const clock = (): number => performance.timeOrigin + performance.now();

/** Which server a set of tablets is connected to. */
export type Target = 'app' | 'bare';

/** How a freshly connected tablet joins the room, and what it answers (an Ack with data.version). */
export type JoinSpec = { event: string; payload: unknown };

export type ToTablets =
  /** Open `count` more sockets to `url` (ids startIndex…startIndex+count-1); cookie of id i: cookies[i % cookies.length]. */
  | { type: 'connect'; target: Target; url: string; count: number; startIndex: number; cookies: string[]; join: JoinSpec; concurrency: number }
  /** The next live:update whose presentation page is `page` is the one to time; report when every socket has it, or after timeoutMs. */
  | { type: 'arm'; target: Target; page: number; timeoutMs: number }
  | { type: 'ping'; sent: number }
  | { type: 'close'; target: Target };

export type FromTablets =
  | { type: 'connected'; target: Target; total: number; ms: number; failures: number; firstError: string | null }
  | { type: 'armed'; target: Target; page: number }
  /** Receive times (tablet clock) per socket of this process; 0: never received. */
  | { type: 'done'; target: Target; page: number; times: number[]; missing: number; gaps: number; stray: number }
  | { type: 'pong'; sent: number; at: number }
  | { type: 'closed'; target: Target }
  | { type: 'fatal'; message: string };

export type FromBareServer = { type: 'listening'; port: number } | { type: 'memory'; heapUsed: number };
/** Asks the bare server (run with --expose-gc) for a full GC and its heap in use afterwards. */
export type ToBareServer = { type: 'memory' };

/** What the bare server's presenter sends: the room and the message to broadcast (version and serverTime filled by the server). */
export type BarePage = { room: string; message: { meetingId: string; version: number; serverTime: string; update: unknown } };
