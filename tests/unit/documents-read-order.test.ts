/**
 * documents/read-order.ts: a hall's small first reads go before anyone's
 * megabytes. A large read waits while small ones are answered and for a quiet
 * moment after, never longer than the cap; what counts as small is read from
 * the Range header alone.
 */
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isSmallRead, MAX_LARGE_WAIT_MS, QUIET_MS, ReadOrder, SMALL_READ_BYTES } from '../../server/modules/documents/read-order.ts';

describe('which reads are small', () => {
  it('pdf.js ranges and suffixes up to 1 MiB are small; a whole file, an open or oversized range and several ranges are not', () => {
    expect(isSmallRead('bytes=0-65535')).toBe(true);
    expect(isSmallRead('bytes=30000000-30065535')).toBe(true);
    expect(isSmallRead(`bytes=0-${SMALL_READ_BYTES - 1}`)).toBe(true);
    expect(isSmallRead('bytes=-65536')).toBe(true);
    expect(isSmallRead(undefined)).toBe(false);
    expect(isSmallRead('bytes=65536-')).toBe(false);
    expect(isSmallRead(`bytes=0-${SMALL_READ_BYTES}`)).toBe(false);
    expect(isSmallRead(`bytes=-${SMALL_READ_BYTES + 1}`)).toBe(false);
    expect(isSmallRead('bytes=0-10,20-30')).toBe(false);
    expect(isSmallRead('bytes=100-1')).toBe(false);
    expect(isSmallRead('items=0-10')).toBe(false);
    expect(isSmallRead(`bytes=0-${'9'.repeat(400)}`)).toBe(false);
  });
});

describe('large reads wait for small ones', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Whether the promise has settled, after letting pending callbacks run. */
  async function settled(promise: Promise<void>): Promise<boolean> {
    let done = false;
    void promise.then(() => (done = true));
    await vi.advanceTimersByTimeAsync(0);
    return done;
  }

  it('goes at once when no small read is under way', async () => {
    const order = new ReadOrder();
    expect(await settled(order.largeTurn())).toBe(true);
  });

  it('waits while small reads are answered and a quiet moment after the last, then goes', async () => {
    const order = new ReadOrder();
    const first = order.beginSmall();
    const second = order.beginSmall();
    const large = order.largeTurn();
    first();
    expect(await settled(large)).toBe(false);
    second();
    await vi.advanceTimersByTimeAsync(QUIET_MS - 1);
    expect(await settled(large)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await settled(large)).toBe(true);
    // Within the quiet moment a newcomer waits too; after it, it goes at once.
    const third = order.beginSmall();
    third();
    third(); // a second call ends nothing more
    expect(await settled(order.largeTurn())).toBe(false);
    await vi.advanceTimersByTimeAsync(QUIET_MS);
    expect(await settled(order.largeTurn())).toBe(true);
  });

  it('a small read starting in the quiet moment keeps the large one waiting until it ends', async () => {
    const order = new ReadOrder();
    order.beginSmall()();
    const large = order.largeTurn();
    await vi.advanceTimersByTimeAsync(QUIET_MS / 2);
    const late = order.beginSmall();
    await vi.advanceTimersByTimeAsync(QUIET_MS * 2);
    expect(await settled(large)).toBe(false);
    late();
    await vi.advanceTimersByTimeAsync(QUIET_MS);
    expect(await settled(large)).toBe(true);
  });

  /** A response as admit sees it: closed or not, with its 'close' event. */
  function response(closed = false) {
    const events = new EventEmitter();
    return Object.assign(events, { closed, close: () => events.emit('close') });
  }

  it('admits a small read until its response closes, and one whose client had already left not at all', async () => {
    const order = new ReadOrder();
    const first = response();
    await order.admit('bytes=0-65535', first);
    const large = order.admit('bytes=65536-', response());
    expect(await settled(large)).toBe(false);
    first.close();
    await vi.advanceTimersByTimeAsync(QUIET_MS);
    expect(await settled(large)).toBe(true);
    // Closed before admit was called: no 'close' will come, and it must not keep large reads waiting for ever.
    await order.admit('bytes=0-65535', response(true));
    await vi.advanceTimersByTimeAsync(QUIET_MS);
    expect(await settled(order.admit(undefined, response()))).toBe(true);
  });

  it('never waits longer than the cap, however many small reads keep coming', async () => {
    const order = new ReadOrder();
    const open = order.beginSmall();
    const large = order.largeTurn();
    await vi.advanceTimersByTimeAsync(MAX_LARGE_WAIT_MS - 1);
    expect(await settled(large)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await settled(large)).toBe(true);
    open();
  });
});
