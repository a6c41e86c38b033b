/**
 * Puts the demo province and its people into an empty database, in one
 * transaction, so a half-seeded database never exists.
 */
import { sql } from 'drizzle-orm';
import { foldVietnamese } from '../../contract/text.ts';
import { hashPassword } from '../../modules/auth/passwords.ts';
import type { Db } from '../client.ts';
import { endpointAccounts, endpoints, units, users } from '../schema/index.ts';
import { DEMO_ENDPOINTS, DEMO_PASSWORD, DEMO_USERS, DISTRICTS, PROVINCE, PROVINCE_OFFICES, type DemoUser } from './demo-data.ts';

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

export async function seedDemo(db: Db): Promise<DemoUser[]> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await db.transaction(async (tx) => {
    const unitIds = new Map<string, string>();
    const insert = async (row: UnitRow) => {
      const [created] = await tx.insert(units).values(row).returning({ id: units.id });
      unitIds.set(row.name, created!.id);
      return created!.id;
    };
    const provinceId = await insert(unit(PROVINCE.name, 'province', null, PROVINCE.code));
    for (const office of PROVINCE_OFFICES) await insert(unit(office.name, 'province', provinceId, office.code));
    for (const district of DISTRICTS) {
      const districtId = await insert(unit(district.name, 'district', provinceId, district.code));
      await tx.insert(units).values(district.communes.map((name) => unit(name, 'commune', districtId, null)));
      const communes = await tx.select({ id: units.id, name: units.name }).from(units).where(sql`${units.parentId} = ${districtId}`);
      for (const commune of communes) unitIds.set(commune.name, commune.id);
    }
    const created = await tx.insert(users).values(
      DEMO_USERS.map((user) => ({
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
    for (const endpoint of DEMO_ENDPOINTS) {
      const [row] = await tx
        .insert(endpoints)
        .values({ name: endpoint.name, nameSearch: foldVietnamese(endpoint.name), level: endpoint.level, unitId: unitIds.get(endpoint.unit) ?? provinceId })
        .returning({ id: endpoints.id });
      if (endpoint.account !== undefined) await tx.insert(endpointAccounts).values({ endpointId: row!.id, userId: userIds.get(endpoint.account)! });
    }
  });
  return DEMO_USERS;
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
