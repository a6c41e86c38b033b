/**
 * Whole files held in memory, for files many readers ask for at once: a hall
 * of tablets opening the agenda item's PDF sends hundreds of range requests
 * for the same bytes within seconds. Streaming each range from disk costs a
 * read, a fresh buffer per chunk and the garbage collection of it all, on the
 * app's own thread; answering from one shared buffer costs only the socket
 * write (a slice is a view, not a copy).
 *
 * Bounded: `budgetBytes` in all (least recently used go first) and no file
 * over `maxFileBytes`. A file is loaded once however many readers ask at the
 * same moment. Each use is checked against the file's current size and
 * modification time (from the stat the caller made anyway), so a file
 * replaced on disk is read again rather than served stale.
 */
import { readFile } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { LRUCache } from 'lru-cache';

export type MemoryFilesOptions = {
  /** bytes held in all; 0 turns the memory off */
  budgetBytes: number;
  /** larger files are always streamed from disk */
  maxFileBytes: number;
};

type Held = { bytes: Buffer; size: number; mtimeMs: number };

export class MemoryFiles {
  readonly #maxFileBytes: number;
  readonly #held: LRUCache<string, Held, Stats> | undefined;

  constructor(options: MemoryFilesOptions) {
    this.#maxFileBytes = Math.min(options.maxFileBytes, options.budgetBytes);
    this.#held =
      options.budgetBytes <= 0
        ? undefined
        : new LRUCache<string, Held, Stats>({
            maxSize: options.budgetBytes,
            sizeCalculation: (held) => Math.max(1, held.bytes.length),
            // Concurrent asks for one file share this one read.
            fetchMethod: async (path, _stale, { context }) => {
              const bytes = await readFile(path);
              // Changed between the stat and the read: not kept, the caller streams it.
              if (bytes.length !== context.size) return undefined;
              return { bytes, size: context.size, mtimeMs: context.mtimeMs };
            },
          });
  }

  /** Bytes held in all now. */
  get heldBytes(): number {
    return this.#held?.calculatedSize ?? 0;
  }

  /**
   * The file's bytes as they are on disk now (`stat` just taken), from memory
   * or read once into it; undefined when the file is not to be held (too
   * large, the memory is off, or it changed while being read).
   */
  async bytes(path: string, stat: Stats): Promise<Buffer | undefined> {
    if (this.#held === undefined || stat.size > this.#maxFileBytes || !stat.isFile()) return undefined;
    const held = this.#held.get(path);
    if (held !== undefined && held.size === stat.size && held.mtimeMs === stat.mtimeMs) return held.bytes;
    if (held !== undefined) this.#held.delete(path);
    const fetched = await this.#held.fetch(path, { context: stat });
    return fetched !== undefined && fetched.size === stat.size && fetched.mtimeMs === stat.mtimeMs ? fetched.bytes : undefined;
  }
}
