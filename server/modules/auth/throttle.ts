/**
 * Failed-login throttling, kept in the database so every app process (and a
 * restart) sees the same counters. A key is "account:<username>" or
 * "address:<ip>"; each has its own limit within a fixed window.
 */
import { and, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { loginThrottle } from '../../db/schema/identity.ts';

export type ThrottleLimits = { perAccount: number; perAddress: number; windowMs: number };

export class LoginThrottle {
  readonly #db: Db;
  readonly #limits: ThrottleLimits;

  constructor(db: Db, limits: ThrottleLimits) {
    this.#db = db;
    this.#limits = limits;
  }

  static accountKey(username: string): string {
    return `account:${username}`;
  }

  static addressKey(address: string): string {
    return `address:${address}`;
  }

  #limitFor(key: string): number {
    return key.startsWith('account:') ? this.#limits.perAccount : this.#limits.perAddress;
  }

  /** Milliseconds until the earliest blocked key frees up, or 0 when none is blocked. */
  async blockedFor(keys: string[], now = new Date()): Promise<number> {
    const windowStart = new Date(now.getTime() - this.#limits.windowMs);
    const rows = await this.#db
      .select()
      .from(loginThrottle)
      .where(and(inArray(loginThrottle.key, keys), gte(loginThrottle.windowStartedAt, windowStart)));
    let wait = 0;
    for (const row of rows) {
      if (row.failures >= this.#limitFor(row.key)) {
        wait = Math.max(wait, row.windowStartedAt.getTime() + this.#limits.windowMs - now.getTime());
      }
    }
    return wait;
  }

  async recordFailure(keys: string[], now = new Date()): Promise<void> {
    // Raw sql`` parameters bypass drizzle's column mapping, so dates go in as ISO text with a cast.
    const windowStart = sql`${new Date(now.getTime() - this.#limits.windowMs).toISOString()}::timestamptz`;
    const nowParam = sql`${now.toISOString()}::timestamptz`;
    for (const key of keys) {
      await this.#db
        .insert(loginThrottle)
        .values({ key, failures: 1, windowStartedAt: now })
        .onConflictDoUpdate({
          target: loginThrottle.key,
          set: {
            failures: sql`case when ${loginThrottle.windowStartedAt} < ${windowStart} then 1 else ${loginThrottle.failures} + 1 end`,
            windowStartedAt: sql`case when ${loginThrottle.windowStartedAt} < ${windowStart} then ${nowParam} else ${loginThrottle.windowStartedAt} end`,
          },
        });
    }
  }

  async clear(key: string): Promise<void> {
    await this.#db.delete(loginThrottle).where(eq(loginThrottle.key, key));
  }

  async purgeOlderThanWindow(now = new Date()): Promise<void> {
    await this.#db
      .delete(loginThrottle)
      .where(lt(loginThrottle.windowStartedAt, new Date(now.getTime() - this.#limits.windowMs)));
  }
}
