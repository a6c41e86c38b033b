/** The short memory of granted document reads: kept for its TTL only, forgotten on revocation, bounded. */
import { describe, expect, it } from 'vitest';
import { AccessCache } from '../../server/modules/documents/access-cache.ts';

const key = (sessionId: string, documentId = 'd1') => ({ sessionId, documentId, version: 1, purpose: 'view' });

describe('document access cache', () => {
  it('answers from memory within the TTL, asks again after it', async () => {
    let now = 1_000;
    let asked = 0;
    const cache = new AccessCache<string>({ ttlMs: 500, maxEntries: 10, now: () => now });
    const decide = async () => `answer ${++asked}`;
    expect(await cache.get(key('s1'), 'u1', decide)).toBe('answer 1');
    now = 1_500;
    expect(await cache.get(key('s1'), 'u1', decide)).toBe('answer 1');
    now = 1_501;
    expect(await cache.get(key('s1'), 'u1', decide)).toBe('answer 2');
    // another session of the same user is asked for on its own
    expect(await cache.get(key('s2'), 'u1', decide)).toBe('answer 3');
  });

  it('never keeps a refusal', async () => {
    const cache = new AccessCache<string>({ ttlMs: 500, maxEntries: 10 });
    await expect(cache.get(key('s1'), 'u1', () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    expect(cache.size).toBe(0);
  });

  it('forgets a user’s answers on revocation (one document, or all), and one decided across it is not kept', async () => {
    const cache = new AccessCache<string>({ ttlMs: 60_000, maxEntries: 10 });
    await cache.get(key('s1', 'd1'), 'U1', async () => 'a');
    await cache.get(key('s1', 'd2'), 'U1', async () => 'b');
    await cache.get(key('s3', 'd1'), 'u2', async () => 'c');
    cache.forgetUser('u1', 'd1');
    expect(cache.size).toBe(2);
    cache.forgetUser('u1');
    expect(cache.size).toBe(1);
    let release!: () => void;
    const pending = cache.get(key('s4'), 'u3', () => new Promise<string>((resolve) => (release = () => resolve('late'))));
    cache.forgetUser('u3');
    release();
    expect(await pending).toBe('late');
    expect(cache.size).toBe(1);
  });

  it('holds at most maxEntries answers, the oldest going first', async () => {
    const cache = new AccessCache<string>({ ttlMs: 60_000, maxEntries: 3 });
    for (const s of ['s1', 's2', 's3', 's4', 's5']) await cache.get(key(s), 'u', async () => s);
    expect(cache.size).toBe(3);
    let asked = 0;
    expect(await cache.get(key('s1'), 'u', async () => `again ${++asked}`)).toBe('again 1');
    expect(await cache.get(key('s5'), 'u', async () => `again ${++asked}`)).toBe('s5');
  });

  it('with a TTL of 0 always asks', async () => {
    let asked = 0;
    const cache = new AccessCache<number>({ ttlMs: 0, maxEntries: 3 });
    await cache.get(key('s1'), 'u', async () => ++asked);
    await cache.get(key('s1'), 'u', async () => ++asked);
    expect(asked).toBe(2);
  });
});
