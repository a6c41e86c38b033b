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
