import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { startTestServer, TestClient, type TestServer } from '../helpers/server.ts';

describe('unexpected errors', () => {
  let db: TestDatabase;
  let server: TestServer;
  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db);
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('a failing database query becomes a 500 that hides internals and is logged with the request id', async () => {
    // Break the users table behind the app's back, as a failed disk or bad migration would.
    await server.database.sql`alter table users rename to users_broken`;
    try {
      const client = new TestClient(server.url);
      const response = await client.login('admin', 'whatever-password');
      expect(response.status).toBe(500);
      const body = response.body as { error: { message: string; requestId: string } };
      expect(body.error.message).toBe('Đã có lỗi hệ thống. Vui lòng thử lại sau');
      expect(JSON.stringify(body)).not.toMatch(/users|select|stack|postgres/i);
      const logged = server.logs.find((line) => line.level === 50 && line.reqId === body.error.requestId);
      expect(logged).toBeDefined();
      expect(JSON.stringify(logged)).toMatch(/users/);
    } finally {
      await server.database.sql`alter table users_broken rename to users`;
    }
  });

  it('unknown API routes get a JSON 404, not the web app', async () => {
    const response = await new TestClient(server.url).get<{ error: { code: string } }>('/api/v1/khong-co');
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('routeNotFound');
  });

  it('health reports the database and the version', async () => {
    const response = await new TestClient(server.url).get<{ status: string; version: string; database: { ok: boolean; kind: string } }>('/api/v1/health');
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('ok');
    expect(response.body.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(response.body.database).toMatchObject({ ok: true, kind: db.kind });
  });
});
