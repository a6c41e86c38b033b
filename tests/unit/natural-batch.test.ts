/**
 * lib/natural-batch.ts: questions asked together are answered by one call;
 * while a call runs, newcomers gather for the next; an answer never comes from
 * a call that started before its question was asked.
 */
import { describe, expect, it } from 'vitest';
import { naturalBatch } from '../../server/lib/natural-batch.ts';

/** A loader that records each call's keys and answers when released. */
function recorder(answer: (key: number) => string | Error = (key) => `answer ${key}`) {
  const calls: number[][] = [];
  const releases: (() => void)[] = [];
  let state = 'before';
  const ask = naturalBatch<number, string>(async (keys) => {
    calls.push([...keys]);
    const seen = state;
    await new Promise<void>((resolve) => releases.push(resolve));
    return keys.map((key) => {
      const value = answer(key);
      return value instanceof Error ? value : `${value} (${seen})`;
    });
  });
  const releaseAll = async () => {
    while (releases.length > 0) {
      releases.shift()!();
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { ask, calls, releaseAll, setState: (value: string) => (state = value), pending: () => releases.length };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('natural batching', () => {
  it('a lone question goes at once, by itself', async () => {
    const r = recorder();
    const answer = r.ask(7);
    await turn();
    expect(r.calls).toEqual([[7]]);
    await r.releaseAll();
    expect(await answer).toBe('answer 7 (before)');
  });

  it('questions of one turn go in one call, each with its own answer', async () => {
    const r = recorder();
    const answers = [1, 2, 3, 2].map((key) => r.ask(key));
    await turn();
    expect(r.calls).toEqual([[1, 2, 3, 2]]);
    await r.releaseAll();
    expect(await Promise.all(answers)).toEqual(['answer 1 (before)', 'answer 2 (before)', 'answer 3 (before)', 'answer 2 (before)']);
  });

  it('while a call runs, newcomers wait and then go together, seeing what changed meanwhile', async () => {
    const r = recorder();
    const first = r.ask(1);
    await turn();
    expect(r.calls).toHaveLength(1);
    // The state changes after the first call has read it; then three more questions, over several turns.
    r.setState('after');
    const later = [r.ask(2)];
    await turn();
    later.push(r.ask(3));
    await turn();
    later.push(r.ask(4));
    await turn();
    expect(r.calls).toEqual([[1]]);
    await r.releaseAll();
    expect(r.calls).toEqual([[1], [2, 3, 4]]);
    expect(await first).toBe('answer 1 (before)');
    expect(await Promise.all(later)).toEqual(['answer 2 (after)', 'answer 3 (after)', 'answer 4 (after)']);
  });

  it('an error for one key fails that question only; a failed call fails its batch only', async () => {
    const r = recorder((key) => (key === 13 ? new Error('không có') : `answer ${key}`));
    const answers = [12, 13, 14].map((key) => r.ask(key).catch((error: Error) => error.message));
    await turn();
    await r.releaseAll();
    expect(await Promise.all(answers)).toEqual(['answer 12 (before)', 'không có', 'answer 14 (before)']);

    let fail = true;
    const flaky = naturalBatch<number, number>(async (keys) => {
      if (fail) throw new Error('mất kết nối');
      return keys.map((k) => k * 2);
    });
    const broken = [1, 2].map((k) => flaky(k).catch((error: Error) => error.message));
    expect(await Promise.all(broken)).toEqual(['mất kết nối', 'mất kết nối']);
    fail = false;
    expect(await flaky(5)).toBe(10);
  });

  it('more than the largest batch is split, and with concurrency 2 two calls run at once', async () => {
    const calls: number[] = [];
    let running = 0;
    let most = 0;
    const ask = naturalBatch<number, number>(
      async (keys) => {
        calls.push(keys.length);
        running += 1;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running -= 1;
        return keys.map((k) => k + 1);
      },
      { concurrency: 2, maxBatchSize: 10 },
    );
    const answers = await Promise.all(Array.from({ length: 35 }, (_, i) => ask(i)));
    expect(answers).toEqual(Array.from({ length: 35 }, (_, i) => i + 1));
    expect(calls).toEqual([10, 10, 10, 5]);
    expect(most).toBe(2);
  });
});
