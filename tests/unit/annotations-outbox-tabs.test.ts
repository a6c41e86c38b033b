/**
 * The annotation outbox across the tabs of one browser: each tab keeps its own
 * queue; a closed or crashed tab's queue is adopted once and sent once; a live
 * tab's never; and between live tabs the later change of an annotation wins.
 */
import { describe, expect, it } from 'vitest';
import { outboxKey, type OutboxLock, type OutboxOp } from '../../web/lib/annotations/outbox.ts';
import type { AnnotationDto, AnnotationUpsert } from '../../server/contract/annotations.ts';
import { DOC, FakeServer, ManualClock, stroke, settle, HEARTBEAT_MS, STALE_MS, offlineBrowser, receivedIds, ids } from '../helpers/outbox.ts';

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
