/**
 * The hall display: a wall screen with no login gets a code, the meeting's
 * secretary confirms it, and the screen follows that meeting (and only it)
 * over the `/display` namespace; wrong or expired codes change nothing;
 * unpairing cuts the screen off at once; the file route serves only what is
 * presented now.
 */
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DisplayClientToServerEvents, DisplayDto, DisplayServerToClientEvents, DisplayState, PairingDto } from '../../server/contract/display.ts';
import type { DocumentDto } from '../../server/contract/documents.ts';
import type { LiveUpdateMessage } from '../../server/contract/live.ts';
import type { MeetingDto } from '../../server/contract/meetings.ts';
import { displays } from '../../server/db/schema/index.ts';
import { renderTextPdf } from '../../server/modules/documents/text-pdf.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { addAgendaItem, changeStatus, createMeeting, pagesPdf, secretariat, uploadDocument, type Members } from '../helpers/meetings.ts';
import { online } from '../helpers/people.ts';
import { DEMO_PASSWORD, startTestServer, TestClient, type TestServer } from '../helpers/server.ts';
import { act, call, callWithin, connected, type ClientSocket } from '../helpers/socket.ts';
import type { ConferencePointsEnvelope, EndpointDto } from '../../server/contract/conference.ts';

type DisplaySocket = Socket<DisplayServerToClientEvents, DisplayClientToServerEvents>;

