/**
 * Puts the demo province and its people into an empty database (two-level or
 * three-level unit tree, see demo-data.ts), in one transaction, so a half-seeded database never exists.
 */
import { sql } from 'drizzle-orm';
import { foldVietnamese } from '../../contract/text.ts';
import { hashPassword } from '../../modules/auth/passwords.ts';
import type { Db } from '../client.ts';
import { endpointAccounts, endpoints, units, users } from '../schema/index.ts';
import type { DemoStructure } from '../../config.ts';
import { DEMO_PASSWORD, demoTree, type DemoUser } from './demo-data.ts';

export async function isDatabaseEmpty(db: Db): Promise<boolean> {
  const [row] = await db.select({ count: sql<number>`count(*)::int` }).from(units);
  return (row?.count ?? 0) === 0;
}

type UnitRow = typeof units.$inferInsert;
const unit = (name: string, level: UnitRow['level'], parentId: string | null, code: string | null): UnitRow => ({
  name,
  nameSearch: foldVietnamese(name),
  level,
  parentId,
  code,
});

/** Seeds the demo in the chosen unit tree; returns its accounts (for the start-up message). */
export async function seedDemo(db: Db, structure: DemoStructure = 'two-level'): Promise<DemoUser[]> {
  const tree = demoTree(structure);
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await db.transaction(async (tx) => {
    const unitIds = new Map<string, string>();
    // Parents come first in the list, so each parent's id is known when its children are inserted.
    for (const demo of tree.units) {
      const parentId = demo.parent === null ? null : unitIds.get(demo.parent);
      if (parentId === undefined) throw new Error(`demo unit ${demo.name} listed before its parent ${demo.parent ?? ''}`);
      const [created] = await tx.insert(units).values(unit(demo.name, demo.level, parentId, demo.code)).returning({ id: units.id });
      unitIds.set(demo.name, created!.id);
    }
    const provinceId = unitIds.get(tree.province)!;
    const created = await tx.insert(users).values(
      tree.users.map((user) => ({
        username: user.username,
        fullName: user.fullName,
        fullNameSearch: foldVietnamese(user.fullName),
        title: user.title,
        role: user.role,
        unitId: unitIds.get(user.unit) ?? provinceId,
        passwordHash,
      })),
    ).returning({ id: users.id, username: users.username });
    const userIds = new Map(created.map((u) => [u.username, u.id]));
    for (const endpoint of tree.endpoints) {
      const [row] = await tx
        .insert(endpoints)
        .values({ name: endpoint.name, nameSearch: foldVietnamese(endpoint.name), level: endpoint.level, unitId: unitIds.get(endpoint.unit) ?? provinceId })
        .returning({ id: endpoints.id });
      if (endpoint.account !== undefined) await tx.insert(endpointAccounts).values({ endpointId: row!.id, userId: userIds.get(endpoint.account)! });
    }
  });
  return tree.users;
}

/** Empties every table the app owns and the migration journal, for `npm run demo:reset`. */
export async function wipeDatabase(db: Db): Promise<void> {
  await db.execute(sql`drop schema if exists public cascade`);
  await db.execute(sql`drop schema if exists drizzle cascade`);
  await db.execute(sql`create schema public`);
}

export function describeDemoLogins(list: DemoUser[]): string {
  const width = Math.max(...list.map((u) => u.username.length));
  return [
    `Tài khoản mẫu (mật khẩu chung / shared password: ${DEMO_PASSWORD}):`,
    ...list.map((u) => `  ${u.username.padEnd(width)}  ${u.fullName} — ${u.title} — ${u.purpose}`),
  ].join('\n');
}
