/**
 * A bounded memory of answers kept for well under a second (the session
 * memory, the document access cache): least recently used go first, and every
 * read asks the clock (ttlResolution 0), so an answer is gone as soon as more than
 * ttlMs has passed.
 * A TTL of 0 or less means no memory at all (undefined).
 */
import { LRUCache } from 'lru-cache';

export type ShortMemoryOptions = { ttlMs: number; maxEntries: number; now?: () => number };

export function shortMemory<V extends object>(options: ShortMemoryOptions): LRUCache<string, V> | undefined {
  if (options.ttlMs <= 0) return undefined;
  return new LRUCache<string, V>({ max: options.maxEntries, ttl: options.ttlMs, ttlResolution: 0, perf: { now: options.now ?? (() => performance.now()) } });
}