describe('the hall display', () => {
  let db: TestDatabase;
  let server: TestServer;
  let secretary: TestClient;
  let meeting: MeetingDto;
  let other: MeetingDto;
  let document: DocumentDto;
  let chair: ClientSocket;
  const sockets: { disconnect(): unknown }[] = [];

  /** A browser on the wall: its own cookie jar, no login. */
  async function newScreen(): Promise<{ client: TestClient; pairing: PairingDto }> {
    const client = new TestClient(server.url);
    const response = await client.post<{ pairing: PairingDto }>('/api/v1/display/pairings');
    expect(response.status).toBe(201);
    const setCookie = response.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/phs_display=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    return { client, pairing: response.body.pairing };
  }
  async function screenSocket(client: TestClient): Promise<DisplaySocket> {
    const socket: DisplaySocket = io(`${server.url}/display`, {
      path: '/socket.io',
      transports: ['websocket'],
      extraHeaders: { cookie: client.cookieHeader, origin: server.url },
      reconnection: false,
      forceNew: true,
    });
    sockets.push(socket);
    await connected(socket);
    return socket;
  }
  const displayRows = () => server.database.db.select().from(displays);

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db);
    const staff = await secretariat(server.url);
    secretary = staff.secretary;
    const create = (title: string, members: Members) => createMeeting(secretary, staff.directory, { title, startsAt: '2026-12-10T01:30:00.000Z', membershipTotal: 3, members });
    meeting = await create('Hội nghị Ban Thường vụ Tỉnh ủy', [['bithu', 'chair'], ['caophong.bithu', 'delegate']]);
    other = await create('Họp giao ban khối Nội chính', []);
    await addAgendaItem(secretary, meeting, { title: 'Khai mạc', plannedMinutes: 5 });
    const pdf = await pagesPdf('Đề án', ['Trang một.', 'Trang hai.', 'Trang ba.']);
    document = await uploadDocument(secretary, meeting, { title: 'Đề án chuyển đổi số', kind: 'submission' }, { bytes: pdf, filename: 'de-an.pdf' });
    await changeStatus(secretary, meeting, 'published');

    chair = (await online(server.url, 'bithu')).socket;
    sockets.push(chair);
    await act(chair, 'meeting:join', { meetingId: meeting.id });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await server?.close();
    await db?.drop();
  });

  it('pairs end to end: code, confirmation pushed live, then the meeting’s live updates', async () => {
    const { client, pairing } = await newScreen();
    expect(pairing.code).toMatch(/^[0-9]{6}$/);
    const expiresIn = Date.parse(pairing.expiresAt) - Date.now();
    expect(expiresIn).toBeGreaterThan(9 * 60_000);
    expect(expiresIn).toBeLessThanOrEqual(10 * 60_000);
    // Only the hash of the device secret is stored.
    const cookie = client.cookies.get('phs_display')!;
    expect(JSON.stringify(await displayRows())).not.toContain(cookie);

    const before = (await client.get<{ state: DisplayState }>('/api/v1/display/state')).body.state;
    expect(before).toMatchObject({ paired: false, meeting: null, pairing: { code: pairing.code } });

    // Not confirmed yet: its cookie opens no socket (anyone can get one); it polls its state instead.
    await expect(screenSocket(client)).rejects.toThrow(/displayUnpaired/);

    const confirmed = await secretary.post<{ display: DisplayDto }>(`/api/v1/meetings/${meeting.id}/displays`, { code: pairing.code, name: 'Màn hình hội trường tầng 2' });
    expect(confirmed.status).toBe(201);
    expect(confirmed.body.display).toMatchObject({ name: 'Màn hình hội trường tầng 2', meetingId: meeting.id });
    const screen = await screenSocket(client);

    const state = (await client.get<{ state: DisplayState }>('/api/v1/display/state')).body.state;
    expect(state).toMatchObject({ paired: true, name: 'Màn hình hội trường tầng 2', pairing: null, meeting: { id: meeting.id, title: 'Hội nghị Ban Thường vụ Tỉnh ủy', unitName: 'Văn phòng Tỉnh ủy', status: 'published' } });

    const snapshot = await act(screen, 'meeting:join', { meetingId: meeting.id });
    expect(snapshot).toMatchObject({ meetingId: meeting.id, status: 'published' });
    const updates: LiveUpdateMessage[] = [];
    screen.on('live:update', (message) => updates.push(message));
    const { version } = await act(chair, 'meeting:start', { meetingId: meeting.id });
    await expect.poll(() => updates.find((u) => u.version === version)?.update, { timeout: 5_000 }).toEqual({ section: 'status', value: 'in_session' });

    // The secretary sees it, online.
    const listed = (await secretary.get<{ displays: DisplayDto[] }>(`/api/v1/meetings/${meeting.id}/displays`)).body.displays;
    expect(listed).toEqual([expect.objectContaining({ id: state.id, online: true, pairedByName: expect.any(String) })]);

    // A reload keeps it paired: the same cookie is still this paired screen.
    const again = await screenSocket(client);
    expect((await act(again, 'meeting:snapshot', { meetingId: meeting.id })).status).toBe('in_session');
    again.disconnect();
  });

  it('a code request with anything in its body is refused, and no device cookie is handed out', async () => {
    const client = new TestClient(server.url);
    const response = await client.post<{ error: { issues?: { field: string }[] } }>('/api/v1/display/pairings', { meetingId: '00000000-0000-4000-8000-000000000000' });
    expect(response.status).toBe(400);
    expect(response.headers.get('set-cookie') ?? '').not.toMatch(/phs_display=/);
  });

  it('a screen cannot follow another meeting', async () => {
    const { client, pairing } = await newScreen();
    await secretary.post(`/api/v1/meetings/${meeting.id}/displays`, { code: pairing.code, name: 'Màn hình phụ' });
    const screen = await screenSocket(client);
    const refused = await call(screen, 'meeting:join', { meetingId: other.id });
    expect(refused).toMatchObject({ ok: false, error: { code: 'displayWrongMeeting' } });
    expect(await call(screen, 'meeting:snapshot', { meetingId: other.id })).toMatchObject({ ok: false, error: { code: 'displayWrongMeeting' } });
    expect(await call(screen, 'meeting:join', { meetingId: 'khong-phai-uuid' })).toMatchObject({ ok: false, error: { code: 'validation' } });
    // A call without a payload, or with one argument too many, is answered at once too (finding 18).
    const raw = screen.timeout(1_000) as unknown as { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> };
    await expect(raw.emitWithAck('meeting:join')).resolves.toMatchObject({ ok: false, error: { code: 'validation' } });
    await expect(raw.emitWithAck('meeting:join', { meetingId: meeting.id }, 'extra')).resolves.toMatchObject({ ok: false, error: { code: 'validation' } });
    // No user socket events on this namespace: refused at once, nothing started.
    // @ts-expect-error: not an event of the display namespace, sent anyway to prove it is refused
    const start = callWithin(1_000, screen, 'meeting:start', { meetingId: meeting.id });
    await expect(start).resolves.toMatchObject({ ok: false, error: { code: 'unknownEvent' } });
  });

  it('wrong and expired codes are refused with nothing changed, and guessing is throttled', async () => {
    const { client, pairing } = await newScreen();
    const wrong = pairing.code === '000000' ? '000001' : '000000';
    const before = await displayRows();
    const unknown = await secretary.post<{ error: { code: string; message: string } }>(`/api/v1/meetings/${meeting.id}/displays`, { code: wrong, name: 'Thử' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: 'displayCodeUnknown', message: 'Mã ghép nối không đúng. Hãy xem lại mã trên màn hình chiếu' });
    const malformed = await secretary.post<{ error: { code: string } }>(`/api/v1/meetings/${meeting.id}/displays`, { code: '12ab', name: 'Thử' });
    expect(malformed.body.error.code).toBe('validation');

    // Expire the code the screen shows.
    await server.database.sql`update displays set code_expires_at = now() - interval '1 second' where pairing_code = ${pairing.code}`;
    const expired = await secretary.request<{ error: { code: string; message: string } }>('POST', `/api/v1/meetings/${meeting.id}/displays`, { code: pairing.code, name: 'Thử' }, { 'accept-language': 'en' });
    expect(expired.status).toBe(400);
    expect(expired.body.error.code).toBe('displayCodeExpired');
    expect(expired.body.error.message).toMatch(/expired/);
    const after = await displayRows();
    expect(after.map((r) => ({ ...r, codeExpiresAt: null }))).toEqual(before.map((r) => ({ ...r, codeExpiresAt: null })));
    expect((await client.get<{ state: DisplayState }>('/api/v1/display/state')).body.state).toMatchObject({ paired: false, meeting: null });

    // The screen asks again and gets a new, live code.
    const renewed = (await client.post<{ pairing: PairingDto }>('/api/v1/display/pairings')).body.pairing;
    expect(Date.parse(renewed.expiresAt)).toBeGreaterThan(Date.now());

    // One code guessed five times: blocked, even for the right screen.
    for (let i = 0; i < 4; i++) await secretary.post(`/api/v1/meetings/${meeting.id}/displays`, { code: wrong, name: 'Thử' });
    const blocked = await secretary.post<{ error: { code: string } }>(`/api/v1/meetings/${meeting.id}/displays`, { code: wrong, name: 'Thử' });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('displayPairThrottled');
  });

  it('only the meeting’s secretariat pairs; others change nothing', async () => {
    const { pairing } = await newScreen();
    const delegate = new TestClient(server.url);
    await delegate.login('caophong.bithu', DEMO_PASSWORD);
    const refused = await delegate.post<{ error: { code: string } }>(`/api/v1/meetings/${meeting.id}/displays`, { code: pairing.code, name: 'Của tôi' });
    expect(refused.status).toBe(403);
    const outsider = new TestClient(server.url);
    await outsider.login('chutich', DEMO_PASSWORD);
    expect((await outsider.post(`/api/v1/meetings/${meeting.id}/displays`, { code: pairing.code, name: 'Của tôi' })).status).toBe(404);
    expect((await delegate.get(`/api/v1/meetings/${meeting.id}/displays`)).status).toBe(403);
    const anonymous = new TestClient(server.url);
    expect((await anonymous.post(`/api/v1/meetings/${meeting.id}/displays`, { code: pairing.code, name: 'Của tôi' })).status).toBe(401);
    const row = (await displayRows()).find((r) => r.pairingCode === pairing.code);
    expect(row).toMatchObject({ meetingId: null, pairedAt: null, name: null });
  });

  it('serves only the presented version of its own meeting', async () => {
    const { client, pairing } = await newScreen();
    // Before pairing: no file, no polls.
    expect((await client.fetchRaw('/api/v1/display/presentation/file')).status).toBe(404);
    await secretary.post(`/api/v1/meetings/${meeting.id}/displays`, { code: pairing.code, name: 'Màn hình chính' });
    expect((await client.fetchRaw('/api/v1/display/presentation/file')).status).toBe(404); // nothing presented
    expect((await client.get<{ polls: unknown[] }>('/api/v1/display/polls')).body.polls).toEqual([]);
    expect((await client.get<{ state: DisplayState }>('/api/v1/display/state')).body.state.presentation).toBeNull();

    await act(chair, 'presentation:show', { meetingId: meeting.id, documentId: document.id, version: 1, page: 2 });
    expect((await client.get<{ state: DisplayState }>('/api/v1/display/state')).body.state.presentation).toEqual({
      documentId: document.id,
      version: 1,
      confidentiality: 'normal',
      viewOnly: false,
    });
    const whole = await client.fetchRaw(`/api/v1/display/presentation/file?document=${document.id}&version=1`);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('application/pdf');
    expect(whole.headers.get('cache-control')).toBe('private, no-store');
    const bytes = new Uint8Array(await whole.arrayBuffer());
    expect(new TextDecoder().decode(bytes.slice(0, 5))).toBe('%PDF-');
    const range = await client.fetchRaw('/api/v1/display/presentation/file', { range: 'bytes=0-99' });
    expect(range.status).toBe(206);
    expect((await range.arrayBuffer()).byteLength).toBe(100);

    expect((await client.fetchRaw(`/api/v1/display/presentation/file?document=${document.id}&version=2`)).status).toBe(404);
    expect((await client.fetchRaw(`/api/v1/display/presentation/file?document=${other.id}&version=1`)).status).toBe(404);
    // No device cookie: nothing.
    expect((await new TestClient(server.url).fetchRaw('/api/v1/display/presentation/file')).status).toBe(401);

    await act(chair, 'presentation:stop', { meetingId: meeting.id });
    expect((await client.fetchRaw(`/api/v1/display/presentation/file?document=${document.id}&version=1`)).status).toBe(404);
  });

  it("shows its own meeting's conference points, none of another meeting's; an unpaired screen none", async () => {
    const endpoints = (await secretary.get<{ endpoints: EndpointDto[] }>('/api/v1/endpoints')).body.endpoints;
    const commune = endpoints.find((e) => e.level === 'commune')!;
    expect((await secretary.post(`/api/v1/meetings/${meeting.id}/endpoints`, { endpointId: commune.id })).status).toBe(201);
    const { client, pairing } = await newScreen();
    expect((await client.get('/api/v1/display/points')).status).toBe(404); // a screen showing no meeting yet
    await secretary.post(`/api/v1/meetings/${meeting.id}/displays`, { code: pairing.code, name: 'Màn hình điểm cầu' });
    const points = (await client.get<ConferencePointsEnvelope>('/api/v1/display/points')).body.points;
    expect(points).toEqual([{ endpointId: commune.id, name: commune.name, level: 'commune', peerId: null, state: 'never', link: null, micMutedByChair: false }]);
    // moved to the other meeting (which has no points): the screen sees none of the first one's
    const other2 = await newScreen();
    await secretary.post(`/api/v1/meetings/${other.id}/displays`, { code: other2.pairing.code, name: 'Màn hình phòng khác' });
    expect((await other2.client.get<ConferencePointsEnvelope>('/api/v1/display/points')).body.points).toEqual([]);
  });

  it('tells the wall how confidential the presented document is, and never lets it cache the file', async () => {
    const { client, pairing } = await newScreen();
    await secretary.post(`/api/v1/meetings/${meeting.id}/displays`, { code: pairing.code, name: 'Màn hình hội trường' });
    const pdf = await renderTextPdf({ title: 'Báo cáo công tác cán bộ', paragraphs: ['Nội dung tối mật.'] });
    const secret = (
      await secretary.upload<{ document: DocumentDto }>(
        `/api/v1/meetings/${meeting.id}/documents`,
        { title: 'Báo cáo công tác cán bộ (Tối mật)', kind: 'report', confidentiality: 'secret' },
        { bytes: pdf, filename: 'bao-cao-toi-mat.pdf' },
      )
    ).body.document;

    await act(chair, 'presentation:show', { meetingId: meeting.id, documentId: secret.id, version: 1, page: 1 });
    const state = (await client.get<{ state: DisplayState }>('/api/v1/display/state')).body.state;
    expect(state.presentation).toEqual({ documentId: secret.id, version: 1, confidentiality: 'secret', viewOnly: true });
    const file = await client.fetchRaw(`/api/v1/display/presentation/file?document=${secret.id}&version=1`);
    expect(file.status).toBe(200);
    expect(file.headers.get('cache-control')).toBe('private, no-store');
    expect(file.headers.get('x-document-confidentiality')).toBe('secret');
    await file.arrayBuffer();

    await act(chair, 'presentation:stop', { meetingId: meeting.id });
    expect((await client.get<{ state: DisplayState }>('/api/v1/display/state')).body.state.presentation).toBeNull();
  });

  it('unpairing cuts the screen’s socket at once; its cookie then only gets a new code', async () => {
    const { client, pairing } = await newScreen();
    const display = (await secretary.post<{ display: DisplayDto }>(`/api/v1/meetings/${meeting.id}/displays`, { code: pairing.code, name: 'Màn hình sẽ gỡ' })).body.display;
    const screen = await screenSocket(client);
    await act(screen, 'meeting:join', { meetingId: meeting.id });
    const assigned: (string | null)[] = [];
    screen.on('display:assigned', ({ meetingId }) => assigned.push(meetingId));
    const disconnected = new Promise<string>((resolve) => screen.once('disconnect', (reason) => resolve(reason)));

    const delegate = new TestClient(server.url);
    await delegate.login('caophong.bithu', DEMO_PASSWORD);
    expect((await delegate.request('DELETE', `/api/v1/meetings/${meeting.id}/displays/${display.id}`)).status).toBe(403);
    expect(screen.connected).toBe(true);

    expect((await secretary.request('DELETE', `/api/v1/meetings/${meeting.id}/displays/${display.id}`)).status).toBe(204);
    expect(await disconnected).toBe('io server disconnect');
    expect(assigned).toEqual([null]);
    expect((await client.get('/api/v1/display/state')).status).toBe(401);
    await expect(screenSocket(client)).rejects.toThrow(/displayUnpaired/);
    const listed = (await secretary.get<{ displays: DisplayDto[] }>(`/api/v1/meetings/${meeting.id}/displays`)).body.displays;
    expect(listed.map((d) => d.id)).not.toContain(display.id);
  });

  it('moves a paired screen to another meeting with PUT or a new code', async () => {
    const { client, pairing } = await newScreen();
    const display = (await secretary.post<{ display: DisplayDto }>(`/api/v1/meetings/${meeting.id}/displays`, { code: pairing.code, name: 'Màn hình lưu động' })).body.display;
    const screen = await screenSocket(client);
    const assigned: (string | null)[] = [];
    screen.on('display:assigned', ({ meetingId }) => assigned.push(meetingId));
    const moved = await secretary.request<{ display: DisplayDto }>('PUT', `/api/v1/meetings/${other.id}/displays/${display.id}`, {});
    expect(moved.status).toBe(200);
    expect(moved.body.display.meetingId).toBe(other.id);
    await expect.poll(() => assigned, { timeout: 5_000 }).toEqual([other.id]);
    expect((await act(screen, 'meeting:join', { meetingId: other.id })).meetingId).toBe(other.id);

    // Back with a new code the (paired) screen asks for.
    const renewed = (await client.post<{ pairing: PairingDto }>('/api/v1/display/pairings')).body.pairing;
    expect((await secretary.post(`/api/v1/meetings/${meeting.id}/displays`, { code: renewed.code, name: 'Màn hình lưu động' })).status).toBe(201);
    await expect.poll(() => assigned, { timeout: 5_000 }).toEqual([other.id, meeting.id]);
    expect((await call(screen, 'meeting:snapshot', { meetingId: other.id })).ok).toBe(false);
  });

  it('a server restart keeps the screen paired: the same cookie follows the same meeting', async () => {
    const { client, pairing } = await newScreen();
    await secretary.post(`/api/v1/meetings/${meeting.id}/displays`, { code: pairing.code, name: 'Màn hình sau khởi động lại' });
    const before = await act(await screenSocket(client), 'meeting:join', { meetingId: meeting.id });
    for (const socket of sockets.splice(0)) socket.disconnect();
    await server.close();
    server = await startTestServer(db);
    client.baseUrl = server.url;
    client.origin = server.url;
    expect((await client.get<{ state: DisplayState }>('/api/v1/display/state')).body.state).toMatchObject({ paired: true, name: 'Màn hình sau khởi động lại', meeting: { id: meeting.id } });
    const after = await act(await screenSocket(client), 'meeting:join', { meetingId: meeting.id });
    expect({ ...after, serverTime: undefined }).toEqual({ ...before, serverTime: undefined });
  });
});
