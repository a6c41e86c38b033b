/**
 * Issue 12, acceptance 5: a restart between "e-mail queued" and "sent" sends
 * it exactly once afterwards. The server runs as its own process and is
 * killed (SIGKILL) twice: once while the invitation waits in the queue, once
 * while the SMTP server holds the message unanswered (the sender cannot know
 * whether it went). Also: two app instances on one database never send a job
 * twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailJobDto, MailJobList } from '../../server/contract/mail.ts';
import { createTestDatabase, realDatabaseUrl, type TestDatabase } from '../helpers/database.ts';
import { createMeeting, loggedIn, secretariat } from '../helpers/meetings.ts';
import { freePort, startServerProcess, type ServerProcess } from '../helpers/server-process.ts';
import { startTestServer, type TestClient } from '../helpers/server.ts';
import { duplicates, startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';

const LEASE_MS = 1_500;

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const smtpSettings = (port: number) => ({ host: '127.0.0.1', port, security: 'none', username: null, fromAddress: 'vanphong@tinhuy.example.vn', fromName: 'Văn phòng Tỉnh ủy' });

describe('e-mail across a restart', () => {
  let db: TestDatabase;
  let sink: SmtpSink;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await server?.kill('SIGKILL');
    await sink?.close();
    await db?.drop();
  });

  it('sends the invitation exactly once after kills while queued and while sending', { timeout: 240_000 }, async () => {
    const port = await freePort();
    const env = { MAIL_POLL_MS: '100', MAIL_LEASE_MS: String(LEASE_MS), MAIL_RETRY_BASE_MS: '100' };
    server = await startServerProcess(db, port, env);
    const admin = await loggedIn(server.url, 'admin');
    const { secretary, directory } = await secretariat(server.url);
    expect((await admin.patch(`/api/v1/users/${directory.user('bithu').id}`, { email: 'bithu@tinhuy.example.vn' })).status).toBe(200);
    const meeting = await createMeeting(secretary, directory, { title: 'Hội nghị qua lần khởi động lại', membershipTotal: 1, members: [['bithu', 'chair']] });
    expect((await secretary.post(`/api/v1/meetings/${meeting.id}/status`, { to: 'published' })).status).toBe(200);
    const invitation = async (client: TestClient): Promise<MailJobDto | undefined> =>
      (await client.get<MailJobList>(`/api/v1/meetings/${meeting.id}/mail`)).body.jobs?.find((j) => j.kind === 'invitation');
    // queued (no SMTP settings yet), then the process dies
    expect(await until('the invitation queued', () => invitation(secretary))).toMatchObject({ status: 'queued' });
    await server.kill('SIGKILL');

    // restarted: the queued job is still there; the SMTP server takes the message but never answers
    server = await startServerProcess(db, port, env);
    expect(await invitation(secretary)).toMatchObject({ status: 'queued', attempts: 0 });
    sink.hold(true);
    expect((await admin.request('PUT', '/api/v1/mail/settings', smtpSettings(sink.port))).status).toBe(200);
    await until('the message in flight', async () => (sink.held() >= 1 ? true : undefined));
    expect(await invitation(secretary)).toMatchObject({ status: 'sending', attempts: 1 });
    await server.kill('SIGKILL');

    // restarted again: the lapsed lease gives the job to the new process, which sends it (the same Message-ID)
    sink.hold(false);
    server = await startServerProcess(db, port, env);
    const sent = await until('the invitation sent', async () => {
      const job = await invitation(secretary);
      return job?.status === 'sent' ? job : undefined;
    });
    expect(sent.attempts).toBe(2);
    // nothing else goes out, even after another lease period
    await new Promise((resolve) => setTimeout(resolve, LEASE_MS + 500));
    const invitations = sink.received.filter((m) => m.subject === 'Giấy mời họp: Hội nghị qua lần khởi động lại');
    expect(invitations).toHaveLength(1);
    expect(invitations[0]?.attachments.map((a) => a.filename)).toEqual(['giay-moi.ics']);
    expect((await invitation(secretary))?.status).toBe('sent');
  });

  // Two instances share a database only on a real PostgreSQL: the embedded one refuses a second opener (embedded-data-dir-lock.test.ts).
  it.runIf(realDatabaseUrl !== undefined)('two app instances on one database never send a job twice', { timeout: 120_000 }, async () => {
    await server?.kill('SIGKILL');
    server = undefined;
    const env = { MAIL_POLL_MS: '50', MAIL_LEASE_MS: '60000' };
    const one = await startTestServer(db, env);
    const two = await startTestServer(db, env);
    try {
      const admin = await loggedIn(one.url, 'admin');
      // no settings while queuing: both workers find all 40 jobs due at once
      await one.database.sql`delete from mail_settings`;
      const before = sink.received.length;
      for (let n = 0; n < 40; n += 1) {
        const app = n % 2 === 0 ? one.app : two.app;
        await app.modules.mail.enqueue({ to: `dai.bieu.${n}@tinhuy.example.vn`, subject: `Thư số ${n}`, text: `Nội dung ${n}`, kind: 'test' });
      }
      expect((await admin.request('PUT', '/api/v1/mail/settings', smtpSettings(sink.port))).status).toBe(200);
      two.app.modules.mail.worker.poke();
      const received = (await sink.waitFor(before + 40, 60_000)).slice(before);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(sink.received.length - before).toBe(40);
      expect(duplicates(received)).toEqual([]);
      expect(new Set(received.map((m) => m.subject)).size).toBe(40);
      const jobs = (await admin.get<MailJobList>('/api/v1/mail/jobs?status=sent&limit=500')).body.jobs.filter((j) => j.kind === 'test');
      expect(jobs).toHaveLength(40);
      expect(jobs.every((j) => j.attempts === 1)).toBe(true);
    } finally {
      await one.close();
      await two.close();
    }
  });
});
