/**
 * Files held in memory for the many readers of one document: read once
 * however many ask at once, never stale after the file changes, bounded in
 * bytes, and answering every range and condition exactly as streaming from
 * disk does.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { mkdtemp, rm, stat, utimes, writeFile } from 'node:fs/promises';
import * as fsPromises from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryFiles } from '../../server/lib/http/memory-files.ts';
import { sendFile } from '../../server/lib/http/send-file.ts';

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return { ...actual, readFile: vi.fn(actual.readFile) };
});
const readFileCalls = () => vi.mocked(fsPromises.readFile).mock.calls.length;

describe('MemoryFiles', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'memory-files-'));
    vi.mocked(fsPromises.readFile).mockClear();
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const file = async (name: string, bytes: Buffer) => {
    const path = join(root, name);
    await writeFile(path, bytes);
    return path;
  };

  it('reads a file once for a hundred readers asking at the same moment, and hands each the same bytes', async () => {
    const content = randomBytes(256 * 1024);
    const path = await file('a.pdf', content);
    const memory = new MemoryFiles({ budgetBytes: 1024 * 1024, maxFileBytes: 1024 * 1024 });
    const info = await stat(path);
    const answers = await Promise.all(Array.from({ length: 100 }, () => memory.bytes(path, info)));
    expect(readFileCalls()).toBe(1);
    for (const bytes of answers) expect(bytes?.equals(content)).toBe(true);
    expect(await memory.bytes(path, info)).toBe(answers[0]);
    expect(readFileCalls()).toBe(1);
    expect(memory.heldBytes).toBe(content.length);
  });

  it('reads the file again once it has changed on disk, never handing out the old bytes', async () => {
    const path = await file('a.pdf', Buffer.from('old bytes'));
    const memory = new MemoryFiles({ budgetBytes: 1024, maxFileBytes: 1024 });
    expect((await memory.bytes(path, await stat(path)))?.toString()).toBe('old bytes');
    await writeFile(path, Buffer.from('new bytes'));
    await utimes(path, new Date(), new Date(Date.now() + 5_000));
    expect((await memory.bytes(path, await stat(path)))?.toString()).toBe('new bytes');
    expect(readFileCalls()).toBe(2);
  });

  it('holds no more than its budget, letting the least recently used go, and never a file over the size limit', async () => {
    const memory = new MemoryFiles({ budgetBytes: 3000, maxFileBytes: 1500 });
    const paths = await Promise.all(['a', 'b', 'c'].map((name) => file(name, Buffer.alloc(1000, name))));
    for (const path of paths) await memory.bytes(path, await stat(path));
    await memory.bytes(paths[0]!, await stat(paths[0]!)); // a is now the most recent
    const d = await file('d', Buffer.alloc(1000, 'd'));
    await memory.bytes(d, await stat(d));
    expect(memory.heldBytes).toBe(3000);
    vi.mocked(fsPromises.readFile).mockClear();
    await memory.bytes(paths[0]!, await stat(paths[0]!));
    expect(readFileCalls()).toBe(0);
    await memory.bytes(paths[1]!, await stat(paths[1]!)); // b was the least recent, so it went
    expect(readFileCalls()).toBe(1);

    const large = await file('large', Buffer.alloc(2000));
    expect(await memory.bytes(large, await stat(large))).toBeUndefined();
    expect(memory.heldBytes).toBe(3000);
  });

  it('holds nothing with a budget of 0', async () => {
    const path = await file('a.pdf', Buffer.from('bytes'));
    const memory = new MemoryFiles({ budgetBytes: 0, maxFileBytes: 1024 });
    expect(await memory.bytes(path, await stat(path))).toBeUndefined();
    expect(readFileCalls()).toBe(0);
  });
});

describe('sendFile from memory answers as sendFile from disk does', () => {
  let root: string;
  let app: FastifyInstance;
  let base: string;
  const content = randomBytes(300_000);
  const held = new MemoryFiles({ budgetBytes: 1024 * 1024, maxFileBytes: 1024 * 1024 });

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'memory-send-'));
    const path = join(root, 'document.pdf');
    await writeFile(path, content);
    const memory = held;
    app = Fastify();
    const options = { ranges: true, notFound: () => Object.assign(new Error('not found'), { statusCode: 404 }), headers: { 'content-type': 'application/pdf' } };
    app.get('/disk', (request, reply) => sendFile(request, reply, path, options));
    app.get('/memory', (request, reply) => sendFile(request, reply, path, { ...options, memory }));
    app.get('/memory-missing', (request, reply) => sendFile(request, reply, join(root, 'gone.pdf'), { ...options, memory }));
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app.close();
    await rm(root, { recursive: true, force: true });
  });

  // node:http, not fetch(): fetch adds "Cache-Control: no-cache" to conditional requests, which forces a full answer.
  const ask = (route: string, headers: Record<string, string>, method = 'GET') =>
    new Promise<{ status: number; body: Buffer; headers: Record<string, string | undefined> }>((resolve, reject) => {
      const request = http.request(`${base}${route}`, { method, headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const pick = (name: string) => response.headers[name] as string | undefined;
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks), headers: { range: pick('content-range'), length: pick('content-length'), etag: pick('etag'), ranges: pick('accept-ranges'), type: pick('content-type') } });
        });
        response.on('error', reject);
      });
      request.on('error', reject);
      request.end();
    });

  it('for whole files, single, open and suffix ranges, several ranges, bad and unsatisfiable ranges, conditions and HEAD', async () => {
    const etag = (await ask('/disk', {})).headers.etag!;
    const cases: Array<[Record<string, string>, string?]> = [
      [{}],
      [{ range: 'bytes=0-99' }],
      [{ range: 'bytes=150000-150999' }],
      [{ range: 'bytes=299990-' }],
      [{ range: 'bytes=-10' }],
      [{ range: 'bytes=0-0' }],
      [{ range: 'bytes=299999-400000' }],
      [{ range: 'bytes=0-9,100-109' }],
      [{ range: 'bytes=400000-' }],
      [{ range: 'pages=1-2' }],
      [{ range: 'bytes=10-5' }],
      [{ 'if-none-match': etag }],
      [{ 'if-none-match': '"other"' }],
      [{ range: 'bytes=0-99', 'if-range': etag }],
      [{ range: 'bytes=0-99', 'if-range': '"stale"' }],
      [{}, 'HEAD'],
      [{ range: 'bytes=0-99' }, 'HEAD'],
    ];
    const statuses = new Set<number>();
    for (const [headers, method] of cases) {
      const disk = await ask('/disk', headers, method);
      const memory = await ask('/memory', headers, method);
      expect({ asked: headers, method, ...memory, body: memory.body.toString('hex') }).toEqual({ asked: headers, method, ...disk, body: disk.body.toString('hex') });
      statuses.add(disk.status);
    }
    expect([...statuses].sort()).toEqual([200, 206, 304, 416]);
    expect(held.heldBytes).toBe(content.length);
    // And the slices are the file's own bytes, not merely equal answers.
    expect((await ask('/memory', { range: 'bytes=150000-150999' })).body.equals(content.subarray(150000, 151000))).toBe(true);
    expect((await ask('/memory', {})).body.equals(content)).toBe(true);
  });

  it('a file that is not there is the caller\'s "not found", from memory as from disk', async () => {
    expect((await ask('/memory-missing', {})).status).toBe(404);
  });
});
