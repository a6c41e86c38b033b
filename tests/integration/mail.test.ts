/**
 * E-mail (issue 12, sending): the invitation with its calendar event reaches
 * a real SMTP server when a meeting is published, a change of place is
 * announced with the next SEQUENCE, an unreachable SMTP server delays mail
 * without blocking the meeting, failed mail is retried by the secretariat,
 * the SMTP password never comes back, and only the meeting's secretariat (or
 * an admin) sees its mail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailJobDto, MailJobList, SmtpSettingsEnvelope } from '../../server/contract/mail.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { changeStatus, createMeeting, loggedIn, secretariat, type Directory } from '../helpers/meetings.ts';
import { startTestServer, type TestClient, type TestServer } from '../helpers/server.ts';
import { duplicates, startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';
import { freePort } from '../helpers/server-process.ts';

const SMTP_USER = 'vanphong@tinhuy.example.vn';
const SMTP_PASSWORD = 'mật-khẩu-smtp-bí-mật';

describe('e-mail of a meeting', () => {
  let db: TestDatabase;
  let server: TestServer;
  let sink: SmtpSink;
  let admin: TestClient;
  let secretary: TestClient;
  let delegate: TestClient;
  let outsider: TestClient;
  let directory: Directory;

  const settingsFor = (port: number, password?: string | null) => ({
    host: '127.0.0.1',
    port,
    security: 'none',
    username: SMTP_USER,
    ...(password === undefined ? {} : { password }),
    fromAddress: 'vanphong@tinhuy.example.vn',
    fromName: 'Văn phòng Tỉnh ủy',
  });

  async function mailOf(meetingId: string): Promise<MailJobList> {
    const answer = await secretary.get<MailJobList>(`/api/v1/meetings/${meetingId}/mail`);
    expect(answer.status).toBe(200);
    return answer.body;
  }

  async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db, { MAIL_POLL_MS: '100', MAIL_RETRY_BASE_MS: '50', MAIL_MAX_ATTEMPTS: '3', MAIL_REMINDER_MINUTES: '1440,60', PUBLIC_URL: 'https://hop.tinhuy.example.vn' });
    sink = await startSmtpSink({ user: SMTP_USER, pass: SMTP_PASSWORD });
    admin = await loggedIn(server.url, 'admin');
    ({ secretary, directory } = await secretariat(server.url));
    delegate = await loggedIn(server.url, 'caophong.bithu');
    outsider = await loggedIn(server.url, 'maichau.bithu');
    for (const [username, email] of [
      ['bithu', 'bithu@tinhuy.example.vn'],
      ['caophong.bithu', 'bithu@caophong.example.vn'],
    ] as const) {
      expect((await admin.patch(`/api/v1/users/${directory.user(username).id}`, { email })).status).toBe(200);
    }
  });
  afterAll(async () => {
    await server?.close();
    await sink?.close();
    await db?.drop();
  });

  it('keeps mail queued without SMTP settings, and never returns the SMTP password', async () => {
    expect((await admin.get<SmtpSettingsEnvelope>('/api/v1/mail/settings')).body).toEqual({ settings: null });
    const meeting = await createMeeting(secretary, directory, { title: 'Hội nghị chờ cấu hình thư', membershipTotal: 2, members: [['bithu', 'chair']] });
    await changeStatus(secretary, meeting, 'published');
    const waiting = await until('the invitation queued', async () => ((await mailOf(meeting.id)).jobs.find((j) => j.kind === 'invitation')));
    expect(waiting).toMatchObject({ status: 'queued', attempts: 0, to: 'bithu@tinhuy.example.vn' });
    expect((await mailOf(meeting.id)).configured).toBe(false);

    const saved = await admin.request<SmtpSettingsEnvelope>('PUT', '/api/v1/mail/settings', settingsFor(sink.port, SMTP_PASSWORD));
    expect(saved.status).toBe(200);
    expect(saved.body.settings).toMatchObject({ host: '127.0.0.1', port: sink.port, hasPassword: true });
    const shown = await admin.get<SmtpSettingsEnvelope>('/api/v1/mail/settings');
    expect(JSON.stringify(shown.body)).not.toContain(SMTP_PASSWORD);
    expect(shown.body.settings).not.toHaveProperty('password');
    // the queued invitation goes out once settings exist (with SMTP authentication)
    await until('the waiting invitation sent', async () => ((await mailOf(meeting.id)).jobs.find((j) => j.kind === 'invitation' && j.status === 'sent')));
    expect(sink.received.filter((m) => m.subject === 'Giấy mời họp: Hội nghị chờ cấu hình thư')).toHaveLength(1);
  });

  it('refuses the settings to anyone but an admin, and a malformed body', async () => {
    expect((await secretary.get('/api/v1/mail/settings')).status).toBe(403);
    expect((await delegate.request('PUT', '/api/v1/mail/settings', settingsFor(sink.port, 'x'))).status).toBe(403);
    expect((await admin.request('PUT', '/api/v1/mail/settings', { ...settingsFor(sink.port), port: 70000 })).status).toBe(400);
    expect((await admin.request('PUT', '/api/v1/mail/settings', { ...settingsFor(sink.port), fromAddress: 'not an address' })).status).toBe(400);
    // saving without a password keeps the stored one
    expect((await admin.request<SmtpSettingsEnvelope>('PUT', '/api/v1/mail/settings', settingsFor(sink.port))).body.settings?.hasPassword).toBe(true);
  });

  it('sends the invitation with an .ics event and the link when a meeting is published, and announces a change of place', async () => {
    const before = sink.received.length;
    const meeting = await createMeeting(secretary, directory, {
      title: 'Hội nghị Ban Thường vụ Tỉnh ủy tháng 12',
      membershipTotal: 2,
      startsAt: '2026-12-15T01:30:00.000Z',
      location: 'Phòng họp số 1, Tỉnh ủy',
      members: [
        ['bithu', 'chair'],
        ['caophong.bithu', 'delegate'],
      ],
    });
    await changeStatus(secretary, meeting, 'published');
    const mails = (await sink.waitFor(before + 2)).slice(before);
    const toDelegate = mails.find((m) => JSON.stringify(m.to).includes('bithu@caophong.example.vn'));
    expect(toDelegate?.subject).toBe('Giấy mời họp: Hội nghị Ban Thường vụ Tỉnh ủy tháng 12');
    expect(toDelegate?.text).toContain('Trân trọng kính mời');
    expect(toDelegate?.text).toContain('08:30'); // 01:30 UTC is 08:30 in Hà Nội
    expect(toDelegate?.text).toContain(`https://hop.tinhuy.example.vn/meetings/${meeting.id}`);
    expect(toDelegate?.text).toContain('You are invited');
    const ics = toDelegate?.attachments.find((a) => a.filename === 'giay-moi.ics');
    const event = ics?.content.toString('utf8') ?? '';
    expect(event).toContain('METHOD:REQUEST');
    expect(event).toContain(`UID:meeting-${meeting.id}@hop.tinhuy.example.vn`);
    expect(event).toContain('SEQUENCE:0');
    expect(event).toContain('DTSTART:20261215T013000Z');
    expect(event).toMatch(/LOCATION:Phòng họp số 1\\?, Tỉnh ủy/);

    // reminders wait for their time (24 h and 1 h before)
    const reminders = (await mailOf(meeting.id)).jobs.filter((j) => j.kind === 'reminder');
    expect(reminders.map((r) => r.runAt).sort()).toEqual(['2026-12-14T01:30:00.000Z', '2026-12-14T01:30:00.000Z', '2026-12-15T00:30:00.000Z', '2026-12-15T00:30:00.000Z']);
    expect(reminders.every((r) => r.status === 'queued')).toBe(true);

    // a change of place: the same UID, SEQUENCE 1
    expect((await secretary.patch(`/api/v1/meetings/${meeting.id}`, { location: 'Hội trường A, Tỉnh ủy' })).status).toBe(200);
    const updates = (await sink.waitFor(before + 4)).slice(before + 2);
    expect(updates.map((m) => m.subject)).toEqual(['Thay đổi thời gian, địa điểm họp: Hội nghị Ban Thường vụ Tỉnh ủy tháng 12', 'Thay đổi thời gian, địa điểm họp: Hội nghị Ban Thường vụ Tỉnh ủy tháng 12']);
    const updated = updates[0]!.attachments[0]!.content.toString('utf8');
    expect(updated).toContain(`UID:meeting-${meeting.id}@hop.tinhuy.example.vn`);
    expect(updated).toContain('SEQUENCE:1');
    expect(updated).toContain('Hội trường A');
    // a change that is neither time nor place announces nothing
    expect((await secretary.patch(`/api/v1/meetings/${meeting.id}`, { title: 'Hội nghị BTV Tỉnh ủy tháng 12' })).status).toBe(200);
    // moving the time moves the reminders: the old ones are cancelled, new ones queued
    expect((await secretary.patch(`/api/v1/meetings/${meeting.id}`, { startsAt: '2026-12-16T01:30:00.000Z' })).status).toBe(200);
    await sink.waitFor(before + 6);
    const after = await until('the reminders moved', async () => {
      const jobs = (await mailOf(meeting.id)).jobs.filter((j) => j.kind === 'reminder');
      return jobs.filter((j) => j.status === 'queued').length === 4 ? jobs : undefined;
    });
    expect(after.filter((j) => j.status === 'cancelled')).toHaveLength(4);
    expect(after.filter((j) => j.status === 'queued').map((j) => j.runAt).sort()).toEqual(['2026-12-15T01:30:00.000Z', '2026-12-15T01:30:00.000Z', '2026-12-16T00:30:00.000Z', '2026-12-16T00:30:00.000Z']);
    expect(sink.received.slice(before).filter((m) => m.subject?.startsWith('Thay đổi'))).toHaveLength(4);
    expect(duplicates(sink.received)).toEqual([]);
  });

  it('an unreachable SMTP server delays mail, never the meeting; a failed e-mail is retried', async () => {
    const closedPort = await freePort();
    expect((await admin.request('PUT', '/api/v1/mail/settings', settingsFor(closedPort))).status).toBe(200);
    const meeting = await createMeeting(secretary, directory, { title: 'Hội nghị khi máy chủ thư hỏng', membershipTotal: 2, members: [['bithu', 'chair']] });
    const published = await secretary.post(`/api/v1/meetings/${meeting.id}/status`, { to: 'published' });
    expect(published.status).toBe(200);
    // retried with back-off, then failed after MAIL_MAX_ATTEMPTS (3)
    const failed = await until('the invitation failed', async () => ((await mailOf(meeting.id)).jobs.find((j) => j.kind === 'invitation' && j.status === 'failed')));
    expect(failed.attempts).toBe(3);
    expect(failed.lastError).toMatch(/ECONNREFUSED|connect/i);
    // the meeting went on regardless
    expect((await secretary.get<{ meeting: { status: string } }>(`/api/v1/meetings/${meeting.id}`)).body.meeting.status).toBe('published');

    // hostile: a delegate, an outsider and another meeting's job
    expect((await delegate.get(`/api/v1/meetings/${meeting.id}/mail`)).status).toBe(404); // not a participant of this one
    expect((await outsider.get(`/api/v1/meetings/${meeting.id}/mail`)).status).toBe(404);
    expect((await outsider.post(`/api/v1/meetings/${meeting.id}/mail/${failed.id}/retry`, {})).status).toBe(404);
    expect((await secretary.get('/api/v1/mail/jobs')).status).toBe(403);
    expect((await secretary.post(`/api/v1/mail/jobs/${failed.id}/retry`, {})).status).toBe(403);
    const chair = await loggedIn(server.url, 'bithu');
    expect((await chair.get(`/api/v1/meetings/${meeting.id}/mail`)).status).toBe(403);
    expect((await chair.post(`/api/v1/meetings/${meeting.id}/mail/${failed.id}/retry`, {})).status).toBe(403);
    expect((await secretary.get(`/api/v1/meetings/${meeting.id}/mail?limit=0`)).status).toBe(400);

    // the SMTP server is back: the secretariat retries, it goes once
    expect((await admin.request('PUT', '/api/v1/mail/settings', settingsFor(sink.port))).status).toBe(200);
    const retried = await secretary.post<{ job: MailJobDto }>(`/api/v1/meetings/${meeting.id}/mail/${failed.id}/retry`, {});
    expect(retried.status).toBe(200);
    expect(retried.body.job).toMatchObject({ status: 'queued', attempts: 0 });
    expect((await secretary.post(`/api/v1/meetings/${meeting.id}/mail/${failed.id}/retry`, {})).status).toBe(409);
    await until('the retried invitation sent', async () => ((await mailOf(meeting.id)).jobs.find((j) => j.id === failed.id && j.status === 'sent')));
    expect(sink.received.filter((m) => m.subject === 'Giấy mời họp: Hội nghị khi máy chủ thư hỏng')).toHaveLength(1);

    const all = await admin.get<MailJobList>('/api/v1/mail/jobs');
    expect(all.status).toBe(200);
    expect(all.body.counts.sent).toBeGreaterThanOrEqual(7);
    expect(all.body.configured).toBe(true);
  });

  it('delivers what another module enqueues, attachments included', async () => {
    const pdf = Buffer.from('%PDF-1.7\n% biên bản\n');
    const id = await server.app.modules.mail.enqueue({ to: 'bithu@tinhuy.example.vn', subject: 'Biên bản đã ký', text: 'Kính gửi đồng chí biên bản đã ký.', kind: 'minutes', attachments: [{ filename: 'bien-ban.pdf', content: pdf, contentType: 'application/pdf' }] });
    expect(id).not.toBeNull();
    const mail = await until('the minutes sent', async () => sink.received.find((m) => m.subject === 'Biên bản đã ký'));
    expect(mail.attachments[0]?.filename).toBe('bien-ban.pdf');
    expect(Buffer.compare(mail.attachments[0]!.content, pdf)).toBe(0);
  });
});
