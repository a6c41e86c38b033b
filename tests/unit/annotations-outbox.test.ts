/**
 * The annotation outbox: nothing a delegate draws offline is lost. Changes
 * wait in storage while the connection is down, go out in order when it is
 * back, survive a reload, replay harmlessly, and a change the server refuses
 * for good leaves the queue with an error instead of looping.
 */
import { describe, expect, it } from 'vitest';
import { Outbox, outboxKey } from '../../web/lib/annotations/outbox.ts';
import { DOC, MemoryStorage, FakeServer, stroke, note, settle, setup, receivedIds, ids } from '../helpers/outbox.ts';

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
