/**
 * Failed-login throttling, kept in the database so every app process (and a
 * restart) sees the same counters.
 *
 * An attempt is counted *before* the password is checked, in one transaction
 * that locks the keys' rows: of N parallel wrong logins only those the limits
 * admit run argon2; the rest are refused without costing the server anything.
 * (The database is the store every process already shares, Redis or not, so
 * no second store is needed for the count to be atomic across processes.)
 *
 * A key allows `free` attempts, then each further one must wait an
 * exponentially growing delay (30 s, 1 min, 2 min … capped at the window):
 * an attacker is slowed, and a key forgets its failures after a quiet window.
 * Keys starting with "address:" take the per-address limit, all others the
 * per-account limit (see AuthService for which keys a login uses).
 */
import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { loginThrottle } from '../../db/schema/identity.ts';

export type ThrottleLimits = { perAccount: number; perAddress: number; windowMs: number };

/** The first delay once a key's free attempts are used; it doubles with every further failure. */
export const BASE_DELAY_MS = 30_000;

type Row = typeof loginThrottle.$inferSelect;

export class LoginThrottle {
  readonly #db: Db;
  readonly #limits: ThrottleLimits;

  constructor(db: Db, limits: ThrottleLimits) {
    this.#db = db;
    this.#limits = limits;
  }

  #freeFor(key: string): number {
    return key.startsWith('address:') ? this.#limits.perAddress : this.#limits.perAccount;
  }

  /** How long after its last attempt a key with `failures` counted must wait. */
  #delayMs(key: string, failures: number): number {
    const over = failures - this.#freeFor(key);
    if (over < 0) return 0;
    return Math.min(this.#limits.windowMs, BASE_DELAY_MS * 2 ** Math.min(over, 30));
  }

  /** A key idle for its delay plus a whole window starts again from zero. */
  #forgotten(row: Row, now: Date): boolean {
    return now.getTime() - row.lastAttemptAt.getTime() > this.#delayMs(row.key, row.failures) + this.#limits.windowMs;
  }

  #waitMs(row: Row, now: Date): number {
    const delay = this.#delayMs(row.key, row.failures);
    // No delay due: admitted, even when a parallel attempt (whose clock read came later) already stamped the row.
    if (delay === 0 || this.#forgotten(row, now)) return 0;
    return Math.max(0, row.lastAttemptAt.getTime() + delay - now.getTime());
  }

  /**
   * Counts one attempt on every key, atomically, unless one of them must
   * still wait: then nothing is counted and the wait (ms) is returned. 0 means
   * the attempt was admitted and already counted as a failure; call
   * `forgive` or `clear` when it turns out to succeed.
   */
  async attempt(keys: readonly string[], now = new Date()): Promise<number> {
    // Sorted, so two transactions lock shared keys in the same order (no deadlock).
    const sorted = [...new Set(keys)].sort();
    return this.#db.transaction(async (tx) => {
      await tx
        .insert(loginThrottle)
        .values(sorted.map((key) => ({ key, failures: 0, windowStartedAt: now, lastAttemptAt: now })))
        .onConflictDoNothing();
      const rows = await tx.select().from(loginThrottle).where(inArray(loginThrottle.key, sorted)).orderBy(loginThrottle.key).for('update');
      const wait = Math.max(0, ...rows.map((row) => this.#waitMs(row, now)));
      if (wait > 0) return wait;
      for (const row of rows) {
        const fresh = this.#forgotten(row, now);
        await tx
          .update(loginThrottle)
          .set({
            failures: fresh ? 1 : row.failures + 1,
            windowStartedAt: fresh ? now : row.windowStartedAt,
            lastAttemptAt: now > row.lastAttemptAt ? now : row.lastAttemptAt,
          })
          .where(eq(loginThrottle.key, row.key));
      }
      return 0;
    });
  }

  /** Milliseconds until these keys admit an attempt again (0: now), without counting one. */
  async blockedFor(keys: readonly string[], now = new Date()): Promise<number> {
    const rows = await this.#db.select().from(loginThrottle).where(inArray(loginThrottle.key, [...keys]));
    return Math.max(0, ...rows.map((row) => this.#waitMs(row, now)));
  }

  /** Takes back one counted attempt on each key (it succeeded). */
  async forgive(keys: readonly string[]): Promise<void> {
    await this.#db
      .update(loginThrottle)
      .set({ failures: sql`greatest(${loginThrottle.failures} - 1, 0)` })
      .where(inArray(loginThrottle.key, [...keys]));
  }

  /** Forgets the keys' failures altogether. */
  async clear(keys: readonly string[]): Promise<void> {
    await this.#db.delete(loginThrottle).where(inArray(loginThrottle.key, [...keys]));
  }

  async purgeOlderThanWindow(now = new Date()): Promise<void> {
    // The longest delay is one window; a key is forgotten a window after that.
    await this.#db.delete(loginThrottle).where(and(lt(loginThrottle.lastAttemptAt, new Date(now.getTime() - 2 * this.#limits.windowMs))));
  }
}
