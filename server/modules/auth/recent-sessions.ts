/**
 * A short memory of sessions just validated. pdf.js reads a document as
 * dozens of range requests, and a hall of 200 tablets opening one file sends
 * hundreds of requests at once; checking each cookie with a join in the
 * database (on the embedded path, PGlite on this very process's thread and
 * one connection) queued them all before a byte went out. A session is kept
 * for `ttlMs` (well under a second, so a logout or deactivation made on
 * another process still takes effect within one), with the hash of its
 * secret, so a wrong cookie is refused as the database would refuse it. It is
 * dropped at once when this process ends the session or hears of a change to
 * its user. Entries are bounded (expired, then oldest, go first).
 */
import type { SessionUser } from '../../contract/identity.ts';

export type RecentSession = { secretHash: Uint8Array; expiresAt: Date; user: SessionUser };

type Entry = RecentSession & { keptUntil: number };

export class RecentSessions {
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();
  /** Counts forgettings, so a session read from the database across one is not kept. */
  #generation = 0;

  constructor(options: { ttlMs: number; maxEntries: number; now?: () => number }) {
    this.#ttlMs = options.ttlMs;
    this.#maxEntries = options.maxEntries;
    this.#now = options.now ?? (() => performance.now());
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Taken before reading a session from the database; `remember` keeps the answer only if nothing was forgotten since. */
  get generation(): number {
    return this.#generation;
  }

  get(sessionId: string): RecentSession | undefined {
    const entry = this.#entries.get(sessionId);
    if (entry === undefined) return undefined;
    if (entry.keptUntil > this.#now()) return entry;
    this.#entries.delete(sessionId);
    return undefined;
  }

  remember(sessionId: string, session: RecentSession, generation: number): void {
    if (this.#ttlMs <= 0 || generation !== this.#generation) return;
    this.#entries.delete(sessionId);
    if (this.#entries.size >= this.#maxEntries) this.#evict();
    this.#entries.set(sessionId, { ...session, keptUntil: this.#now() + this.#ttlMs });
  }

  forgetSession(sessionId: string): void {
    this.#generation += 1;
    this.#entries.delete(sessionId);
  }

  /** Every session of this user (logout everywhere, deactivation, a role, unit or name change). */
  forgetUser(userId: string): void {
    this.#generation += 1;
    const user = userId.toLowerCase();
    for (const [id, entry] of this.#entries) if (entry.user.id.toLowerCase() === user) this.#entries.delete(id);
  }

  #evict(): void {
    const now = this.#now();
    for (const [id, entry] of this.#entries) if (entry.keptUntil <= now) this.#entries.delete(id);
    for (const id of this.#entries.keys()) {
      if (this.#entries.size < this.#maxEntries) break;
      this.#entries.delete(id);
    }
  }
}
