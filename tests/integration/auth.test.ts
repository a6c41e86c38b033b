import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { DEMO_PASSWORD, startTestServer, TestClient, type TestServer } from '../helpers/server.ts';

type ErrorBody = { error: { code: string; message: string; field?: string; requestId: string } };

/**
 * Poll /auth/me every 25 ms until it stops answering 200 or the time is up; the status it ended on.
 * Paced, not a tight loop: hundreds of requests a second would trip the per-user rate limit (429) instead.
 */
async function meStatusOnceRefused(client: TestClient, withinMs: number): Promise<number> {
  const deadline = Date.now() + withinMs;
  let status = (await client.get('/api/v1/auth/me')).status;
  while (status === 200 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    status = (await client.get('/api/v1/auth/me')).status;
  }
  return status;
}

describe('login, sessions and logout', () => {
  let db: TestDatabase;
  let server: TestServer;

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db, { LOGIN_MAX_FAILURES_PER_ACCOUNT: '3', LOGIN_MAX_FAILURES_PER_ADDRESS: '1000' });
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('logs in with the right password and sets an HttpOnly, SameSite cookie', async () => {
    const client = new TestClient(server.url);
    const response = await client.login('admin', DEMO_PASSWORD);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ user: { username: 'admin', role: 'admin', fullName: 'Trần Quang Vinh' } });
    const setCookie = response.headers.getSetCookie().join('\n');
    expect(setCookie).toMatch(/phs_session=[a-z2-7]{32}\.[a-z2-7]{32}/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).not.toMatch(/Secure/i); // PUBLIC_URL is http here

    const me = await client.get('/api/v1/auth/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ user: { username: 'admin' } });
  });

  it('accepts the username in any letter case', async () => {
    const client = new TestClient(server.url);
    expect((await client.login('  ThuKy ', DEMO_PASSWORD)).status).toBe(200);
  });

  it('gives a wrong password and an unknown user the same answer', async () => {
    const wrongPassword = await new TestClient(server.url).login('bithu', 'not-the-password');
    const unknownUser = await new TestClient(server.url).login('khong-ton-tai', 'not-the-password');
    expect(wrongPassword.status).toBe(401);
    expect(unknownUser.status).toBe(401);
    const strip = (body: ErrorBody) => ({ ...body.error, requestId: undefined });
    expect(strip(wrongPassword.body as ErrorBody)).toEqual(strip(unknownUser.body as ErrorBody));
    expect((wrongPassword.body as ErrorBody).error.message).toBe('Tên đăng nhập hoặc mật khẩu không đúng');
  });

  it('blocks an account after too many failures, even with the right password, without blocking others', async () => {
    const client = new TestClient(server.url);
    for (let i = 0; i < 3; i += 1) expect((await client.login('chutich', `sai-mat-khau-${i}`)).status).toBe(401);
    const blocked = await client.login('chutich', DEMO_PASSWORD);
    expect(blocked.status).toBe(429);
    expect((blocked.body as ErrorBody).error.message).toMatch(/Đăng nhập sai quá nhiều lần/);
    // Another account from the same address is unaffected by the per-account limit.
    expect((await client.login('phobithu', DEMO_PASSWORD)).status).toBe(200);
  });

  it('logout invalidates the session cookie for good', async () => {
    const client = new TestClient(server.url);
    await client.login('giamdoc.noivu', DEMO_PASSWORD);
    const stolenCookie = client.cookieHeader;
    expect((await client.post('/api/v1/auth/logout')).status).toBe(204);
    const replay = await fetch(`${server.url}/api/v1/auth/me`, { headers: { cookie: stolenCookie } });
    expect(replay.status).toBe(401);
  });

  it('logout everywhere ends the sessions on every device of that user', async () => {
    const tablet = new TestClient(server.url);
    const laptop = new TestClient(server.url);
    await tablet.login('maichau.bithu', DEMO_PASSWORD);
    await laptop.login('maichau.bithu', DEMO_PASSWORD);
    expect((await laptop.post('/api/v1/auth/logout-everywhere')).status).toBe(204);
    expect((await tablet.get('/api/v1/auth/me')).status).toBe(401);
  });

  it('refuses forged and expired session cookies with 401', async () => {
    const forged = new TestClient(server.url);
    forged.cookies.set('phs_session', `${'a'.repeat(32)}.${'b'.repeat(32)}`);
    expect((await forged.get('/api/v1/auth/me')).status).toBe(401);

    const client = new TestClient(server.url);
    await client.login('khach', DEMO_PASSWORD);
    const [id, secret] = client.cookies.get('phs_session')!.split('.');
    // The session was just validated, so the server remembers it: another secret must still fail the hash comparison.
    expect((await client.get('/api/v1/auth/me')).status).toBe(200);
    forged.cookies.set('phs_session', `${id}.${'c'.repeat(secret!.length)}`);
    expect((await forged.get('/api/v1/auth/me')).status).toBe(401);

    // Expired in the database (as another process's clock would see it): refused within the second the server may remember it.
    await server.database.sql`update sessions set expires_at = now() - interval '1 second' where id = ${id!}`;
    expect(await meStatusOnceRefused(client, 1_000)).toBe(401);
  });

  it('a session ended behind this process (another app process logged it out) stops working within a second', async () => {
    const client = new TestClient(server.url);
    await client.login('caophong.bithu', DEMO_PASSWORD);
    expect((await client.get('/api/v1/auth/me')).status).toBe(200);
    const [id] = client.cookies.get('phs_session')!.split('.');
    await server.database.sql`delete from sessions where id = ${id!}`;
    expect(await meStatusOnceRefused(client, 1_000)).toBe(401);
  });

  it('stores only a hash of the session secret', async () => {
    const client = new TestClient(server.url);
    await client.login('bithu', DEMO_PASSWORD);
    const [id, secret] = client.cookies.get('phs_session')!.split('.');
    const rows = await server.database.sql<{ secret_hash: Buffer }[]>`select secret_hash from sessions where id = ${id!}`;
    expect(rows).toHaveLength(1);
    expect(Buffer.from(rows[0]!.secret_hash).toString('utf8')).not.toContain(secret);
    expect(rows[0]!.secret_hash.length).toBe(32);
  });

  it('extends a session that is used in the second half of its life', async () => {
    const client = new TestClient(server.url);
    await client.login('thuky', DEMO_PASSWORD);
    const [id] = client.cookies.get('phs_session')!.split('.');
    await server.database.sql`update sessions set expires_at = now() + interval '1 hour' where id = ${id!}`;
    const me = await client.get<{ expiresAt: string }>('/api/v1/auth/me');
    expect(me.status).toBe(200);
    expect(new Date(me.body.expiresAt).getTime()).toBeGreaterThan(Date.now() + 6 * 24 * 3_600_000);
    expect(me.headers.getSetCookie().join('')).toMatch(/phs_session=/);
  });
});

describe('per-address login limit', () => {
  let db: TestDatabase;
  let server: TestServer;
  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db, { LOGIN_MAX_FAILURES_PER_ACCOUNT: '100', LOGIN_MAX_FAILURES_PER_ADDRESS: '4' });
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('blocks an address that guesses across many accounts', async () => {
    const client = new TestClient(server.url);
    for (const username of ['a1', 'b2', 'c3', 'd4']) expect((await client.login(username, 'guess-guess')).status).toBe(401);
    expect((await client.login('admin', DEMO_PASSWORD)).status).toBe(429);
  });
});

describe('sessions survive a server restart', () => {
  let db: TestDatabase;
  let server: TestServer | undefined;
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('keeps the user logged in across a restart on the same database', async () => {
    db = await createTestDatabase();
    server = await startTestServer(db);
    const first = new TestClient(server.url);
    expect((await first.login('admin', DEMO_PASSWORD)).status).toBe(200);
    const cookie = first.cookieHeader;
    await server.close();

    server = await startTestServer(db);
    const response = await fetch(`${server.url}/api/v1/auth/me`, { headers: { cookie } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ user: { username: 'admin' } });
  });
});
