/**
 * Debian's chromium driven by playwright-core (never a downloaded browser),
 * with the flags a closed network and a root user need, and fake camera and
 * microphone for the conference tests.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../server/db/seed/demo-data.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * `executablePath`: another way to start the same chromium (e.g. inside a network namespace, tests/helpers/netns.ts);
 * `args`: flags added to ours.
 */
export async function launchBrowser(options: { executablePath?: string; args?: string[] } = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (npm test does it as root)`);
  return chromium.launch({
    executablePath: options.executablePath ?? CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      ...(options.args ?? []),
    ],
  });
}

/** Logs `username` in through the login page (demo password) and waits for the home page's greeting. */
export async function logIn(page: Page, baseUrl: string, username: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Tên đăng nhập', { exact: true }).fill(username);
  await page.getByLabel('Mật khẩu', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
  await page.getByRole('heading', { name: /^Xin chào/ }).waitFor();
}

/**
 * One person's screen: a fresh browser context (Vietnamese locale; touch for
 * tablets), logged in as `username` (null: nobody, e.g. the hall display),
 * on `path`. The caller closes the context (`page.context().close()`).
 */
export async function openScreen(browser: Browser, baseUrl: string, username: string | null, path: string, viewport = { width: 1280, height: 800 }): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'vi-VN', hasTouch: username !== null });
  const page = await context.newPage();
  if (username !== null) await logIn(page, baseUrl, username);
  await page.goto(`${baseUrl}${path}`);
  return page;
}
