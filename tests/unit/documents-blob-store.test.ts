import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BlobStore, BlobTooLargeError } from '../../server/modules/documents/blob-store.ts';

let root: string;
let store: BlobStore;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'blob-store-'));
  store = new BlobStore(root);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const sha = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/** A stream of `count` chunks of `size` bytes, produced lazily like a network upload. */
function chunks(count: number, size: number, fill = 0x41): Readable {
  let sent = 0;
  return new Readable({
    read() {
      this.push(sent++ < count ? Buffer.alloc(size, fill) : null);
    },
  });
}

const tmpFiles = async (): Promise<string[]> => readdir(join(root, 'tmp')).catch(() => []);

describe('BlobStore', () => {
  it('stages a stream with the right hash and size, then commits it under its hash', async () => {
    const content = Buffer.from('Tờ trình số 12/TTr-UBND — dự thảo nghị quyết', 'utf8');
    const staged = await store.stage(Readable.from([content.subarray(0, 10), content.subarray(10)]), 1024);
    expect(staged).toMatchObject({ sha256: sha(content), size: content.length });
    const path = await store.commit(staged);
    expect(path).toBe(join(root, staged.sha256.slice(0, 2), staged.sha256));
    expect(path).toBe(store.pathFor(staged.sha256));
    expect(await readFile(path)).toEqual(content);
    expect(await tmpFiles()).toEqual([]);
  });

  it('hashes a multi-megabyte stream without losing bytes', async () => {
    const staged = await store.stage(chunks(40, 64 * 1024, 0x5a), 10 * 1024 * 1024);
    expect(staged.size).toBe(40 * 64 * 1024);
    expect(staged.sha256).toBe(sha(Buffer.alloc(40 * 64 * 1024, 0x5a)));
    await store.discard(staged);
  });

  it('keeps one file for identical content and drops the second temp file', async () => {
    const first = await store.commit(await store.stage(Readable.from([Buffer.from('cùng nội dung')]), 100));
    const before = await stat(first);
    const second = await store.stage(Readable.from([Buffer.from('cùng nội dung')]), 100);
    expect(await store.commit(second)).toBe(first);
    expect((await stat(first)).ino).toBe(before.ino);
    expect(await tmpFiles()).toEqual([]);
    expect(await readdir(join(root, second.sha256.slice(0, 2)))).toEqual([second.sha256]);
  });

  it('accepts exactly the limit and refuses one byte more, leaving nothing behind', async () => {
    await expect(store.stage(chunks(4, 256), 1024)).resolves.toMatchObject({ size: 1024 });
    const source = chunks(1000, 1024);
    const error = await store.stage(source, 1025).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BlobTooLargeError);
    expect((error as BlobTooLargeError).limitBytes).toBe(1025);
    expect(source.destroyed).toBe(true);
    expect(await tmpFiles()).toHaveLength(1); // the accepted one, still staged
  });

  it('removes the temp file when the source fails mid-stream', async () => {
    let sent = 0;
    const failing = new Readable({
      read() {
        if (sent++ < 3) this.push(Buffer.alloc(1000, 1));
        else this.destroy(new Error('connection reset'));
      },
    });
    await expect(store.stage(failing, 1_000_000)).rejects.toThrow('connection reset');
    expect(await tmpFiles()).toEqual([]);
  });

  it('discard and remove are idempotent', async () => {
    const staged = await store.stage(Readable.from([Buffer.from('x')]), 10);
    await store.discard(staged);
    await store.discard(staged);
    expect(await tmpFiles()).toEqual([]);
    const committed = await store.stage(Readable.from([Buffer.from('y')]), 10);
    const path = await store.commit(committed);
    await store.remove(committed.sha256);
    await store.remove(committed.sha256);
    await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it.each([
    '../../etc/passwd',
    'ab/../../x',
    'A'.repeat(64),
    'a'.repeat(63),
    'a'.repeat(65),
    `${'a'.repeat(62)}/.`,
    `${'a'.repeat(63)}\n`,
    '',
  ])('pathFor refuses %j', (hash) => {
    expect(() => store.pathFor(hash)).toThrow();
  });

  it('refuses staged blobs whose temp path is not its own', async () => {
    const victim = join(root, 'keep.txt');
    await writeFile(victim, 'keep');
    await expect(store.discard({ tempPath: victim, sha256: 'a'.repeat(64), size: 4 })).rejects.toThrow();
    await expect(store.commit({ tempPath: join(root, 'tmp', '..', 'keep.txt'), sha256: 'a'.repeat(64), size: 4 })).rejects.toThrow();
    expect(await readFile(victim, 'utf8')).toBe('keep');
  });

  it('sweeps temp files older than the limit only', async () => {
    expect(await store.sweepTemp(1000)).toBe(0); // no tmp dir yet
    const old = await store.stage(Readable.from([Buffer.from('cũ')]), 10);
    const fresh = await store.stage(Readable.from([Buffer.from('mới')]), 10);
    const hourAgo = new Date(Date.now() - 3_600_000);
    await utimes(old.tempPath, hourAgo, hourAgo);
    await writeFile(join(root, 'tmp', 'README'), 'not ours');
    expect(await store.sweepTemp(60_000)).toBe(1);
    expect((await tmpFiles()).sort()).toEqual(['README', fresh.tempPath.split('/').pop()].sort());
  });
});
