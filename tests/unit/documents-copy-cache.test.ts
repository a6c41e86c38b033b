/**
 * The cache of stamped copies: one copy made however many ask at once, the
 * least recently used removed from disk past the byte bound, a copy made
 * again when too old or gone, and other processes' directories left alone
 * unless abandoned.
 */
import { mkdir, mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CopyCache } from '../../server/modules/documents/copy-cache.ts';

const SHA = 'a'.repeat(64);
const key = (reader: number) => `reader-${SHA}-00000000-0000-4000-8000-${String(reader).padStart(12, '0')}.pdf`;

describe('CopyCache', () => {
  let root: string;
  let made: string[];
  const maker = (bytes: number) => async (path: string) => {
    made.push(path);
    await writeFile(path, Buffer.alloc(bytes));
  };
  const exists = (path: string) => stat(path).then(() => true, () => false);

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'copy-cache-'));
    made = [];
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('makes one copy for three readers of one key asking at once', async () => {
    const cache = new CopyCache(root, { maxBytes: 10_000, maxAgeMs: 60_000 });
    await cache.init();
    const paths = await Promise.all([1, 2, 3].map(() => cache.get(key(1), maker(100))));
    expect(new Set(paths).size).toBe(1);
    expect(made).toHaveLength(1);
  });

  it('stays within its byte bound, removing the least recently used from disk', async () => {
    const cache = new CopyCache(root, { maxBytes: 250, maxAgeMs: 60_000 });
    await cache.init();
    const first = await cache.get(key(1), maker(100));
    const second = await cache.get(key(2), maker(100));
    await cache.get(key(1), maker(100)); // read again: now the second is the oldest in use
    const third = await cache.get(key(3), maker(100));
    expect(cache.totalBytes).toBeLessThanOrEqual(250);
    expect(await exists(second)).toBe(false);
    expect(await exists(first)).toBe(true);
    expect(await exists(third)).toBe(true);
    expect(made).toHaveLength(3);
  });

  it('makes a copy again when it is too old or was removed', async () => {
    const cache = new CopyCache(root, { maxBytes: 10_000, maxAgeMs: 0 });
    await cache.init();
    await cache.get(key(1), maker(10));
    await cache.get(key(1), maker(10));
    expect(made).toHaveLength(2);
    const fresh = new CopyCache(root, { maxBytes: 10_000, maxAgeMs: 60_000 });
    await fresh.init();
    const path = await fresh.get(key(2), maker(10));
    await rm(path);
    await fresh.get(key(2), maker(10));
    expect(made).toHaveLength(4);
  });

  it('refuses a key that is not a copy name', async () => {
    const cache = new CopyCache(root, { maxBytes: 10_000, maxAgeMs: 60_000 });
    await cache.init();
    await expect(cache.get('../../etc/passwd', maker(1))).rejects.toThrow('invalid copy key');
  });

  it('removes directories abandoned for a day, not another live process’s', async () => {
    const abandoned = join(root, 'dead');
    const live = join(root, 'live');
    await mkdir(abandoned, { recursive: true });
    await mkdir(live, { recursive: true });
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3_600_000);
    await utimes(abandoned, twoDaysAgo, twoDaysAgo);
    await new CopyCache(root, { maxBytes: 10_000, maxAgeMs: 60_000 }).init();
    const left = await readdir(root);
    expect(left).toContain('live');
    expect(left).not.toContain('dead');
  });
});
