/**
 * End to end in Debian's chromium: the admin logs in, creates a commune and
 * a user in it, logs out; the new user logs in and lands on a Vietnamese home
 * page. Every step waits for what a person would see, never for a fixed time.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCREENSHOTS, startWebStack, stopWebStack } from '../helpers/web-stack.ts';
import { type TestDatabase } from '../helpers/database.ts';
import { DEMO_PASSWORD, type TestServer } from '../helpers/server.ts';

describe('administration in the browser', () => {
  let db: TestDatabase;
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    ({ db, server, browser } = await startWebStack());
  });
  afterAll(async () => {
    await stopWebStack({ browser, server, db });
  });

  async function logIn(page: Page, username: string, password: string): Promise<void> {
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Tên đăng nhập', { exact: true }).fill(username);
    await page.getByLabel('Mật khẩu', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
  }

  it('an admin creates a commune and a user; that user logs in', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN' });
    const page = await context.newPage();
    // The pages' CSP (kit.csp) refuses nothing this walk through login and administration needs.
    const cspViolations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });

    // A wrong password shows the server's message and keeps the visitor on the login page.
    await logIn(page, 'admin', 'sai-mat-khau');
    await expect.poll(() => page.getByText('Tên đăng nhập hoặc mật khẩu không đúng').isVisible()).toBe(true);

    await logIn(page, 'admin', DEMO_PASSWORD);
    await page.getByRole('heading', { name: 'Xin chào, Trần Quang Vinh' }).waitFor();

    // A commune under Huyện Mai Châu.
    await page.goto(`${server.url}/admin/units`);
    await page.getByRole('button', { name: 'Thêm đơn vị', exact: true }).click();
    const unitDialog = page.getByRole('dialog', { name: 'Thêm đơn vị' });
    await unitDialog.getByLabel('Tên đơn vị', { exact: true }).fill('Xã Đồng Tân');
    await unitDialog.getByLabel('Cấp', { exact: true }).selectOption({ label: 'Cấp xã' });
    await unitDialog.getByLabel('Đơn vị cấp trên', { exact: true }).selectOption({ label: 'Huyện Mai Châu' });
    await unitDialog.getByRole('button', { name: 'Lưu', exact: true }).click();
    await unitDialog.waitFor({ state: 'hidden' });
    await page.getByTestId('unit-row').filter({ hasText: 'Xã Đồng Tân' }).waitFor();

    // A user in it; a too-short password is refused next to the field first.
    await page.goto(`${server.url}/admin/users`);
    await page.getByRole('button', { name: 'Thêm người dùng', exact: true }).click();
    const userDialog = page.getByRole('dialog', { name: 'Thêm người dùng' });
    await userDialog.getByLabel('Tên đăng nhập', { exact: true }).fill('dongtan.chutich');
    await userDialog.getByLabel('Họ và tên', { exact: true }).fill('Hà Thị Thủy');
    await userDialog.getByLabel('Chức vụ', { exact: true }).fill('Chủ tịch UBND xã Đồng Tân');
    await userDialog.getByLabel('Đơn vị', { exact: true }).selectOption({ label: 'Xã Đồng Tân' });
    await userDialog.getByLabel('Vai trò', { exact: true }).selectOption({ label: 'Người dùng' });
    await userDialog.getByLabel('Mật khẩu', { exact: true }).fill('ngan');
    await userDialog.getByRole('button', { name: 'Lưu', exact: true }).click();
    await userDialog.getByText(/ít nhất 10 ký tự/).waitFor();
    await userDialog.getByLabel('Mật khẩu', { exact: true }).fill('DongTan@2026xa');
    await userDialog.getByRole('button', { name: 'Lưu', exact: true }).click();
    await userDialog.waitFor({ state: 'hidden' });
    await page.getByTestId('user-row').filter({ hasText: 'Hà Thị Thủy' }).waitFor();

    // Search by name without diacritics.
    await page.getByLabel('Tìm theo tên', { exact: true }).fill('ha thi thuy');
    await expect.poll(() => page.getByTestId('user-row').count()).toBe(1);

    await page.getByTestId('user-menu').click();
    await page.getByRole('button', { name: 'Đăng xuất', exact: true }).click();
    await page.getByRole('button', { name: 'Đăng nhập', exact: true }).waitFor();

    await logIn(page, 'dongtan.chutich', 'DongTan@2026xa');
    const greeting = page.getByRole('heading', { name: 'Xin chào, Hà Thị Thủy' });
    await greeting.waitFor();
    // The page's own font (bundled, no outside host) has the glyphs: the browser says so.
    expect(await page.evaluate(() => document.fonts.check('600 24px "Be Vietnam Pro"', 'Xin chào, Hà Thị Thủy ệữỡặ'))).toBe(true);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('vi');
    await page.screenshot({ path: `${SCREENSHOTS}/home-new-user.png`, fullPage: true });

    // A plain user is refused the admin pages.
    await page.goto(`${server.url}/admin/users`);
    await page.getByTestId('forbidden').waitFor();
    expect(cspViolations).toEqual([]);
    await context.close();
  });

  it('switches to English and back, and server messages follow', async () => {
    const context = await browser.newContext({ viewport: { width: 800, height: 1280 }, locale: 'vi-VN' });
    const page = await context.newPage();
    await page.goto(`${server.url}/login`);
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByLabel('Username', { exact: true }).fill('admin');
    await page.getByLabel('Password', { exact: true }).fill('wrong-password');
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await page.getByText('Wrong username or password').waitFor();
    await page.getByRole('button', { name: 'Tiếng Việt' }).click();
    await page.getByRole('button', { name: 'Đăng nhập', exact: true }).waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/login-tablet-portrait.png` });
    await context.close();
  });
});
