/**
 * Issue 11, finding 9: limits where one user could hurt the others. REST
 * calls are counted per user (and per address without a session) and
 * answered 429 with Retry-After past the limit; one user's sockets are capped.
 * The limits here are lowered so that a test can reach them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectSocket, connected, type ClientSocket } from '../helpers/socket.ts';
import { loggedIn as loggedInAs } from '../helpers/meetings.ts';

describe('per-user limits', () => {
  let db: TestDatabase;
  let server: TestServer;
  const sockets: ClientSocket[] = [];

  const loggedIn = (username: string) => loggedInAs(server.url, username);

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db, { RATE_LIMIT_PER_USER_PER_MINUTE: '20', RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '40', MAX_SOCKETS_PER_USER: '3' });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await server?.close();
    await db?.drop();
  });

  it('a user past the REST limit gets 429 with Retry-After and a message; another user is not slowed', async () => {
    const greedy = await loggedIn('thuky');
    const statuses: number[] = [];
    for (let i = 0; i < 25; i += 1) statuses.push((await greedy.get('/api/v1/meetings')).status);
    expect(statuses.slice(0, 19).every((status) => status === 200)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    const refused = await greedy.get('/api/v1/meetings');
    expect(refused).toMatchObject({ status: 429, body: { error: { code: 'rateLimited' } } });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.body.error).toHaveProperty('message', 'Thao tác quá nhanh, vui lòng chờ một chút');

    const other = await loggedIn('admin');
    expect((await other.get('/api/v1/meetings')).status).toBe(200);
  });

  it('a user may hold a few sockets (tablet, console, second device) but not more', async () => {
    const chair = await loggedIn('bithu');
    const open = () => {
      const socket = connectSocket(server.url, { cookie: chair.cookieHeader });
      sockets.push(socket);
      return socket;
    };
    const first = open();
    await connected(first);
    await connected(open());
    await connected(open());
    await expect(connected(open())).rejects.toThrow('tooManyConnections');
    first.disconnect();
    await expect.poll(async () => {
      const again = open();
      try {
        await connected(again);
        return 'connected';
      } catch (error) {
        return String(error);
      }
    }).toBe('connected');
  });
});
