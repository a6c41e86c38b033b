/**
 * Finding 10: the login throttle counts an attempt before argon2 runs, reads
 * the client address only from trusted proxies, and slows an attacker's
 * address without locking the real user out of their account.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { DEMO_PASSWORD, startTestServer, TestClient, type TestServer } from '../helpers/server.ts';

// Every password check the server runs, counted (argon2 is what parallel guesses must not buy).
const verifications = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../server/modules/auth/passwords.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../server/modules/auth/passwords.ts')>();
  return {
    ...original,
    verifyPassword: async (password: string, stored: string) => {
      verifications.count += 1;
      return original.verifyPassword(password, stored);
    },
  };
});

/** A login as it reaches the app through one proxy that appends the client's real address. */
function loginVia(server: TestServer, realAddress: string, username: string, password: string, spoofed?: string) {
  const forwarded = spoofed === undefined ? realAddress : `${spoofed}, ${realAddress}`;
  return new TestClient(server.url).request('POST', '/api/v1/auth/login', { username, password }, { 'x-forwarded-for': forwarded });
}

describe('login throttle (finding 10)', () => {
  let db: TestDatabase;
  let server: TestServer;

  beforeAll(async () => {
    db = await createTestDatabase();
    // One nginx in front of the app: only the entry it appends is believed.
    server = await startTestServer(db, { LOGIN_MAX_FAILURES_PER_ACCOUNT: '3', LOGIN_MAX_FAILURES_PER_ADDRESS: '5', TRUST_PROXY: '1' });
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });
  beforeEach(() => {
    verifications.count = 0;
  });

  it('runs argon2 at most the allowed number of times for parallel wrong logins', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => loginVia(server, '10.1.0.1', 'phobithu', `doan-sai-${i}`)));
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(3);
    expect(statuses.filter((status) => status === 429)).toHaveLength(17);
    expect(verifications.count).toBe(3);
  });

  it('admits parallel logins that are within every limit', async () => {
    const answers = await Promise.all(['thuky', 'khach', 'chutich', 'admin'].map((username) => loginVia(server, '10.1.0.7', username, 'doan-sai')));
    expect(answers.map((answer) => answer.status)).toEqual([401, 401, 401, 401]);
  });

  it('throttles the real address whatever a client writes into X-Forwarded-For', async () => {
    const accounts = ['thuky', 'giamdoc.noivu', 'caophong.bithu', 'maichau.bithu', 'paco.chutich'];
    for (const [i, username] of accounts.entries()) {
      const answer = await loginVia(server, '10.1.0.2', username, 'doan-sai', `203.0.113.${i + 1}`);
      expect(answer.status).toBe(401);
    }
    const next = await loginVia(server, '10.1.0.2', 'khach', DEMO_PASSWORD, '198.51.100.7');
    expect(next.status).toBe(429);
    // The limit fell on the attacker's address only: the same account from elsewhere is fine.
    expect((await loginVia(server, '10.1.0.3', 'khach', DEMO_PASSWORD)).status).toBe(200);
  });

  it("lets the real user log in from the hall while an attacker's failures slow the attacker", async () => {
    for (let i = 0; i < 3; i += 1) expect((await loginVia(server, '10.1.0.4', 'bithu', `doan-sai-${i}`)).status).toBe(401);
    const attacker = await loginVia(server, '10.1.0.4', 'bithu', DEMO_PASSWORD);
    expect(attacker.status).toBe(429);
    expect(verifications.count).toBe(3);

    const hallTablet = await loginVia(server, '10.1.0.5', 'bithu', DEMO_PASSWORD);
    expect(hallTablet.status).toBe(200);
    expect(hallTablet.body).toMatchObject({ user: { username: 'bithu' } });
  });

  it('forgets the failures of an account on one address once the password is right there', async () => {
    for (let i = 0; i < 2; i += 1) expect((await loginVia(server, '10.1.0.6', 'admin', `go-nham-${i}`)).status).toBe(401);
    expect((await loginVia(server, '10.1.0.6', 'admin', DEMO_PASSWORD)).status).toBe(200);
    for (let i = 0; i < 2; i += 1) expect((await loginVia(server, '10.1.0.6', 'admin', `go-nham-lai-${i}`)).status).toBe(401);
    expect((await loginVia(server, '10.1.0.6', 'admin', DEMO_PASSWORD)).status).toBe(200);
  });
});
