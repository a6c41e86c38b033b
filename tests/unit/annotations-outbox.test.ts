/**
 * The annotation outbox: nothing a delegate draws offline is lost. Changes
 * wait in storage while the connection is down, go out in order when it is
 * back, survive a reload, replay harmlessly, and a change the server refuses
 * for good leaves the queue with an error instead of looping.
 */
import { describe, expect, it } from 'vitest';
import type { AnnotationDto, AnnotationUpsert } from '../../server/contract/annotations.ts';
import type { Ack, AckError } from '../../server/contract/realtime.ts';
import { Outbox, opId, outboxKey, type OutboxLock, type OutboxOp, type OutboxStorage } from '../../web/lib/annotations/outbox.ts';

const DOC = '00000000-0000-4000-8000-000000000001';

class MemoryStorage implements OutboxStorage {
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
class FakeServer {
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
    const next: AnnotationDto = {
      id: annotation.id,
      documentId: annotation.documentId,
      version: annotation.version,
      page: annotation.page,
      kind: annotation.kind,
      data: annotation.data,
      anchorText: annotation.anchorText ?? null,
      revision: (previous?.revision ?? 0) + 1,
      deleted: false,
      updatedAt: new Date().toISOString(),
    };
    this.rows.set(annotation.id, next);
    return { ok: true, data: next };
  };

  live(): AnnotationDto[] {
    return [...this.rows.values()].filter((row) => !row.deleted);
  }
}

