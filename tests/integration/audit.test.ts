/**
 * The audit trail: security-relevant actions land in an append-only,
 * hash-chained table; the chain check names a row changed behind the app's
 * back; only administrators read, export or check it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditPage, AuditVerification } from '../../server/contract/audit.ts';
import type { PollDto } from '../../server/contract/votes.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { changeStatus, createMeeting, loggedIn, secretariat } from '../helpers/meetings.ts';
import { socketOf } from '../helpers/people.ts';
import { startTestServer, TestClient, type TestServer } from '../helpers/server.ts';
import { act, type ClientSocket } from '../helpers/socket.ts';

async function eventually<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value).slice(0, 500)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('audit trail', () => {
  let db: TestDatabase;
  let server: TestServer;
  let admin: TestClient;
  const sockets: ClientSocket[] = [];
  const entries = (query = '') => admin.get<AuditPage>(`/api/v1/audit${query}`);
  const has = (page: AuditPage, action: string, match: (entry: AuditPage['entries'][number]) => boolean = () => true) =>
    page.entries.some((entry) => entry.action === action && match(entry));

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db, { LOGIN_MAX_FAILURES_PER_ADDRESS: '1000', LOGIN_MAX_FAILURES_PER_ACCOUNT: '1000' });
    admin = await loggedIn(server.url, 'admin');
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await server?.close();
    await db?.drop();
  });

  it('records logins, failures, role changes and poll actions, and the chain verifies', async () => {
    expect((await new TestClient(server.url).login('bithu', 'sai-mat-khau')).status).toBe(401);
    const { secretary, directory } = await secretariat(server.url);
    const target = directory.user('khach');
    expect((await admin.patch(`/api/v1/users/${target.id}`, { role: 'secretary' })).status).toBe(200);

    const meeting = await createMeeting(secretary, directory, {
      title: 'Hội nghị kiểm tra nhật ký',
      membershipTotal: 15,
      members: [
        ['bithu', 'chair'],
        ['caophong.bithu', 'delegate'],
        ['maichau.bithu', 'delegate'],
      ],
    });
    await changeStatus(secretary, meeting, 'published');
    const chair = await loggedIn(server.url, 'bithu');
    await changeStatus(chair, meeting, 'in_session');
    const poll = (await chair.post<{ poll: PollDto }>(`/api/v1/meetings/${meeting.id}/polls`, { kind: 'motion', title: 'Thông qua chương trình', secret: false })).body.poll;
    expect((await chair.post(`/api/v1/meetings/${meeting.id}/polls/${poll.id}/open`, { quorumOverrideReason: 'Kiểm thử nhật ký' })).status).toBe(200);
    expect((await chair.post(`/api/v1/meetings/${meeting.id}/polls/${poll.id}/cancel`)).status).toBe(200);

    // A proxy mark is a socket call: it goes on the trail too.
    const delegate = await socketOf(server.url, await loggedIn(server.url, 'caophong.bithu'));
    const desk = await socketOf(server.url, secretary);
    sockets.push(delegate, desk);
    await act(delegate, 'meeting:join', { meetingId: meeting.id });
    await act(delegate, 'attendance:checkIn', { meetingId: meeting.id });
    await act(desk, 'meeting:join', { meetingId: meeting.id });
    const represented = directory.user('maichau.bithu').id;
    await act(desk, 'attendance:mark', { meetingId: meeting.id, userId: represented, status: 'proxy', proxyUserId: directory.user('caophong.bithu').id });

    const page = await eventually('the entries', async () => (await entries('?limit=500')).body, (body) => has(body, 'attendance.proxy'));
    const adminId = directory.user('admin').id;
    const chairId = directory.user('bithu').id;
    expect(has(page, 'auth.login', (entry) => entry.actorId === adminId && entry.address === '127.0.0.1')).toBe(true);
    expect(has(page, 'auth.loginFailed', (entry) => entry.actorId === null && entry.actorName === 'bithu')).toBe(true);
    expect(has(page, 'user.updated', (entry) => entry.actorId === adminId && entry.targetId === target.id && entry.details.role === 'secretary')).toBe(true);
    expect(has(page, 'poll.opened', (entry) => entry.actorId === chairId && entry.meetingId === meeting.id && entry.targetId === poll.id)).toBe(true);
    expect(has(page, 'attendance.proxy', (entry) => entry.actorName === 'thuky' && entry.meetingId === meeting.id && entry.targetId === represented)).toBe(true);

    // Filters combine: the chair's actions in this meeting only.
    const filtered = (await entries(`?meetingId=${meeting.id}&actorId=${chairId}`)).body;
    expect(filtered.entries.map((entry) => entry.action).sort()).toEqual(['poll.cancelled', 'poll.opened']);
    expect((await entries(`?action=auth.loginFailed`)).body.entries.every((entry) => entry.action === 'auth.loginFailed')).toBe(true);
    expect((await entries(`?from=2100-01-01T00:00:00Z`)).body).toEqual({ entries: [], total: 0 });

    const check = await admin.post<AuditVerification>('/api/v1/audit/verify');
    expect(check.status).toBe(200);
    expect(check.body).toMatchObject({ ok: true, broken: null });
    expect(check.body.checked).toBeGreaterThanOrEqual(page.total);
  });

  it('keeps one chain under concurrent writers', async () => {
    const before = (await entries('?action=auth.loginFailed')).body.total;
    const statuses = await Promise.all(Array.from({ length: 25 }, async (_, i) => (await new TestClient(server.url).login(`khong-co-${i}`, 'x')).status));
    expect(statuses).toEqual(Array.from({ length: 25 }, () => 401));
    await eventually('25 more failures', async () => (await entries('?action=auth.loginFailed')).body.total, (total) => total === before + 25);
    expect((await admin.post<AuditVerification>('/api/v1/audit/verify')).body).toMatchObject({ ok: true });
  });

  it('refuses UPDATE and DELETE, and names the row a database owner changed behind its back', async () => {
    await expect(server.database.sql`update audit_log set actor_name = 'ke-gian' where seq = 2`).rejects.toThrow(/append-only/);
    await expect(server.database.sql`delete from audit_log where seq = 2`).rejects.toThrow(/append-only/);
    expect((await admin.post<AuditVerification>('/api/v1/audit/verify')).body.ok).toBe(true);

    // Someone who owns the table can switch the trigger off; the chain still tells.
    await server.database.sql`alter table audit_log disable trigger audit_log_no_update_delete`;
    await server.database.sql`update audit_log set actor_name = 'ke-gian' where seq = 3`;
    await server.database.sql`alter table audit_log enable trigger audit_log_no_update_delete`;
    const check = await admin.post<AuditVerification>('/api/v1/audit/verify');
    expect(check.body.ok).toBe(false);
    expect(check.body.broken).toMatchObject({ seq: 3, reason: 'hash' });
  });

  it('exports the filtered trail as CSV with formulas defused', async () => {
    expect((await new TestClient(server.url).login('=HYPERLINK("http://x")', 'x')).status).toBe(401);
    await eventually('the failure', async () => (await entries('?action=auth.loginFailed&limit=1')).body.entries[0]?.actorName, (name) => name?.startsWith('=') === true);
    const response = await admin.fetchRaw('/api/v1/audit/export.csv?action=auth.loginFailed');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // the BOM spreadsheets need to read UTF-8
    const text = bytes.subarray(3).toString('utf8');
    expect(text.split('\r\n')[0]).toBe('seq,at,actorId,actorName,action,meetingId,targetType,targetId,address,details,hash');
    expect(text).toContain(`"'=hyperlink(""http://x"")"`); // the username as tried, lower-cased, defused
    expect(text).not.toContain('auth.login"');
  });

  it('is for administrators only', async () => {
    const secretary = await loggedIn(server.url, 'thuky');
    expect((await secretary.get('/api/v1/audit')).status).toBe(403);
    expect((await secretary.fetchRaw('/api/v1/audit/export.csv')).status).toBe(403);
    expect((await secretary.post('/api/v1/audit/verify')).status).toBe(403);
    const delegate = await loggedIn(server.url, 'phobithu');
    expect((await delegate.get('/api/v1/audit')).status).toBe(403);
    const anonymous = new TestClient(server.url);
    expect((await anonymous.get('/api/v1/audit')).status).toBe(401);
    expect((await anonymous.post('/api/v1/audit/verify')).status).toBe(401);
  });

  it.each([
    ['a year-0 date', '?from=0000-01-01T00:00:00Z'],
    ['not a date', '?to=hom-qua'],
    ['a huge limit', '?limit=1000000'],
    ['an offset past PostgreSQL integers', '?offset=99999999999999999999'],
    ['an unknown action', '?action=drop%20table'],
    ['a non-uuid actor', "?actorId=1'%20or%20'1'='1"],
    ['a NUL in the meeting', '?meetingId=%00'],
    ['an unknown parameter', '?sort=seq'],
    ['an oversized value', `?from=${'2'.repeat(5000)}`],
  ])('answers %s with a 400, never a 500', async (_name, query) => {
    const response = await entries(query);
    expect(response.status).toBe(400);
    expect((await admin.fetchRaw(`/api/v1/audit/export.csv${query}`)).status).toBe(400);
  });
});
