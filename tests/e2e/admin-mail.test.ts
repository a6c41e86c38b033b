/**
 * Issue 12, the admin's mail screen in Debian's chromium: an e-mail queued
 * while the SMTP server pointed at a closed port fails and shows why; the
 * admin points the settings at a real SMTP server (with a login), the
 * password is never shown back, a new e-mail is sent and the failed one is
 * sent again from the list. The secretariat may not open the screen.
 */
import { createServer } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openScreen } from '../helpers/browser.ts';
import { loggedIn } from '../helpers/meetings.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';
import { SCREENSHOTS, startWebStack, stopWebStack } from '../helpers/web-stack.ts';
import type { TestDatabase } from '../helpers/database.ts';
import type { TestServer } from '../helpers/server.ts';

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('the admin mail screen in the browser', () => {
  let db: TestDatabase;
  let server: TestServer;
  let browser: Browser;
  let sink: SmtpSink;
  const pages: Page[] = [];

  beforeAll(async () => {
    ({ db, server, browser } = await startWebStack({ MAIL_POLL_MS: '100', MAIL_RETRY_BASE_MS: '50', MAIL_MAX_ATTEMPTS: '1' }));
    sink = await startSmtpSink({ user: 'hopso', pass: 'Mat-khau-thu@2026' });
  });
  afterAll(async () => {
    for (const page of pages) await page.context().close();
    await sink?.close();
    await stopWebStack({ browser, server, db });
  });

  it('saves the settings, shows a failed and a sent e-mail, sends the failed one again', async () => {
    // Settings that cannot work: the first e-mail fails (one attempt allowed) with the connection error.
    const admin = await loggedIn(server.url, 'admin');
    const wrong = await admin.request('PUT', '/api/v1/mail/settings', { host: '127.0.0.1', port: await closedPort(), security: 'none', username: null, fromAddress: 'hopso@hoabinh.gov.vn', fromName: 'Văn phòng UBND tỉnh' });
    expect(wrong.status).toBe(200);
    await server.app.modules.mail.enqueue({ to: 'vanphong@hoabinh.gov.vn', subject: 'Giấy mời họp thường kỳ', text: 'Kính mời.', kind: 'invitation' });

    const page = await openScreen(browser, server.url, 'admin', '/admin/mail');
    pages.push(page);
    await page.getByRole('navigation').getByRole('link', { name: 'Thư điện tử' }).waitFor();
    await page.getByRole('heading', { name: 'Cấu hình máy chủ gửi thư (SMTP)' }).waitFor();
    const failed = page.locator('[data-testid="mail-job"][data-status="failed"]').filter({ hasText: 'Giấy mời họp thường kỳ' });
    await expect.poll(async () => {
      await page.getByRole('button', { name: 'Tải lại' }).click();
      return failed.count();
    }, { timeout: 15_000 }).toBe(1);
    await failed.getByText(/ECONNREFUSED|connect/i).waitFor();

    // A bad port is refused next to its field before anything is sent.
    const settings = page.getByTestId('smtp-settings');
    await settings.getByLabel('Cổng', { exact: true }).fill('99999');
    await settings.getByRole('button', { name: 'Lưu cấu hình' }).click();
    await expect.poll(() => settings.getByLabel('Cổng', { exact: true }).getAttribute('aria-invalid')).toBe('true');

    // The real server, with its login.
    await settings.getByLabel('Cổng', { exact: true }).fill(String(sink.port));
    await settings.getByLabel('Tên đăng nhập', { exact: true }).fill('hopso');
    await settings.getByLabel('Mật khẩu', { exact: true }).fill('Mat-khau-thu@2026');
    await settings.getByRole('button', { name: 'Lưu cấu hình' }).click();
    await page.getByText('Đã lưu cấu hình máy chủ gửi thư').waitFor();
    await settings.getByText('Đã lưu một mật khẩu; để trống để giữ nguyên.').waitFor();
    expect(await settings.getByLabel('Mật khẩu', { exact: true }).inputValue()).toBe('');
    // The password never comes back through the API either.
    const shown = await admin.get<Record<string, unknown>>('/api/v1/mail/settings');
    expect(JSON.stringify(shown.body)).not.toContain('Mat-khau-thu');

    await server.app.modules.mail.enqueue({ to: 'bithu@hoabinh.gov.vn', subject: 'Thông báo kết luận cuộc họp', text: 'Kính gửi.', kind: 'notice' });
    await sink.waitFor(1);
    const sent = page.locator('[data-testid="mail-job"][data-status="sent"]').filter({ hasText: 'Thông báo kết luận cuộc họp' });
    await expect.poll(async () => {
      await page.getByRole('button', { name: 'Tải lại' }).click();
      return sent.count();
    }, { timeout: 15_000 }).toBe(1);
    await sent.getByText(/Đã gửi lúc/).waitFor();

    // Filtered to the failed ones: only the invitation; sent again from the list, it goes through.
    await page.getByLabel('Lọc theo trạng thái').selectOption('failed');
    await expect.poll(() => page.getByTestId('mail-job').count()).toBe(1);
    await page.screenshot({ path: `${SCREENSHOTS}/admin-mail.png`, fullPage: true });
    await failed.getByRole('button', { name: 'Gửi lại' }).click();
    await page.getByText('Đã xếp thư vào hàng đợi để gửi lại').waitFor();
    const received = await sink.waitFor(2);
    expect(received.map((mail) => mail.subject)).toContain('Giấy mời họp thường kỳ');
  });

  it('the secretariat may not open it, nor call its routes', async () => {
    const page = await openScreen(browser, server.url, 'thuky', '/admin/mail');
    pages.push(page);
    await page.getByRole('heading', { name: 'Bạn không có quyền truy cập trang này' }).waitFor();
    expect(await page.getByRole('navigation').getByRole('link', { name: 'Thư điện tử' }).count()).toBe(0);
    expect(await page.getByTestId('smtp-settings').count()).toBe(0);
    const secretary = await loggedIn(server.url, 'thuky');
    expect((await secretary.get('/api/v1/mail/settings')).status).toBe(403);
    expect((await secretary.request('PUT', '/api/v1/mail/settings', { host: 'evil.example', port: 25, security: 'none', username: null, fromAddress: 'x@evil.example', fromName: 'X' })).status).toBe(403);
  });
});