/** Timers that run only when the test says so, and a wall clock that moves only when told. */
class ManualClock {
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
function stroke(page = 1, points: number[][] = [[0.1, 0.1], [0.2, 0.2]]): AnnotationUpsert {
  counter += 1;
  const id = `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`;
  return { id, documentId: DOC, version: 1, page, kind: 'ink', data: { tool: 'pen', color: '#d32f2f', width: 0.003, points } };
}

function note(id: string, text: string): AnnotationUpsert {
  return { id, documentId: DOC, version: 1, page: 2, kind: 'note', data: { x: 0.5, y: 0.5, text } };
}

/** Lets the sends under way finish (without asking for a new flush, so retry timers stay in charge). */
async function settle(_outbox: Outbox): Promise<void> {
  for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

function setup(storage = new MemoryStorage(), server = new FakeServer(), clock = new ManualClock(), extra: { tabId?: string; lock?: OutboxLock } = {}) {
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

const HEARTBEAT_MS = 10_000;
const STALE_MS = 180_000;

/** One browser for the multi-tab tests: the storage its tabs share, a server offline for now, a clock; `tab` opens one more tab on them. */
function offlineBrowser() {
  const storage = new MemoryStorage();
  const server = new FakeServer();
  const clock = new ManualClock();
  server.online = false;
  const tab = (tabId: string, extra: { lock?: OutboxLock; clock?: ManualClock } = {}) =>
    setup(storage, server, extra.clock ?? clock, extra.lock === undefined ? { tabId } : { tabId, lock: extra.lock });
  return { storage, server, clock, tab };
}

/** The ids of what the server received, in order. */
function receivedIds(server: FakeServer): string[] {
  return server.received.map(opId);
}

function ids(outbox: Outbox): string[] {
  return outbox.entries.map((entry) => opId(entry.op));
}

describe('annotation outbox', () => {
  it('sends a stroke at once when online and empties the queue', async () => {
    const { outbox, server, storage, acked } = setup();
    const ink = stroke();
    outbox.enqueue({ type: 'upsert', annotation: ink });
    await settle(outbox);
    expect(server.live().map((row) => row.id)).toEqual([ink.id]);
    expect(acked.map((dto) => dto.revision)).toEqual([1]);
    expect(outbox.pending).toBe(0);
    expect(storage.map.size).toBe(0);
  });

  it('keeps strokes drawn offline queued, then flushes them in order on reconnect', async () => {
    const { outbox, server, clock } = setup();
    server.online = false;
    const strokes = [stroke(1), stroke(2), stroke(3)];
    for (const ink of strokes) outbox.enqueue({ type: 'upsert', annotation: ink });
    await settle(outbox);
    expect(outbox.pending).toBe(3);
    expect(server.live()).toHaveLength(0);
    // A retry while still offline changes nothing.
    clock.fire();
    await settle(outbox);
    expect(outbox.pending).toBe(3);

    server.online = true;
    await outbox.flush();
    await settle(outbox);
    expect(outbox.pending).toBe(0);
    expect(server.received.map((op) => (op.type === 'upsert' ? op.annotation.id : op.id))).toEqual(strokes.map((ink) => ink.id));
  });

  it('retries by itself after a passing failure (timeout, rate limit)', async () => {
    const { outbox, server, clock } = setup();
    server.failNext.push({ code: 'timeout', message: 'timeout' }, { code: 'rateLimited', message: 'slow down' });
    const ink = stroke();
    outbox.enqueue({ type: 'upsert', annotation: ink });
    await settle(outbox);
    expect(outbox.pending).toBe(1);
    clock.fire();
    await settle(outbox);
    expect(outbox.pending).toBe(1);
    clock.fire();
    await settle(outbox);
    expect(outbox.pending).toBe(0);
    expect(server.live().map((row) => row.id)).toEqual([ink.id]);
  });

  it('survives a reload: a new instance over the same storage restores and sends the queue', async () => {
    const first = setup();
    first.server.online = false;
    const a = stroke(1);
    const b = stroke(4);
    first.outbox.enqueue({ type: 'upsert', annotation: a });
    first.outbox.enqueue({ type: 'upsert', annotation: b });
    await settle(first.outbox);
    first.outbox.close();

    // "Reload": same storage, a fresh outbox and a server that is reachable again.
    const server = new FakeServer();
    const second = setup(first.storage, server);
    expect(second.outbox.pending).toBe(2);
    expect(second.outbox.entries.map((entry) => (entry.op.type === 'upsert' ? entry.op.annotation.id : ''))).toEqual([a.id, b.id]);
    await second.outbox.flush();
    await settle(second.outbox);
    expect(second.outbox.pending).toBe(0);
    expect(server.live().map((row) => row.id)).toEqual([a.id, b.id]);
    expect(first.storage.map.size).toBe(0);
  });

  it('replays are harmless: an upsert sent twice (ack lost) leaves one annotation', async () => {
    const { outbox, server, clock } = setup();
    const ink = stroke();
    // The server stores it but the ack never arrives: the client times out and sends it again.
    const realTransport = server.transport;
    let lose = true;
    const lossy = new Outbox({
      storage: new MemoryStorage(),
      key: 'k',
      transport: async (op) => {
        const ack = await realTransport(op);
        if (lose) {
          lose = false;
          return { ok: false, error: { code: 'timeout', message: 'timeout' } };
        }
        return ack;
      },
      schedule: clock.schedule,
    });
    lossy.enqueue({ type: 'upsert', annotation: ink });
    await settle(lossy);
    expect(lossy.pending).toBe(1);
    clock.fire();
    await settle(lossy);
    expect(lossy.pending).toBe(0);
    expect(server.received).toHaveLength(2);
    expect(server.live()).toHaveLength(1);
    expect(server.rows.get(ink.id)?.data).toEqual(ink.data);
    expect(outbox.pending).toBe(0);
  });

  it('drops a change the server refuses for good, reports it, and goes on with the rest', async () => {
    const { outbox, server, dropped } = setup();
    server.failNext.push({ code: 'validation', message: 'Giá trị không hợp lệ' });
    const bad = stroke(1);
    const good = stroke(2);
    outbox.enqueue({ type: 'upsert', annotation: bad });
    outbox.enqueue({ type: 'upsert', annotation: good });
    await settle(outbox);
    expect(outbox.pending).toBe(0);
    expect(dropped).toHaveLength(1);
    expect(dropped[0]?.error.code).toBe('validation');
    expect(server.live().map((row) => row.id)).toEqual([good.id]);
  });

  it('sends a note edited offline once, with its last text', async () => {
    const { outbox, server } = setup();
    server.online = false;
    const id = '00000000-0000-4000-8000-00000000abcd';
    outbox.enqueue({ type: 'upsert', annotation: note(id, 'Xem') });
    await settle(outbox);
    outbox.enqueue({ type: 'upsert', annotation: note(id, 'Xem lại') });
    outbox.enqueue({ type: 'upsert', annotation: note(id, 'Xem lại số liệu') });
    await settle(outbox);
    expect(outbox.pending).toBe(1);
    server.online = true;
    await outbox.flush();
    await settle(outbox);
    expect(server.received).toHaveLength(1);
    expect(server.rows.get(id)?.data).toMatchObject({ text: 'Xem lại số liệu' });
  });

  it('a delete after an unsent save sends only the delete, and a delete of something already gone is fine', async () => {
    const { outbox, server, dropped } = setup();
    const kept = stroke(1);
    outbox.enqueue({ type: 'upsert', annotation: kept });
    await settle(outbox);
    server.online = false;
    const erased = stroke(1);
    outbox.enqueue({ type: 'upsert', annotation: erased });
    await settle(outbox);
    outbox.enqueue({ type: 'delete', id: erased.id });
    outbox.enqueue({ type: 'delete', id: kept.id });
    await settle(outbox);
    expect(outbox.pending).toBe(2);
    server.online = true;
    await outbox.flush();
    await settle(outbox);
    expect(outbox.pending).toBe(0);
    expect(dropped).toHaveLength(0);
    expect(server.live()).toHaveLength(0);
    expect(server.received.filter((op) => op.type === 'upsert')).toHaveLength(1);
  });

  it('ignores a corrupt stored queue instead of failing to start', () => {
    const storage = new MemoryStorage();
    storage.setItem(outboxKey('user-1', DOC, 1), '{not json');
    const { outbox } = setup(storage);
    expect(outbox.pending).toBe(0);
  });
  it('adopts a queue stored by the app before tabs had their own entries', async () => {
    const storage = new MemoryStorage();
    const a = stroke(1);
    const b = stroke(2);
    storage.setItem(
      outboxKey('user-1', DOC, 1),
      JSON.stringify([
        { seq: 1, op: { type: 'upsert', annotation: a } },
        { seq: 2, op: { type: 'upsert', annotation: b } },
      ]),
    );
    const { outbox, server } = setup(storage);
    expect(ids(outbox)).toEqual([a.id, b.id]);
    expect(storage.map.has(outboxKey('user-1', DOC, 1))).toBe(false);
    await outbox.flush();
    await settle(outbox);
    expect(receivedIds(server)).toEqual([a.id, b.id]);
    expect(storage.map.size).toBe(0);
  });
});

describe('annotation outbox across tabs', () => {
  it('two tabs offline each keep their own queue: both survive and are flushed', async () => {
    const { storage, server, clock, tab } = offlineBrowser();
    const tabA = tab('tab-a');
    const tabB = tab('tab-b');
    const fromA = [stroke(1), stroke(2)];
    const fromB = [stroke(3), stroke(4)];
    // Interleaved, as a reader switching between the tabs would draw.
    tabA.outbox.enqueue({ type: 'upsert', annotation: fromA[0]! });
    clock.time += 1_000;
    tabB.outbox.enqueue({ type: 'upsert', annotation: fromB[0]! });
    clock.time += 1_000;
    tabA.outbox.enqueue({ type: 'upsert', annotation: fromA[1]! });
    clock.time += 1_000;
    tabB.outbox.enqueue({ type: 'upsert', annotation: fromB[1]! });
    await settle(tabA.outbox);
    // Two stored entries, neither overwritten by the other.
    expect([...storage.map.keys()].sort()).toEqual([`${outboxKey('user-1', DOC, 1)}:tab-a`, `${outboxKey('user-1', DOC, 1)}:tab-b`]);
    expect(ids(tabA.outbox)).toEqual(fromA.map((ink) => ink.id));
    expect(ids(tabB.outbox)).toEqual(fromB.map((ink) => ink.id));

    server.online = true;
    await Promise.all([tabA.outbox.flush(), tabB.outbox.flush()]);
    await settle(tabA.outbox);
    expect(server.live().map((row) => row.id).sort()).toEqual([...fromA, ...fromB].map((ink) => ink.id).sort());
    expect(server.received).toHaveLength(4);
    expect(storage.map.size).toBe(0);
  });

  it('two tabs offline both closed before reconnecting: the next tab sends both sets, oldest first', async () => {
    const { storage, server, clock, tab } = offlineBrowser();
    const tabA = tab('tab-a');
    const tabB = tab('tab-b');
    const order = [stroke(1), stroke(2), stroke(3), stroke(4)];
    for (const [index, ink] of order.entries()) {
      (index % 2 === 0 ? tabA : tabB).outbox.enqueue({ type: 'upsert', annotation: ink });
      clock.time += 1_000;
    }
    await settle(tabA.outbox);
    tabA.outbox.close();
    tabB.outbox.close();

    server.online = true;
    const next = tab('tab-c');
    expect(ids(next.outbox)).toEqual(order.map((ink) => ink.id));
    await next.outbox.flush();
    await settle(next.outbox);
    expect(receivedIds(server)).toEqual(order.map((ink) => ink.id));
    expect(storage.map.size).toBe(0);
  });

  it("a closed tab's queue is adopted by the next tab and sent once, even when two tabs start together", async () => {
    const { storage, server, clock, tab } = offlineBrowser();
    const closed = tab('tab-a');
    const left = [stroke(1), stroke(2), stroke(3)];
    for (const ink of left) closed.outbox.enqueue({ type: 'upsert', annotation: ink });
    await settle(closed.outbox);
    closed.outbox.close();

    // Two tabs opening together, adoption guarded by a cross-tab lock (navigator.locks in the browser).
    const held = new Set<string>();
    const lock: OutboxLock = async (name, run) => {
      if (held.has(name)) return;
      held.add(name);
      try {
        await Promise.resolve();
        run();
      } finally {
        held.delete(name);
      }
    };
    server.online = true;
    const tabB = tab('tab-b', { lock });
    const tabC = tab('tab-c', { lock });
    await Promise.all([tabB.outbox.adopt(), tabC.outbox.adopt()]);
    await settle(tabB.outbox);
    expect(tabB.outbox.pending + tabC.outbox.pending).toBe(0);
    expect(receivedIds(server)).toEqual(left.map((ink) => ink.id));

    // Later heartbeats find nothing more to take: still sent once.
    clock.time += STALE_MS * 2;
    clock.fire();
    await settle(tabB.outbox);
    expect(server.received).toHaveLength(3);
    expect(storage.map.size).toBe(0);
  });

  it("a crashed tab's queue (no goodbye) is adopted once its heartbeat is stale", async () => {
    const { storage, server, clock, tab } = offlineBrowser();
    const crashed = tab('tab-a', { clock: new ManualClock() });
    const ink = stroke(1);
    crashed.outbox.enqueue({ type: 'upsert', annotation: ink });
    await settle(crashed.outbox);
    // The tab dies: its timers never run again, nothing is released.
    server.online = true;
    const tabB = tab('tab-b');
    expect(tabB.outbox.pending).toBe(0);
    clock.time += STALE_MS - HEARTBEAT_MS;
    clock.fire();
    await settle(tabB.outbox);
    expect(server.received).toHaveLength(0);
    clock.time += 2 * HEARTBEAT_MS;
    clock.fire();
    await settle(tabB.outbox);
    expect(receivedIds(server)).toEqual([ink.id]);
    expect(storage.map.size).toBe(0);
  });

  it("a live tab's queue is never adopted by another live tab", async () => {
    const { storage, server, clock, tab } = offlineBrowser();
    const tabA = tab('tab-a');
    const mine = [stroke(1), stroke(2)];
    for (const ink of mine) tabA.outbox.enqueue({ type: 'upsert', annotation: ink });
    await settle(tabA.outbox);
    const tabB = tab('tab-b');
    expect(tabB.outbox.pending).toBe(0);
    // Ten minutes offline with both tabs open: A's heartbeats keep its queue its own.
    for (let i = 0; i < 60; i += 1) {
      clock.time += HEARTBEAT_MS;
      clock.fire();
      await settle(tabA.outbox);
    }
    expect(await tabB.outbox.adopt()).toBe(0);
    expect(tabB.outbox.pending).toBe(0);
    expect(tabA.outbox.pending).toBe(2);

    server.online = true;
    await Promise.all([tabA.outbox.flush(), tabB.outbox.flush()]);
    await settle(tabA.outbox);
    expect(receivedIds(server)).toEqual(mine.map((ink) => ink.id));
    expect(storage.map.size).toBe(0);
  });

  describe('the later change of one annotation from two tabs wins', () => {
    const existing = (server: FakeServer, annotation: AnnotationUpsert) =>
      server.rows.set(annotation.id, { ...annotation, anchorText: null, page: annotation.page, revision: 1, deleted: false, updatedAt: '' } as AnnotationDto);

    for (const later of ['delete', 'upsert'] as const) {
      for (const first of ['earlier', 'later'] as const) {
        it(`${later} made later wins when the ${first} tab reconnects first`, async () => {
          const { storage, server, clock, tab } = offlineBrowser();
          const ink = stroke(1);
          existing(server, ink);
          const earlier = tab('tab-b');
          const laterTab = tab('tab-a');
          const edited = { ...ink, page: 2 };
          earlier.outbox.enqueue(later === 'delete' ? { type: 'upsert', annotation: edited } : { type: 'delete', id: ink.id });
          clock.time += 1_000;
          laterTab.outbox.enqueue(later === 'delete' ? { type: 'delete', id: ink.id } : { type: 'upsert', annotation: edited });
          await settle(earlier.outbox);

          server.online = true;
          const order = first === 'earlier' ? [earlier, laterTab] : [laterTab, earlier];
          for (const each of order) {
            await each.outbox.flush();
            await settle(each.outbox);
          }
          expect(server.rows.get(ink.id)?.deleted).toBe(later === 'delete');
          if (later === 'upsert') expect(server.rows.get(ink.id)?.page).toBe(2);
          // The earlier change was skipped, not sent and undone.
          expect(server.received).toHaveLength(1);
          expect(earlier.superseded).toHaveLength(1);
          // A note of what was sent may wait for the next heartbeat to be forgotten, no longer.
          clock.time += HEARTBEAT_MS;
          clock.fire();
          expect(storage.map.size).toBe(0);
        });
      }

      it(`${later} made later wins when a closed tab's older change is adopted, and when its newer one is`, async () => {
        for (const closedIsLater of [false, true]) {
          const { storage, server, clock, tab } = offlineBrowser();
          const ink = stroke(1);
          existing(server, ink);
          const edited = { ...ink, page: 2 };
          const laterOp: OutboxOp = later === 'delete' ? { type: 'delete', id: ink.id } : { type: 'upsert', annotation: edited };
          const earlierOp: OutboxOp = later === 'delete' ? { type: 'upsert', annotation: edited } : { type: 'delete', id: ink.id };
          const closed = tab('tab-a');
          const live = tab('tab-b');
          (closedIsLater ? live : closed).outbox.enqueue(earlierOp);
          clock.time += 1_000;
          (closedIsLater ? closed : live).outbox.enqueue(laterOp);
          closed.outbox.close();
          await live.outbox.adopt();
          expect(live.outbox.entries.map((entry) => entry.op)).toEqual([laterOp]);
          server.online = true;
          await live.outbox.flush();
          await settle(live.outbox);
          expect(server.received).toEqual([laterOp]);
          expect(server.rows.get(ink.id)?.deleted).toBe(later === 'delete');
          expect(storage.map.size).toBe(0);
        }
      });
    }
  });
});
