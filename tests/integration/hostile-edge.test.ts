/**
 * Issue 11, findings 1, 2, 16 and 18 (the edge): input crafted to crash or
 * freeze the server is refused cheaply, with an answer, and everyone else
 * keeps being served.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACK_TIMEOUT_MS, type Ack } from '../../server/contract/realtime.ts';
import { makeTextPdf } from '../fixtures/pdf/make.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { createMeeting, secretariat } from '../helpers/meetings.ts';
import { DEMO_PASSWORD, startTestServer, TestClient, type TestServer } from '../helpers/server.ts';
import { connectSocket, connected, type ClientSocket } from '../helpers/socket.ts';

const UUID = '6f1c3f0e-8a4b-4c1e-9d2a-1b2c3d4e5f60';

/** An array nested `depth` levels, as JSON text (JSON.stringify would overflow the stack). */
const deepArrayJson = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('hostile input at the edge', () => {
  let db: TestDatabase;
  let server: TestServer;
  let guest: TestClient;
  let guestSocket: ClientSocket;
  let meetingId: string;

  /** The health check, timed: it must keep answering while hostile requests are handled. */
  const health = async () => {
    const began = performance.now();
    const response = await fetch(`${server.url}/api/v1/health`);
    return { status: response.status, ms: performance.now() - began };
  };

  /** Sends raw Socket.io EVENT text (the client's encoder would overflow its stack on it) and waits for the server's ack packet. */
  const rawCall = (socket: ClientSocket, id: number, text: string) =>
    new Promise<Ack<unknown>>((resolve, reject) => {
      const engine = socket.io.engine;
      const timer = setTimeout(() => reject(new Error('no ack')), ACK_TIMEOUT_MS);
      const onPacket = (packet: { type: string; data?: unknown }) => {
        if (packet.type !== 'message' || typeof packet.data !== 'string' || !packet.data.startsWith(`3${id}[`)) return;
        clearTimeout(timer);
        engine.off('packet', onPacket);
        resolve((JSON.parse(packet.data.slice(`3${id}`.length)) as Ack<unknown>[])[0]!);
      };
      engine.on('packet', onPacket);
      engine.write(`2${id}${text}`); // a Socket.io EVENT packet with ack id `id`
    });

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db);
    const { secretary, directory } = await secretariat(server.url);
    const meeting = await createMeeting(secretary, directory, { title: 'Hội nghị kiểm tra đầu vào', membershipTotal: 3, members: [['bithu', 'chair'], ['khach', 'guest']] });
    meetingId = meeting.id;
    guest = new TestClient(server.url);
    expect((await guest.login('khach', DEMO_PASSWORD)).status).toBe(200);
    guestSocket = connectSocket(server.url, { cookie: guest.cookieHeader });
    await connected(guestSocket);
  });
  afterAll(async () => {
    guestSocket?.disconnect();
    await server?.close();
    await db?.drop();
  });

  it('a ballot, a speaker order or a mute nested 100,000 levels deep is refused and the process keeps serving (finding 1)', async () => {
    const deep = deepArrayJson(100_000);
    const calls = [
      `["vote:cast",{"pollId":"${UUID}","idempotencyKey":"${UUID}","choice":${deep}}]`,
      `["speaker:reorder",{"meetingId":"${meetingId}","requestIds":${deep}}]`,
      `["conference:mute",{"meetingId":"${meetingId}","peerId":"all","sources":${deep}}]`,
    ];
    for (const [index, text] of calls.entries()) {
      const ack = await rawCall(guestSocket, index + 1, text);
      expect(ack).toMatchObject({ ok: false, error: { code: 'validation' } });
    }
    expect(guestSocket.connected).toBe(true);
    expect(await guestSocket.timeout(ACK_TIMEOUT_MS).emitWithAck('session:whoami', {})).toMatchObject({ ok: true, data: { username: 'khach' } });
    expect((await health()).status).toBe(200);
  });

  it('an anonymous request is refused before its body is checked, so a quadratic title or 20,000 repeated ids cannot freeze the server (finding 2)', async () => {
    const anonymous = new TestClient(server.url);
    const evilTitle = 'a'.repeat(400_000) + '\u0001';
    const slow = [
      anonymous.post('/api/v1/meetings', { kind: 'btv', title: evilTitle, organizerUnitId: UUID, startsAt: '2026-12-15T01:30:00.000Z', membershipTotal: 3 }),
      anonymous.request('PUT', `/api/v1/meetings/${meetingId}/agenda/order`, { itemIds: Array(20_000).fill(UUID) }),
    ];
    const during = await health();
    for (const response of await Promise.all(slow)) expect(response.status).toBe(401);
    expect(during.status).toBe(200);
    expect(during.ms).toBeLessThan(1_000);
  });

  it('the same bodies from a logged-in user get a 400 naming the problem, at once (finding 2)', async () => {
    const { secretary } = await secretariat(server.url);
    const evilTitle = 'a'.repeat(400_000) + '\u0001';
    const pending = [
      secretary.post('/api/v1/meetings', { kind: 'btv', title: evilTitle, organizerUnitId: UUID, startsAt: '2026-12-15T01:30:00.000Z', membershipTotal: 3 }),
      secretary.request('PUT', `/api/v1/meetings/${meetingId}/agenda/order`, { itemIds: Array(20_000).fill(UUID) }),
      secretary.request('PUT', `/api/v1/meetings/${meetingId}/agenda/order`, { itemIds: Array(100_000).fill(UUID) }),
    ];
    const during = await health();
    const [title, ids, moreIds] = await Promise.all(pending);
    expect(title).toMatchObject({ status: 400, body: { error: { code: 'validation' } } });
    expect(ids).toMatchObject({ status: 400, body: { error: { code: 'validation' } } });
    expect(moreIds?.status).toBe(413); // over the 1 MB body limit: refused before parsing
    expect(during.status).toBe(200);
    expect(during.ms).toBeLessThan(1_000);
  });

  it('a NUL character in any string is a 400, never a database error (finding 16)', async () => {
    const anonymous = new TestClient(server.url);
    const login = await anonymous.login('bit\u0000hu', DEMO_PASSWORD);
    expect(login).toMatchObject({ status: 400, body: { error: { code: 'validation' } } });
    const { secretary } = await secretariat(server.url);
    for (const path of ['/api/v1/search?q=ngh%00i', '/api/v1/users?q=a%00b', '/api/v1/endpoints?q=x%00']) {
      const response = await secretary.get(path);
      expect(response.status, path).toBe(400);
    }
    const patched = await secretary.patch(`/api/v1/meetings/${meetingId}`, { location: 'Hội trường\u0000A' });
    expect(patched).toMatchObject({ status: 400, body: { error: { code: 'validation', field: 'location' } } });
  });

  it('integers past PostgreSQL\'s range, year-0 dates and ids of nobody are a 400, never a database error (finding 16)', async () => {
    const { secretary } = await secretariat(server.url);
    const pdf = await makeTextPdf(db.dataDir);
    const uploaded = await secretary.upload<{ document: { id: string } }>(`/api/v1/meetings/${meetingId}/documents`, { title: 'Dự thảo Nghị quyết', kind: 'draft' }, { bytes: await readFile(pdf.path), filename: 'du-thao.pdf' });
    expect(uploaded.status).toBe(201);
    const documentId = uploaded.body.document.id;
    for (const path of [
      `/api/v1/documents/${documentId}/versions/99999999999999999999/file`,
      `/api/v1/documents/${documentId}/versions/2147483648/thumbnail`,
      `/api/v1/documents/${documentId}/versions/1e308/annotations`,
      `/api/v1/documents/${documentId}/comments?page=2147483648`,
    ]) {
      expect((await secretary.get(path)).status, path).toBe(400);
    }
    const yearZero = await secretary.patch(`/api/v1/meetings/${meetingId}`, { startsAt: '0000-01-01T00:00:00.000Z' });
    expect(yearZero).toMatchObject({ status: 400, body: { error: { code: 'validation', field: 'startsAt' } } });
    const nobody = await secretary.post(`/api/v1/documents/${documentId}/revocations`, { userId: UUID });
    expect(nobody).toMatchObject({ status: 400, body: { error: { code: 'userNotFound', field: 'userId' } } });
    const bigVersion = await guestSocket.timeout(ACK_TIMEOUT_MS).emitWithAck('annotation:list', { documentId, version: 2 ** 31 });
    expect(bigVersion).toMatchObject({ ok: false, error: { code: 'validation' } });
  });

  it('a socket call without a payload, with an extra argument or to an unknown event is answered at once (finding 18)', async () => {
    const emitter = guestSocket.timeout(ACK_TIMEOUT_MS) as unknown as { emitWithAck(event: string, ...args: unknown[]): Promise<Ack<unknown>> };
    expect(await emitter.emitWithAck('session:whoami')).toMatchObject({ ok: false, error: { code: 'validation' } });
    expect(await emitter.emitWithAck('session:whoami', {}, 'extra')).toMatchObject({ ok: false, error: { code: 'validation' } });
    expect(await emitter.emitWithAck('admin:everything', {})).toMatchObject({ ok: false, error: { code: 'unknownEvent' } });
    // and the socket still works
    expect(await emitter.emitWithAck('session:whoami', {})).toMatchObject({ ok: true });
  });
});
