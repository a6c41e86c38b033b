import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, realDatabaseUrl, type TestDatabase } from '../helpers/database.ts';
import { DEMO_PASSWORD, startTestServer, TestClient, type TestServer } from '../helpers/server.ts';
import { connectSocket, connected } from '../helpers/socket.ts';

const redisUrl = process.env.REDIS_URL?.trim() || undefined;

// Grown-up deployment: several app processes on one PostgreSQL share live state through Redis.
describe.runIf(realDatabaseUrl !== undefined && redisUrl !== undefined)('two app processes behind one load balancer', () => {
  let db: TestDatabase;
  const servers: TestServer[] = [];
  afterAll(async () => {
    for (const server of servers) await server.close();
    await db?.drop();
  });

  it('start together on an empty database, migrate and seed once, and share sessions and socket rooms', async () => {
    db = await createTestDatabase('external');
    const shared = { REDIS_URL: redisUrl!, BALLOT_KEY: randomBytes(32).toString('base64') };
    servers.push(...(await Promise.all([startTestServer(db, shared), startTestServer(db, shared)])));
    const [a, b] = servers as [TestServer, TestServer];
    const [admins] = await a.database.sql<{ count: number }[]>`select count(*)::int as count from users where username = 'admin'`;
    expect(admins?.count).toBe(1);

    // Logged in through process A, the session works on process B.
    const user = new TestClient(a.url);
    await user.login('caophong.bithu', DEMO_PASSWORD);
    const onB = new TestClient(b.url);
    onB.cookies = new Map(user.cookies);
    expect((await onB.get('/api/v1/auth/me')).status).toBe(200);

    // A socket held by process B is cut off by a logout-everywhere handled by process A.
    const socket = connectSocket(b.url, { cookie: user.cookieHeader });
    await connected(socket);
    const revoked = new Promise((resolve) => socket.once('session:revoked', resolve));
    const gone = new Promise((resolve) => socket.once('disconnect', resolve));
    expect((await user.post('/api/v1/auth/logout-everywhere')).status).toBe(204);
    await expect(revoked).resolves.toEqual({ reason: 'logout-everywhere' });
    await gone;
    socket.disconnect();
  });
});
