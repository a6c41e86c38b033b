/**
 * A short memory of "this session may read this version, from this file":
 * pdf.js reads a document as dozens of range requests, and checking each one
 * in the database (a single connection on the embedded path) is what kept
 * 200 tablets waiting. An answer is kept for `ttlMs` (well under a second, so
 * a revocation made by another process still takes effect within one) and is
 * dropped at once when this process hears of a revocation, of the reader's
 * removal from the meeting, of their logout or of a change to their account.
 * Only granted answers are kept; refusals always go to the database. The
 * number of answers is bounded (least recently used go first: lib/short-memory.ts).
 */
import type { LRUCache } from 'lru-cache';
import { shortMemory, type ShortMemoryOptions } from '../../lib/short-memory.ts';

export type AccessKey = { sessionId: string; documentId: string; version: number; purpose: string };

type Entry<T> = { value: T; userId: string; documentId: string };

export class AccessCache<T> {
  readonly #entries: LRUCache<string, Entry<T>> | undefined;
  /** Counts forgettings, so an answer computed across one is not kept. */
  #generation = 0;

  constructor(options: ShortMemoryOptions) {
    this.#entries = shortMemory<Entry<T>>(options);
  }

  get size(): number {
    return this.#entries?.size ?? 0;
  }

  static #key(key: AccessKey): string {
    return `${key.sessionId}\n${key.documentId}\n${key.version}\n${key.purpose}`;
  }

  /** The kept answer, or a fresh one from `decide` (kept when it did not throw). */
  async get(key: AccessKey, userId: string, decide: () => Promise<T>): Promise<T> {
    if (this.#entries === undefined) return decide();
    const id = AccessCache.#key(key);
    const kept = this.#entries.get(id);
    if (kept !== undefined) return kept.value;
    // Revocations that arrive while the database answers must not be undone by keeping that answer.
    const generation = this.#generation;
    const value = await decide();
    if (generation === this.#generation) this.#entries.set(id, { value, userId, documentId: key.documentId });
    return value;
  }

  /** Forgets one answer (its file went missing, say). */
  forget(key: AccessKey): void {
    this.#entries?.delete(AccessCache.#key(key));
  }

  /** Forgets every answer given to this user (logout, removal from a meeting, account change), or only about one document. */
  forgetUser(userId: string, documentId?: string): void {
    this.#generation += 1;
    const user = userId.toLowerCase();
    for (const [id, entry] of this.#entries?.entries() ?? []) {
      if (entry.userId.toLowerCase() === user && (documentId === undefined || entry.documentId === documentId)) this.#entries?.delete(id);
    }
  }
}
