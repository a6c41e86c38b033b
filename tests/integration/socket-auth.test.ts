import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { UnitDto, UserDto } from '../../server/contract/identity.ts';
import { ACK_TIMEOUT_MS } from '../../server/contract/realtime.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { DEMO_PASSWORD, startTestServer, TestClient, type TestServer } from '../helpers/server.ts';
import { connectSocket, connected, type ClientSocket } from '../helpers/socket.ts';

describe('Socket.io authentication', () => {
  let db: TestDatabase;
  let server: TestServer;
  const sockets: ClientSocket[] = [];
  const open = (options: Parameters<typeof connectSocket>[1]) => {
    const socket = connectSocket(server.url, options);
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db);
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.disconnect();
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('refuses a connection without a session cookie', async () => {
    await expect(connected(open({}))).rejects.toThrow('unauthenticated');
  });

  it('refuses a forged session cookie', async () => {
    await expect(connected(open({ cookie: `phs_session=${'a'.repeat(32)}.${'b'.repeat(32)}` }))).rejects.toThrow('unauthenticated');
  });

  it('refuses a connection from another site even with a valid cookie', async () => {
    const client = new TestClient(server.url);
    await client.login('bithu', DEMO_PASSWORD);
    await expect(connected(open({ cookie: client.cookieHeader, origin: 'https://trang-gia-mao.example' }))).rejects.toThrow();
  });

  it('accepts the session cookie and answers whoami with the logged-in user', async () => {
    const client = new TestClient(server.url);
    await client.login('bithu', DEMO_PASSWORD);
    const socket = open({ cookie: client.cookieHeader });
    await connected(socket);
    const ack = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('session:whoami', {});
    expect(ack).toMatchObject({ ok: true, data: { username: 'bithu', fullName: 'Hoàng Văn Minh' } });
  });

  it('answers a malformed payload with an error ack and keeps the connection', async () => {
    const client = new TestClient(server.url);
    await client.login('bithu', DEMO_PASSWORD);
    const socket = open({ cookie: client.cookieHeader });
    await connected(socket);
    // @ts-expect-error: deliberately wrong payload
    const ack = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('session:whoami', { admin: true });
    expect(ack).toMatchObject({ ok: false, error: { code: 'validation' } });
    expect(socket.connected).toBe(true);
  });

  it('cuts off the sockets of a user who is deactivated, telling them why', async () => {
    const admin = new TestClient(server.url);
    await admin.login('admin', DEMO_PASSWORD);
    const units = (await admin.get<{ units: UnitDto[] }>('/api/v1/units')).body.units;
    const created = await admin.post<{ user: UserDto }>('/api/v1/users', {
      username: 'daibac.pct',
      fullName: 'Xa Thị Nguyệt',
      unitId: units.find((u) => u.name === 'Huyện Đà Bắc')!.id,
      role: 'user',
      password: 'DaBac#Nguyet2026',
    });
    const user = new TestClient(server.url);
    await user.login('daibac.pct', 'DaBac#Nguyet2026');
    const socket = open({ cookie: user.cookieHeader });
    await connected(socket);
    const revoked = new Promise((resolve) => socket.once('session:revoked', resolve));
    const disconnected = new Promise((resolve) => socket.once('disconnect', resolve));

    await admin.patch(`/api/v1/users/${created.body.user.id}`, { active: false });
    await expect(revoked).resolves.toEqual({ reason: 'deactivated' });
    await disconnected;
    await expect(connected(open({ cookie: user.cookieHeader }))).rejects.toThrow('unauthenticated');
  });

  it('cuts off only the socket of the session that logged out', async () => {
    const tablet = new TestClient(server.url);
    const laptop = new TestClient(server.url);
    await tablet.login('chutich', DEMO_PASSWORD);
    await laptop.login('chutich', DEMO_PASSWORD);
    const tabletSocket = open({ cookie: tablet.cookieHeader });
    const laptopSocket = open({ cookie: laptop.cookieHeader });
    await Promise.all([connected(tabletSocket), connected(laptopSocket)]);
    const tabletGone = new Promise((resolve) => tabletSocket.once('disconnect', resolve));

    await tablet.post('/api/v1/auth/logout');
    await tabletGone;
    const ack = await laptopSocket.timeout(ACK_TIMEOUT_MS).emitWithAck('session:whoami', {});
    expect(ack.ok).toBe(true);
  });
});
