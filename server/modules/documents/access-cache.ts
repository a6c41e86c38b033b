/**
 * A short memory of "this session may read this version, from this file":
 * pdf.js reads a document as dozens of range requests, and checking each one
 * in the database (a single connection on the embedded path) is what kept
 * 200 tablets waiting. An answer is kept for `ttlMs` (well under a second, so
 * a revocation made by another process still takes effect within one) and is
 * dropped at once when this process hears of a revocation, of the reader's
 * removal from the meeting, of their logout or of a change to their account.
 * Only granted answers are kept; refusals always go to the database. The
 * number of answers is bounded (the oldest go first).
 */

export type AccessKey = { sessionId: string; documentId: string; version: number; purpose: string };

type Entry<T> = { value: T; userId: string; documentId: string; expiresAt: number };

export class AccessCache<T> {
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #entries = new Map<string, Entry<T>>();
  readonly #now: () => number;

  constructor(options: { ttlMs: number; maxEntries: number; now?: () => number }) {
    this.#ttlMs = options.ttlMs;
    this.#maxEntries = options.maxEntries;
    this.#now = options.now ?? (() => performance.now());
  }

  get size(): number {
    return this.#entries.size;
  }

  static #key(key: AccessKey): string {
    return `${key.sessionId}\n${key.documentId}\n${key.version}\n${key.purpose}`;
  }

  /** The kept answer, or a fresh one from `decide` (kept when it did not throw). */
  async get(key: AccessKey, userId: string, decide: () => Promise<T>): Promise<T> {
    if (this.#ttlMs <= 0) return decide();
    const id = AccessCache.#key(key);
    const kept = this.#entries.get(id);
    if (kept !== undefined && kept.expiresAt > this.#now()) return kept.value;
    if (kept !== undefined) this.#entries.delete(id);
    // Revocations that arrive while the database answers must not be undone by keeping that answer.
    const generation = this.#generation;
    const value = await decide();
    if (generation !== this.#generation) return value;
    if (this.#entries.size >= this.#maxEntries) this.#evict();
    this.#entries.set(id, { value, userId, documentId: key.documentId, expiresAt: this.#now() + this.#ttlMs });
    return value;
  }

  /** Counts forgettings, so an answer computed across one is not kept. */
  #generation = 0;

  /** Forgets one answer (its file went missing, say). */
  forget(key: AccessKey): void {
    this.#entries.delete(AccessCache.#key(key));
  }

  /** Forgets every answer given to this user (logout, removal from a meeting, account change), or only about one document. */
  forgetUser(userId: string, documentId?: string): void {
    this.#generation += 1;
    const user = userId.toLowerCase();
    for (const [id, entry] of this.#entries) {
      if (entry.userId.toLowerCase() === user && (documentId === undefined || entry.documentId === documentId)) this.#entries.delete(id);
    }
  }

  /** Drops the expired answers, then the oldest until there is room for one more. */
  #evict(): void {
    const now = this.#now();
    for (const [id, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(id);
    for (const id of this.#entries.keys()) {
      if (this.#entries.size < this.#maxEntries) break;
      this.#entries.delete(id);
    }
  }
}
