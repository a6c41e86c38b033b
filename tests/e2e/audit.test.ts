/**
 * End to end in Debian's chromium: the demo banner shows while demo accounts
 * are live; an administrator reads the audit trail, filters it, checks the
 * chain, and sees where it was tampered with; the secretariat may not look.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, logIn } from '../helpers/browser.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { startTestServer, TestClient, type TestServer } from '../helpers/server.ts';

describe('audit trail and demo banner in the browser', () => {
  let db: TestDatabase;
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    [db, browser] = await Promise.all([createTestDatabase(), launchBrowser()]);
    server = await startTestServer(db, {}, { web: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await db?.drop();
  });

  const newPage = async (): Promise<Page> => (await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN' })).newPage();

  it('shows the demo banner, lists and filters the trail, and tells when the chain was changed', async () => {
    expect((await new TestClient(server.url).login('bithu', 'doan-mo')).status).toBe(401);
    const page = await newPage();
    await page.goto(`${server.url}/login`);
    await page.getByTestId('demo-banner').filter({ hasText: 'tài khoản mẫu' }).waitFor();

    await logIn(page, server.url, 'admin');
    await page.getByRole('link', { name: 'Nhật ký kiểm tra' }).click();
    await page.getByRole('heading', { name: 'Nhật ký kiểm tra' }).waitFor();
    await page.getByTestId('audit-row').filter({ hasText: 'Đăng nhập sai' }).filter({ hasText: 'bithu' }).waitFor();

    await page.getByLabel('Thao tác', { exact: true }).selectOption({ label: 'Đăng nhập sai' });
    await expect.poll(async () => (await page.getByTestId('audit-row').allInnerTexts()).every((text) => text.includes('Đăng nhập sai'))).toBe(true);
    await expect.poll(() => page.getByTestId('audit-row').filter({ hasText: 'admin' }).count()).toBe(0);

    await page.getByTestId('audit-verify').click();
    await page.getByTestId('audit-verification').getByText('Chuỗi nhật ký nguyên vẹn').waitFor();

    // A database owner switches the trigger off and edits the failed login: the check names that entry.
    const [row] = await server.database.sql<{ seq: string }[]>`select seq from audit_log where action = 'auth.loginFailed' order by seq limit 1`;
    await server.database.sql`alter table audit_log disable trigger audit_log_no_update_delete`;
    await server.database.sql`update audit_log set actor_name = 'nguoi-khac' where seq = ${row!.seq}`;
    await server.database.sql`alter table audit_log enable trigger audit_log_no_update_delete`;
    await page.getByTestId('audit-verify').click();
    await page.getByTestId('audit-verification').getByText(`Chuỗi nhật ký đã bị can thiệp tại mục số ${row!.seq}`).waitFor();
    await page.getByTestId('audit-verification').getByText('Nội dung mục này đã bị sửa.').waitFor();
    await page.context().close();
  });

  it('is not for the secretariat', async () => {
    const page = await newPage();
    await logIn(page, server.url, 'thuky');
    await page.getByRole('link', { name: 'Đơn vị', exact: true }).waitFor();
    expect(await page.getByRole('link', { name: 'Nhật ký kiểm tra' }).count()).toBe(0);
    await page.goto(`${server.url}/admin/audit`);
    await page.getByTestId('forbidden').waitFor();
    expect(await page.getByTestId('audit-row').count()).toBe(0);
    await page.context().close();
  });
});
