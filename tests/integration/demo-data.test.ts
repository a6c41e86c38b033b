/**
 * Demo data: seeded by default only into the embedded database, and while
 * its accounts are live on the published password, /api/v1/health says so
 * (the web app shows a banner).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { DEMO_USERS } from '../../server/db/seed/demo-data.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { DEMO_PASSWORD, startTestServer, TestClient, type TestServer } from '../helpers/server.ts';

type Health = { status: string; demoAccounts: boolean };

describe('demo data by default', () => {
  it('is on with the embedded database and off with DATABASE_URL unless asked for', () => {
    expect(loadConfig({}).demoData).toBe(true);
    expect(loadConfig({ DATABASE_URL: 'postgres://db/phs' }).demoData).toBe(false);
    expect(loadConfig({ DATABASE_URL: 'postgres://db/phs', DEMO_DATA: 'true' }).demoData).toBe(true);
    expect(loadConfig({ DEMO_DATA: 'false' }).demoData).toBe(false);
  });
});

/** A server of its own for one describe block, on a fresh database. */
function serverFor(env: Record<string, string>): () => TestServer {
  let db: TestDatabase | undefined;
  let server: TestServer | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db, env);
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });
  return () => server!;
}

describe('demo accounts banner', () => {
  const serving = serverFor({});

  it('health tells the client while demo accounts are usable, and stops once their passwords are changed', async () => {
    const server = serving();
    const anonymous = new TestClient(server.url);
    expect((await anonymous.get<Health>('/api/v1/health')).body).toMatchObject({ status: 'ok', demoAccounts: true });

    const admin = new TestClient(server.url);
    expect((await admin.login('admin', DEMO_PASSWORD)).status).toBe(200);
    const { body } = await admin.get<{ users: { id: string; username: string }[] }>('/api/v1/users?limit=100');
    const demoIds = body.users.filter((user) => DEMO_USERS.some((demo) => demo.username === user.username) && user.username !== 'admin');
    expect(demoIds.length).toBe(DEMO_USERS.length - 1);
    for (const user of demoIds) expect((await admin.post(`/api/v1/users/${user.id}/password`, { password: 'Mat-khau-rieng-2026' })).status).toBe(204);
    // One account left on the demo password: still a demo.
    expect((await anonymous.get<Health>('/api/v1/health')).body.demoAccounts).toBe(true);

    const adminId = body.users.find((user) => user.username === 'admin')!.id;
    expect((await admin.post(`/api/v1/users/${adminId}/password`, { password: 'Mat-khau-rieng-2026' })).status).toBe(204);
    expect((await anonymous.get<Health>('/api/v1/health')).body.demoAccounts).toBe(false);
  });
});

describe('without demo data', () => {
  const serving = serverFor({ DEMO_DATA: 'false' });

  it('shows no banner', async () => {
    expect((await new TestClient(serving().url).get<Health>('/api/v1/health')).body.demoAccounts).toBe(false);
  });
});

describe('demo structure', () => {
  it('is two-level by default (today\'s Vietnam) and refuses an unknown structure', () => {
    expect(loadConfig({}).demoStructure).toBe('two-level');
    expect(loadConfig({ DEMO_STRUCTURE: 'three-level' }).demoStructure).toBe('three-level');
    expect(() => loadConfig({ DEMO_STRUCTURE: 'four-level' })).toThrow(/DEMO_STRUCTURE must be one of two-level, three-level/);
  });
});

type Unit = { id: string; parentId: string | null; level: string; name: string };
type Endpoint = { name: string; level: string; unitId: string | null };

async function demoWorld(server: TestServer) {
  const admin = new TestClient(server.url);
  expect((await admin.login('admin', DEMO_PASSWORD)).status).toBe(200);
  const units = (await admin.get<{ units: Unit[] }>('/api/v1/units')).body.units;
  const endpoints = (await admin.get<{ endpoints: Endpoint[] }>('/api/v1/endpoints')).body.endpoints;
  const users = (await admin.get<{ users: { username: string; unitId: string }[] }>('/api/v1/users?limit=100')).body.users;
  const unitOf = (username: string) => units.find((u) => u.id === users.find((user) => user.username === username)?.unitId);
  return { units, endpoints, unitOf };
}

describe('two-level demo (DEMO_STRUCTURE=two-level)', () => {
  const serving = serverFor({ DEMO_STRUCTURE: 'two-level' });

  it('puts the communes straight under the province, with no district, and links every commune hall', async () => {
    const { units, endpoints, unitOf } = await demoWorld(serving());
    const province = units.find((u) => u.parentId === null)!;
    expect(province).toMatchObject({ name: 'Tỉnh Phú Thọ', level: 'province' });
    expect(units.filter((u) => u.level === 'district')).toEqual([]);
    const communes = units.filter((u) => u.level === 'commune');
    expect(communes.length).toBeGreaterThanOrEqual(10);
    for (const commune of communes) expect(commune.parentId).toBe(province.id);
    expect(endpoints.map((e) => e.level).sort()).toEqual(['province', ...communes.map(() => 'commune')].sort());
    expect(endpoints.find((e) => e.name === 'Điểm cầu xã Pà Cò')?.unitId).toBe(units.find((u) => u.name === 'Xã Pà Cò')!.id);
    // The same accounts in both trees: the former district leader now leads a merged commune.
    expect(unitOf('caophong.bithu')).toMatchObject({ name: 'Xã Cao Phong', level: 'commune', parentId: province.id });
    expect(unitOf('thuky')).toMatchObject({ name: 'Văn phòng Tỉnh ủy', level: 'province', parentId: province.id });
    // Every demo account logs in with the published password.
    for (const username of DEMO_USERS.map((u) => u.username)) expect((await new TestClient(serving().url).login(username, DEMO_PASSWORD)).status).toBe(200);
  });
});

describe('three-level demo (DEMO_STRUCTURE=three-level)', () => {
  const serving = serverFor({ DEMO_STRUCTURE: 'three-level' });

  it('puts the communes under ten districts of the province, with district halls', async () => {
    const { units, endpoints, unitOf } = await demoWorld(serving());
    const province = units.find((u) => u.parentId === null)!;
    expect(province).toMatchObject({ name: 'Tỉnh Hòa Bình', level: 'province' });
    const districts = units.filter((u) => u.level === 'district');
    expect(districts).toHaveLength(10);
    for (const district of districts) expect(district.parentId).toBe(province.id);
    const districtIds = new Set(districts.map((d) => d.id));
    for (const commune of units.filter((u) => u.level === 'commune')) expect(districtIds.has(commune.parentId!)).toBe(true);
    expect(endpoints.filter((e) => e.level === 'district')).toHaveLength(10);
    expect(unitOf('caophong.bithu')).toMatchObject({ name: 'Huyện Cao Phong', level: 'district' });
  });
});
