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
 * its user. Entries are bounded (least recently used go first:
 * lib/short-memory.ts).
 */
import type { LRUCache } from 'lru-cache';
import { shortMemory, type ShortMemoryOptions } from '../../lib/short-memory.ts';
import type { SessionUser } from '../../contract/identity.ts';

export type RecentSession = { secretHash: Uint8Array; expiresAt: Date; user: SessionUser };

export class RecentSessions {
  readonly #entries: LRUCache<string, RecentSession> | undefined;
  /** Counts forgettings, so a session read from the database across one is not kept. */
  #generation = 0;

  constructor(options: ShortMemoryOptions) {
    this.#entries = shortMemory<RecentSession>(options);
  }

  get size(): number {
    return this.#entries?.size ?? 0;
  }

  /** Taken before reading a session from the database; `remember` keeps the answer only if nothing was forgotten since. */
  get generation(): number {
    return this.#generation;
  }

  get(sessionId: string): RecentSession | undefined {
    return this.#entries?.get(sessionId);
  }

  remember(sessionId: string, session: RecentSession, generation: number): void {
    if (generation === this.#generation) this.#entries?.set(sessionId, session);
  }

  forgetSession(sessionId: string): void {
    this.#generation += 1;
    this.#entries?.delete(sessionId);
  }

  /** Every session of this user (logout everywhere, deactivation, a role, unit or name change). */
  forgetUser(userId: string): void {
    this.#generation += 1;
    const user = userId.toLowerCase();
    for (const [id, session] of this.#entries?.entries() ?? []) if (session.user.id.toLowerCase() === user) this.#entries?.delete(id);
  }
}
