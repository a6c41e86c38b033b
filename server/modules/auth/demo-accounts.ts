/**
 * Whether accounts anyone can log in with still exist: the seeded demo
 * accounts, active and still on the published demo password. The web app
 * shows a banner while they do (through /api/v1/health), so a deployment
 * that went live on demo data is noticed.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { users } from '../../db/schema/identity.ts';
import { DEMO_PASSWORD, DEMO_USERS } from '../../db/seed/demo-data.ts';
import { verifyPassword } from './passwords.ts';

const DEMO_USERNAMES = DEMO_USERS.map((user) => user.username);

export class DemoAccounts {
  readonly #db: Db;
  /** password hash → whether it is the demo password; argon2 runs once per distinct hash, not per health check */
  readonly #isDemoHash = new Map<string, Promise<boolean>>();

  constructor(db: Db) {
    this.#db = db;
  }

  async exist(): Promise<boolean> {
    const rows = await this.#db
      .selectDistinct({ passwordHash: users.passwordHash })
      .from(users)
      .where(and(inArray(users.username, DEMO_USERNAMES), eq(users.active, true)));
    for (const { passwordHash } of rows) {
      let known = this.#isDemoHash.get(passwordHash);
      if (known === undefined) {
        known = verifyPassword(DEMO_PASSWORD, passwordHash);
        this.#isDemoHash.set(passwordHash, known);
      }
      if (await known) return true;
    }
    return false;
  }
}
