/**
 * Stamped copies of confidential documents (one per reader and version, or
 * per wall screen), kept on disk under DATA_DIR so the viewer's range requests
 * read the same bytes request after request, as they do for an original.
 * Made once however many ask at the same time; re-made after `maxAgeMs` (the
 * stamp's time then tells roughly when the copy was handed out); the least
 * recently used go when the total passes `maxBytes`. Copies can always be made
 * again, so nothing is indexed: each process keeps its copies in a directory
 * of its own (several processes may share DATA_DIR), and directories no
 * process has written to for a day (left by a crash) are removed at start.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** usedAt: a counter, not a clock (several uses in one millisecond keep their order) */
type Entry = { path: string; size: number; createdAt: number; usedAt: number };

const KEY = /^[a-z]+-[0-9a-f]{64}-[0-9a-f-]{36}\.(pdf|png)$/;
const ABANDONED_AFTER_MS = 24 * 60 * 60 * 1000;

export class CopyCache {
  readonly #dir: string;
  readonly #maxBytes: number;
  readonly #maxAgeMs: number;
  readonly #entries = new Map<string, Entry>();
  readonly #making = new Map<string, Promise<string>>();
  #total = 0;
  #uses = 0;

  readonly #root: string;

  constructor(root: string, options: { maxBytes: number; maxAgeMs: number }) {
    this.#root = root;
    this.#dir = join(root, randomBytes(8).toString('hex'));
    this.#maxBytes = options.maxBytes;
    this.#maxAgeMs = options.maxAgeMs;
  }

  /** This process's directory (for other short-lived files of its own). */
  get dir(): string {
    return this.#dir;
  }

  async init(): Promise<void> {
    await mkdir(this.#dir, { recursive: true });
    const cutoff = Date.now() - ABANDONED_AFTER_MS;
    for (const name of await readdir(this.#root)) {
      const dir = join(this.#root, name);
      const info = await stat(dir).catch(() => null);
      if (dir !== this.#dir && info !== null && info.mtimeMs < cutoff) await rm(dir, { recursive: true, force: true });
    }
  }

  /** The copy named `key` (`<kind>-<sha256>-<uuid>.<ext>`), made by `make(path)` when missing or too old. */
  async get(key: string, make: (path: string) => Promise<void>): Promise<string> {
    if (!KEY.test(key)) throw new Error('invalid copy key');
    const entry = this.#entries.get(key);
    // Still there (an operator may have cleaned the directory) and not too old.
    if (entry !== undefined && Date.now() - entry.createdAt < this.#maxAgeMs && (await stat(entry.path).catch(() => null)) !== null) {
      entry.usedAt = ++this.#uses;
      return entry.path;
    }
    const pending = this.#making.get(key);
    if (pending !== undefined) return pending;
    const made = this.#make(key, make).finally(() => this.#making.delete(key));
    this.#making.set(key, made);
    return made;
  }

  async #make(key: string, make: (path: string) => Promise<void>): Promise<string> {
    const path = join(this.#dir, key);
    await make(path);
    const { size } = await stat(path);
    const old = this.#entries.get(key);
    if (old !== undefined) this.#total -= old.size;
    const now = Date.now();
    this.#entries.set(key, { path, size, createdAt: now, usedAt: ++this.#uses });
    this.#total += size;
    await this.#evict(key);
    return path;
  }

  /** Drops least recently used copies (never the one just made) until the total fits. */
  async #evict(keep: string): Promise<void> {
    if (this.#total <= this.#maxBytes) return;
    const byAge = [...this.#entries].filter(([key]) => key !== keep).sort((a, b) => a[1].usedAt - b[1].usedAt);
    for (const [key, entry] of byAge) {
      if (this.#total <= this.#maxBytes) break;
      this.#entries.delete(key);
      this.#total -= entry.size;
      // A reader streaming it keeps their open file; the next request makes a new copy.
      await rm(entry.path, { force: true });
    }
  }

  get totalBytes(): number {
    return this.#total;
  }
}
