/**
 * Content-addressed storage for uploaded files: each file lives once under
 * root/<first two hex digits>/<sha256>, however many document versions use it.
 * Uploads are streamed to root/tmp while being hashed, so a 50 MB PDF never
 * sits in memory, and only a fully received file is moved into place (rename
 * within one file system is atomic: readers never see half a file).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export type StagedBlob = { tempPath: string; sha256: string; size: number };

export class BlobTooLargeError extends Error {
  readonly limitBytes: number;

  constructor(limitBytes: number) {
    super(`file exceeds the limit of ${limitBytes} bytes`);
    this.name = 'BlobTooLargeError';
    this.limitBytes = limitBytes;
  }
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
const TEMP_NAME = /^[0-9a-f]{32}\.part$/;

/** Hashes and counts bytes on their way to disk; fails the pipeline past the limit. */
class Meter extends Transform {
  readonly #hash = createHash('sha256');
  readonly #limit: number;
  size = 0;

  constructor(limit: number) {
    super();
    this.#limit = limit;
  }

  override _transform(chunk: Buffer | string, _encoding: BufferEncoding, callback: TransformCallback): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.size += bytes.length;
    if (this.size > this.#limit) {
      callback(new BlobTooLargeError(this.#limit));
      return;
    }
    this.#hash.update(bytes);
    callback(null, bytes);
  }

  digest(): string {
    return this.#hash.digest('hex');
  }
}

export class BlobStore {
  readonly #root: string;
  readonly #tmp: string;

  constructor(rootDir: string) {
    this.#root = rootDir;
    this.#tmp = join(rootDir, 'tmp');
  }

  /** Streams `source` to root/tmp while hashing and counting; never buffers the whole file. */
  async stage(source: NodeJS.ReadableStream | Readable, maxBytes: number): Promise<StagedBlob> {
    await mkdir(this.#tmp, { recursive: true });
    const tempPath = join(this.#tmp, `${randomBytes(16).toString('hex')}.part`);
    const meter = new Meter(maxBytes);
    try {
      // pipeline destroys every stream on failure, the source included, so an
      // over-limit upload stops being read instead of draining to nowhere.
      // `flush` fsyncs before close: a committed blob survives a power cut.
      await pipeline(source, meter, createWriteStream(tempPath, { flags: 'wx', mode: 0o640, flush: true }));
    } catch (error) {
      await rm(tempPath, { force: true });
      throw error;
    }
    return { tempPath, sha256: meter.digest(), size: meter.size };
  }

  /** Moves a staged file into place; a file with that hash already there is kept and the temp dropped. */
  async commit(staged: StagedBlob): Promise<string> {
    const finalPath = this.pathFor(staged.sha256);
    this.#assertTemp(staged.tempPath);
    if (await exists(finalPath)) {
      await rm(staged.tempPath, { force: true });
      return finalPath;
    }
    const dir = join(this.#root, staged.sha256.slice(0, 2));
    await mkdir(dir, { recursive: true });
    // Two uploads of the same content racing here both rename identical bytes:
    // the second replaces the first atomically, which is harmless.
    await rename(staged.tempPath, finalPath);
    await syncDir(dir);
    return finalPath;
  }

  async discard(staged: StagedBlob): Promise<void> {
    this.#assertTemp(staged.tempPath);
    await rm(staged.tempPath, { force: true });
  }

  /** The only way to turn a hash into a path: anything but 64 lowercase hex digits is refused. */
  pathFor(sha256: string): string {
    if (!SHA256_HEX.test(sha256)) throw new Error('invalid blob hash');
    return join(this.#root, sha256.slice(0, 2), sha256);
  }

  async remove(sha256: string): Promise<void> {
    await rm(this.pathFor(sha256), { force: true });
  }

  /**
   * Removes temp files left by a crash. A live upload keeps touching its file,
   * so only uploads stalled for longer than maxAgeMs are swept.
   */
  async sweepTemp(maxAgeMs: number): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.#tmp);
    } catch (error) {
      if (isNotFound(error)) return 0;
      throw error;
    }
    const cutoff = Date.now() - maxAgeMs;
    let removed = 0;
    for (const name of names) {
      if (!TEMP_NAME.test(name)) continue;
      const path = join(this.#tmp, name);
      try {
        if ((await stat(path)).mtimeMs >= cutoff) continue;
        await rm(path, { force: true });
        removed++;
      } catch (error) {
        if (!isNotFound(error)) throw error; // finished or discarded meanwhile
      }
    }
    return removed;
  }

  /** Staged blobs come from this class, but a path that left the tmp dir must never be renamed or deleted. */
  #assertTemp(tempPath: string): void {
    const name = tempPath.slice(this.#tmp.length + 1);
    if (!tempPath.startsWith(this.#tmp + sep) || !TEMP_NAME.test(name)) throw new Error('not a staged blob of this store');
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

/** Makes the rename itself durable (the directory entry), not just the file's bytes. */
async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}
