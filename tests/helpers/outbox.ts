/**
 * Fixtures of the annotation outbox tests: storage in memory, a fake server
 * that acks (or refuses, or is offline), a clock moved by hand, and the set-up
 * of one tab's outbox (or of several tabs of one browser) over them.
 */
import type { AnnotationDto, AnnotationUpsert } from '../../server/contract/annotations.ts';
import type { Ack, AckError } from '../../server/contract/realtime.ts';
import { upsertAsDto } from '../../web/lib/annotations/as-dto.ts';
import { Outbox, opId, outboxKey, type OutboxLock, type OutboxOp, type OutboxStorage } from '../../web/lib/annotations/outbox.ts';

export const DOC = '00000000-0000-4000-8000-000000000001';

export class MemoryStorage implements OutboxStorage {
  readonly map = new Map<string, string>();
  get length(): number {
    return this.map.size;
  }
  key(index: number): string | null {
    return [...this.map.keys()][index] ?? null;
  }
  getItem(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.map.set(key, value);
  }
  removeItem(key: string): void {
    this.map.delete(key);
  }
}

/** A stand-in for the server: idempotent upserts by id, revisions, and a switch for the connection. */
export class FakeServer {
  online = true;
  readonly rows = new Map<string, AnnotationDto>();
  readonly received: OutboxOp[] = [];
  /** codes to answer with next, before the normal behaviour */
  readonly failNext: AckError[] = [];

  readonly transport = async (op: OutboxOp): Promise<Ack<AnnotationDto>> => {
    await Promise.resolve();
    if (!this.online) return { ok: false, error: { code: 'offline', message: 'offline' } };
    const failure = this.failNext.shift();
    if (failure !== undefined) return { ok: false, error: failure };
    this.received.push(op);
    if (op.type === 'delete') {
      const row = this.rows.get(op.id);
      if (row === undefined) return { ok: false, error: { code: 'notFound', message: 'not found' } };
      const next = { ...row, deleted: true, revision: row.revision + 1 };
      this.rows.set(op.id, next);
      return { ok: true, data: next };
    }
    const { annotation } = op;
    const previous = this.rows.get(annotation.id);
    const next = upsertAsDto(annotation, (previous?.revision ?? 0) + 1);
    this.rows.set(annotation.id, next);
    return { ok: true, data: next };
  };

  live(): AnnotationDto[] {
    return [...this.rows.values()].filter((row) => !row.deleted);
  }
}

/** Timers that run only when the test says so, and a wall clock that moves only when told. */
export class ManualClock {
  timers: { run: () => void; ms: number }[] = [];
  time = 1_700_000_000_000;
  readonly now = () => this.time;
  readonly schedule = (run: () => void, ms: number) => {
    const timer = { run, ms };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  };
  fire(): void {
    const due = this.timers;
    this.timers = [];
    for (const timer of due) timer.run();
  }
}

let counter = 0;
export function stroke(page = 1, points: number[][] = [[0.1, 0.1], [0.2, 0.2]]): AnnotationUpsert {
  counter += 1;
  const id = `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`;
  return { id, documentId: DOC, version: 1, page, kind: 'ink', data: { tool: 'pen', color: '#d32f2f', width: 0.003, points } };
}

export function note(id: string, text: string): AnnotationUpsert {
  return { id, documentId: DOC, version: 1, page: 2, kind: 'note', data: { x: 0.5, y: 0.5, text } };
}

/** Lets the sends under way finish (without asking for a new flush, so retry timers stay in charge). */
export async function settle(_outbox: Outbox): Promise<void> {
  for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

export function setup(storage = new MemoryStorage(), server = new FakeServer(), clock = new ManualClock(), extra: { tabId?: string; lock?: OutboxLock } = {}) {
  const dropped: { op: OutboxOp; error: AckError }[] = [];
  const acked: AnnotationDto[] = [];
  const superseded: OutboxOp[] = [];
  const outbox = new Outbox({
    storage,
    key: outboxKey('user-1', DOC, 1),
    transport: server.transport,
    online: () => server.online,
    schedule: clock.schedule,
    now: clock.now,
    heartbeatMs: HEARTBEAT_MS,
    staleMs: STALE_MS,
    onAck: (dto) => acked.push(dto),
    onDrop: (op, error) => dropped.push({ op, error }),
    onSuperseded: (op) => superseded.push(op),
    ...extra,
  });
  return { outbox, storage, server, clock, dropped, acked, superseded };
}

export const HEARTBEAT_MS = 10_000;
export const STALE_MS = 180_000;

/** One browser for the multi-tab tests: the storage its tabs share, a server offline for now, a clock; `tab` opens one more tab on them. */
export function offlineBrowser() {
  const storage = new MemoryStorage();
  const server = new FakeServer();
  const clock = new ManualClock();
  server.online = false;
  const tab = (tabId: string, extra: { lock?: OutboxLock; clock?: ManualClock } = {}) =>
    setup(storage, server, extra.clock ?? clock, extra.lock === undefined ? { tabId } : { tabId, lock: extra.lock });
  return { storage, server, clock, tab };
}

/** The ids of what the server received, in order. */
export function receivedIds(server: FakeServer): string[] {
  return server.received.map(opId);
}

export function ids(outbox: Outbox): string[] {
  return outbox.entries.map((entry) => opId(entry.op));
}
