/**
 * Issue 4 end to end in Chromium: the secretary prepares a meeting (three
 * agenda items, two PDFs with the upload progress visible, a delegate, an
 * endpoint) and publishes it; the delegate sees the notification, searches
 * "nghi quyet", lands on the right page, and reads a confidential document
 * under a watermark with her name. Waits for what a person would see.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_BREAK, renderTextPdf } from '../../server/modules/documents/text-pdf.ts';
import { logIn as logInAs } from '../helpers/browser.ts';
import { type TestDatabase } from '../helpers/database.ts';
import { type TestServer } from '../helpers/server.ts';
import { SCREENSHOTS, startWebStack, stopWebStack } from '../helpers/web-stack.ts';

/** Chooses the option whose text contains `text` (option labels may carry indentation or a level). */
async function chooseOption(select: Locator, text: string): Promise<void> {
  const value = await select.evaluate((element, wanted) => {
    const option = [...(element as HTMLSelectElement).options].find((o) => o.text.includes(wanted));
    return option?.value ?? null;
  }, text);
  if (value === null) throw new Error(`no option containing "${text}"`);
  await select.selectOption(value);
}

describe('preparing a meeting and reading its documents', () => {
  let db: TestDatabase;
  let server: TestServer;
  let browser: Browser;
  let files: { draft: string; secret: string };

  beforeAll(async () => {
    ({ db, server, browser } = await startWebStack());
    const dir = await mkdtemp(path.join(os.tmpdir(), 'phs-e2e-docs-'));
    files = { draft: path.join(dir, 'du-thao.pdf'), secret: path.join(dir, 'bao-cao-mat.pdf') };
    await writeFile(
      files.draft,
      await renderTextPdf({
        header: 'ĐẢNG BỘ TỈNH HÒA BÌNH',
        title: 'Dự thảo văn bản',
        paragraphs: ['Phần mở đầu.', PAGE_BREAK, 'Phần đánh giá tình hình.', PAGE_BREAK, 'Ban Chấp hành ban hành nghị quyết về chuyển đổi số.', PAGE_BREAK, 'Phần tổ chức thực hiện.'],
      }),
    );
    await writeFile(files.secret, await renderTextPdf({ title: 'Báo cáo nhân sự', paragraphs: ['Nội dung mật của báo cáo.'] }));
  });
  afterAll(async () => {
    await stopWebStack({ browser, server, db });
  });

  const logIn = (page: Page, username: string) => logInAs(page, server.url, username);

  async function upload(page: Page, title: string, kind: string, level: string, file: string): Promise<void> {
    await page.getByRole('button', { name: 'Tải tài liệu lên', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Tải tài liệu lên' });
    await dialog.getByLabel('Tên tài liệu', { exact: true }).fill(title);
    await chooseOption(dialog.getByLabel('Loại tài liệu', { exact: true }), kind);
    await chooseOption(dialog.getByLabel('Độ mật', { exact: true }), level);
    await dialog.locator('input[type="file"]').setInputFiles(file);
    await dialog.getByRole('button', { name: 'Tải lên', exact: true }).click();
    await dialog.getByTestId('upload-progress').waitFor({ state: 'visible' });
    await dialog.waitFor({ state: 'hidden', timeout: 30_000 });
    await page.getByTestId('document-row').filter({ hasText: title }).waitFor();
  }

  it('the secretary prepares and publishes; the delegate is told, searches and reads', async () => {
    const delegateContext = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN' });
    const delegate = await delegateContext.newPage();
    await logIn(delegate, 'caophong.bithu');
    const bell = delegate.getByTestId('notification-bell');
    const unreadBefore = Number((await bell.getAttribute('data-unread')) ?? '0');

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN' });
    const page = await context.newPage();
    await logIn(page, 'thuky');

    await page.goto(`${server.url}/meetings`);
    await page.getByRole('button', { name: 'Tạo cuộc họp', exact: true }).click();
    const create = page.getByRole('dialog', { name: 'Tạo cuộc họp' });
    await chooseOption(create.getByLabel('Loại cuộc họp', { exact: true }), 'Hội nghị BCH Đảng bộ');
    await create.getByLabel('Tên cuộc họp', { exact: true }).fill('Hội nghị BCH Đảng bộ tỉnh lần thứ 22');
    await chooseOption(create.getByLabel('Đơn vị tổ chức', { exact: true }), 'Văn phòng Tỉnh ủy');
    await create.getByLabel('Bắt đầu', { exact: true }).fill('2026-12-20T08:00');
    await create.getByLabel('Tổng số thành viên', { exact: true }).fill('55');
    await create.getByRole('button', { name: 'Lưu', exact: true }).click();
    await page.getByRole('tab', { name: 'Chương trình nghị sự' }).waitFor();

    const meetingUrl = page.url().split('?')[0]!;
    await page.getByRole('tab', { name: 'Chương trình nghị sự' }).click();
    for (const [title, minutes] of [['Khai mạc hội nghị', '10'], ['Thảo luận dự thảo Nghị quyết chuyển đổi số', '60'], ['Bế mạc hội nghị', '10']] as const) {
      await page.getByRole('button', { name: 'Thêm nội dung', exact: true }).click();
      const item = page.getByRole('dialog', { name: 'Thêm nội dung chương trình' });
      await item.getByLabel('Tên nội dung', { exact: true }).fill(title);
      await item.getByLabel('Thời gian dự kiến (phút)', { exact: true }).fill(minutes);
      await item.getByRole('button', { name: 'Lưu', exact: true }).click();
      await item.waitFor({ state: 'hidden' });
    }
    await expect.poll(() => page.getByTestId('agenda-item').count()).toBe(3);

    await page.getByRole('tab', { name: 'Thành phần tham dự' }).click();
    await page.getByRole('combobox', { name: 'Tìm người tham dự' }).fill('dinh thi hong');
    await page.getByRole('option', { name: /Đinh Thị Hồng/ }).first().click();
    await chooseOption(page.getByLabel('Vai trò trong cuộc họp', { exact: true }), 'Đại biểu');
    await page.getByRole('button', { name: 'Thêm người tham dự', exact: true }).click();
    await page.getByTestId('participant-row').filter({ hasText: 'Đinh Thị Hồng' }).waitFor();
    await chooseOption(page.getByLabel('Chọn điểm cầu', { exact: true }), 'Cao Phong');
    await page.getByRole('button', { name: 'Thêm điểm cầu', exact: true }).click();
    await page.getByTestId('endpoint-row').filter({ hasText: 'Cao Phong' }).waitFor();

    await page.getByRole('tab', { name: 'Tài liệu' }).click();
    await upload(page, 'Dự thảo Nghị quyết về chuyển đổi số', 'Dự thảo', 'Thường', files.draft);
    await upload(page, 'Báo cáo nhân sự (Mật)', 'Báo cáo', 'Mật', files.secret);

    await page.getByTestId('status-action').filter({ hasText: 'Phát hành' }).click();
    await page.getByRole('button', { name: 'Xác nhận phát hành', exact: true }).click();
    await page.getByText('Đã phát hành').first().waitFor();

    // The delegate's bell counts up without a reload.
    await expect.poll(async () => Number((await bell.getAttribute('data-unread')) ?? '0'), { timeout: 10_000 }).toBeGreaterThan(unreadBefore);

    // Search without diacritics lands on page 3, where the phrase is.
    await delegate.goto(`${server.url}/search?q=${encodeURIComponent('nghi quyet ve chuyen doi so')}`);
    const hit = delegate.getByTestId('search-hit').first();
    await hit.waitFor();
    await expect.poll(() => hit.textContent()).toMatch(/Trang 3/);
    await hit.click();
    const third = delegate.locator('[data-testid="pdf-page"][data-page-number="3"]');
    await third.waitFor();
    await expect.poll(() => third.evaluate((el) => { const r = el.getBoundingClientRect(); return r.top < window.innerHeight && r.bottom > 0; })).toBe(true);
    await expect.poll(() => third.locator('canvas').count(), { timeout: 15_000 }).toBeGreaterThan(0);

    // The confidential report: a watermark with her name, no download.
    await delegate.goto(`${meetingUrl}?tab=documents`);
    await delegate.getByTestId('document-row').filter({ hasText: 'Báo cáo nhân sự (Mật)' }).getByRole('link').first().click();
    const mark = delegate.getByTestId('watermark').first();
    await mark.waitFor();
    await expect.poll(() => mark.textContent()).toContain('Đinh Thị Hồng');
    expect(await delegate.getByTestId('download').count()).toBe(0);
    await delegate.locator('[data-testid="pdf-page"][data-page-number="1"] canvas').waitFor({ timeout: 15_000 });
    await delegate.screenshot({ path: `${SCREENSHOTS}/confidential-viewer.png` });

    await context.close();
    await delegateContext.close();
  });
});
