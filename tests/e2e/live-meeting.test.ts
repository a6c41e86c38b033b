/**
 * Issue 5's acceptance in Chromium, one browser context per person: the
 * chair and the secretary on the console, two delegates on tablets (one of
 * them with a second device) and the hall display paired by its code.
 * Check-in moves the quorum everywhere; the chair presents page 7 and both
 * tablets and the wall show it; a delegate browses alone and returns with one
 * tap; the speaker queue reaches the wall with a running timer; ink and a note
 * survive a reload and appear on the second device; a comment reaches the
 * secretariat; the server restarts mid-meeting and every screen comes back to
 * the same state, with the ink drawn during the outage saved. Waits for what
 * a person would see, never for fixed times.
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentDto } from '../../server/contract/documents.ts';
import type { AgendaItemDto, MeetingDto } from '../../server/contract/meetings.ts';
import { PAGE_BREAK, renderTextPdf } from '../../server/modules/documents/text-pdf.ts';
import { openScreen } from '../helpers/browser.ts';
import { type TestDatabase } from '../helpers/database.ts';
import { createMeeting, secretariat } from '../helpers/meetings.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { SCREENSHOTS, startWebStack, stopWebStack } from '../helpers/web-stack.ts';

const PAGES = 10;
describe('a live meeting with chair, secretary, two delegates and the hall display', () => {
  let db: TestDatabase;
  let server: TestServer;
  let port: number;
  let browser: Browser;
  let meeting: MeetingDto;
  let item: AgendaItemDto;
  let draft: DocumentDto;
  let chairId: string;
  const contexts: BrowserContext[] = [];
  const screens = {} as { chair: Page; secretary: Page; hong: Page; hongSecond: Page; tung: Page; wall: Page };

  async function open(username: string | null, path: string, viewport = { width: 1280, height: 800 }): Promise<Page> {
    const page = await openScreen(browser, server.url, username, path, viewport);
    contexts.push(page.context());
    return page;
  }

  const tabletLive = (page: Page) => page.locator('[data-testid="live-status"][data-state="live"]').waitFor({ timeout: 20_000 });
  const consoleLive = (page: Page) => page.getByTestId('console-connection').and(page.locator('[data-state="live"]')).waitFor({ timeout: 20_000 });
  const attr = (locator: Locator, name: string) => locator.getAttribute(name, { timeout: 1_000 }).catch(() => null);
  const shownPage = (page: Page) => attr(page.getByTestId('viewer-current-page'), 'data-page');
  const wallPage = () => attr(screens.wall.getByTestId('display-page-canvas'), 'data-page');
  /** The quorum count each screen shows. */
  const presentEverywhere = async () => [
    await attr(screens.secretary.getByTestId('quorum-summary'), 'data-present'),
    await attr(screens.chair.getByTestId('quorum-summary'), 'data-present'),
    await attr(screens.hong.getByTestId('quorum'), 'data-present'),
    await attr(screens.tung.getByTestId('quorum'), 'data-present'),
    await attr(screens.wall.getByTestId('display-quorum'), 'data-present'),
  ];

  /** Draws one stroke across the middle of page `n`'s annotation layer with the pen. */
  async function drawStroke(page: Page, n: number, row: number): Promise<void> {
    const layer = page.locator(`[data-testid="annotation-layer"][data-page="${n}"]`);
    const box = (await layer.boundingBox())!;
    const y = box.y + Math.min(box.height - 20, 80 + row * 60);
    await page.mouse.move(box.x + box.width * 0.2, y);
    await page.mouse.down();
    for (let step = 1; step <= 10; step += 1) await page.mouse.move(box.x + box.width * (0.2 + step * 0.05), y + step * 3);
    await page.mouse.up();
  }
  const inkOn = (page: Page, n: number) => page.locator(`[data-testid="annotation-layer"][data-page="${n}"] [data-testid="annotation-ink"]`).count();
  const pendingSync = (page: Page) => attr(page.getByTestId('pending-sync').first(), 'data-count');

  beforeAll(async () => {
    ({ db, server, browser } = await startWebStack());
    port = Number(new URL(server.url).port);

    const { secretary, directory } = await secretariat(server.url);
    chairId = directory.user('bithu').id;
    meeting = await createMeeting(secretary, directory, {
      title: 'Hội nghị Ban Thường vụ Tỉnh ủy lần thứ 15',
      location: 'Hội trường tầng 2, Tỉnh ủy',
      membershipTotal: 5,
      members: [['bithu', 'chair'], ['thuky', 'secretary'], ['caophong.bithu', 'delegate'], ['maichau.bithu', 'delegate'], ['chutich', 'delegate']],
    });
    item = (await secretary.post<{ item: AgendaItemDto }>(`/api/v1/meetings/${meeting.id}/agenda`, { title: 'Dự thảo Nghị quyết về chuyển đổi số', plannedMinutes: 45 })).body.item;
    const paragraphs = Array.from({ length: PAGES }, (_, i) => [`Trang ${i + 1}: Ban Thường vụ Tỉnh ủy thống nhất các nhiệm vụ chuyển đổi số của tỉnh.`, PAGE_BREAK]).flat().slice(0, -1);
    draft = (
      await secretary.upload<{ document: DocumentDto }>(
        `/api/v1/meetings/${meeting.id}/documents`,
        { title: 'Dự thảo Nghị quyết chuyển đổi số', kind: 'draft', agendaItemId: item.id },
        { bytes: await renderTextPdf({ title: 'Dự thảo Nghị quyết', paragraphs }), filename: 'du-thao-nghi-quyet.pdf' },
      )
    ).body.document;
    expect(draft.pageCount).toBe(PAGES);
    expect((await secretary.post(`/api/v1/meetings/${meeting.id}/status`, { to: 'published' })).status).toBe(200);
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await stopWebStack({ browser, server, db });
  });

  it('the secretary pairs the wall by its code; everyone joins; check-in moves the quorum on every screen', async () => {
    screens.wall = await open(null, '/display', { width: 1920, height: 1080 });
    const codeShown = screens.wall.getByTestId('display-pairing-code');
    await codeShown.waitFor({ timeout: 20_000 });
    const code = (await codeShown.textContent())!.trim();

    screens.secretary = await open('thuky', `/meetings/${meeting.id}/console`, { width: 1440, height: 900 });
    await consoleLive(screens.secretary);
    await screens.secretary.getByTestId('display-pair-button').click();
    const pairing = screens.secretary.getByRole('dialog', { name: 'Ghép nối màn hình chiếu' });
    await pairing.getByTestId('pair-code').fill(code);
    await pairing.getByTestId('pair-name').fill('Màn hình hội trường tầng 2');
    await pairing.getByTestId('pair-submit').click();
    await pairing.waitFor({ state: 'hidden' });
    await expect.poll(() => screens.wall.getByTestId('display-meeting-title').textContent().catch(() => ''), { timeout: 15_000 }).toContain('Hội nghị Ban Thường vụ Tỉnh ủy lần thứ 15');

    screens.chair = await open('bithu', `/meetings/${meeting.id}/console`);
    await consoleLive(screens.chair);
    await screens.chair.getByTestId('console-start').click();
    await expect.poll(() => attr(screens.secretary.getByTestId('console'), 'data-status'), { timeout: 10_000 }).toBe('in_session');
    const row = screens.chair.locator(`[data-testid="agenda-item"][data-item-id="${item.id}"]`);
    await row.getByTestId('agenda-open').click();
    await expect.poll(() => screens.wall.getByTestId('display-current-item').textContent().catch(() => ''), { timeout: 10_000 }).toContain('Dự thảo Nghị quyết về chuyển đổi số');

    [screens.hong, screens.tung] = await Promise.all([open('caophong.bithu', `/meetings/${meeting.id}/live`), open('maichau.bithu', `/meetings/${meeting.id}/live`)]);
    await Promise.all([tabletLive(screens.hong), tabletLive(screens.tung)]);
    await expect.poll(presentEverywhere, { timeout: 15_000 }).toEqual(['0', '0', '0', '0', '0']);

    for (const tablet of [screens.hong, screens.tung]) {
      await tablet.getByTestId('live-tab-attendance').click();
      await tablet.getByTestId('checkin-button').click();
      await tablet.getByTestId('checkin-status').waitFor();
    }
    await expect.poll(presentEverywhere, { timeout: 15_000 }).toEqual(['2', '2', '2', '2', '2']);
    // The secretary marks the chair present too (the chair is at the console, not on a tablet).
    await screens.secretary.locator(`[data-testid="attendance-row"][data-user-id="${chairId}"]`).getByTestId('mark-present').click();
    await expect.poll(presentEverywhere, { timeout: 15_000 }).toEqual(['3', '3', '3', '3', '3']);
    expect(await attr(screens.wall.getByTestId('display-quorum'), 'data-required')).toBe('4');
    expect(await attr(screens.wall.getByTestId('display-quorum'), 'data-met')).toBe('false');
  });

  it('the chair presents page 7: both tablets and the wall show it; one delegate browses page 2 and returns with one tap', async () => {
    const { chair, hong, tung } = screens;
    await expect.poll(() => chair.getByTestId('present-document').inputValue()).toBe(draft.id);
    await chair.getByTestId('present-show').click();
    await chair.getByTestId('present-page-input').fill('7');
    await chair.getByTestId('present-go').click();
    await expect.poll(() => attr(chair.getByTestId('presented-page'), 'data-page')).toBe('7');
    for (const tablet of [hong, tung]) await expect.poll(() => shownPage(tablet), { timeout: 15_000 }).toBe('7');
    await expect.poll(wallPage, { timeout: 15_000 }).toBe('7');

    // Đinh Thị Hồng turns to page 2 alone; Xa Văn Tùng's tablet does not move.
    const jump = hong.getByTestId('viewer-current-page').locator('input');
    await jump.fill('2');
    await jump.press('Enter');
    await expect.poll(() => shownPage(hong)).toBe('2');
    await expect.poll(() => hong.getByTestId('follow-banner').textContent().catch(() => ''), { timeout: 10_000 }).toContain('trang 7');
    expect(await shownPage(tung)).toBe('7');
    expect(await wallPage()).toBe('7');

    await hong.getByTestId('follow-return').click();
    await expect.poll(() => shownPage(hong), { timeout: 10_000 }).toBe('7');
    await hong.getByTestId('follow-banner').waitFor({ state: 'detached' });
  });

  it('the speaker queue flows to the wall, with a timer that runs', async () => {
    const { hong, secretary, wall } = screens;
    await hong.getByTestId('live-tab-speakers').click();
    await hong.getByTestId('speaker-topic').fill('Về nguồn lực thực hiện Nghị quyết');
    await hong.getByTestId('speaker-request').click();
    const waiting = secretary.locator('[data-testid="speaker-row"][data-status="waiting"]');
    await waiting.first().waitFor({ timeout: 10_000 });
    await expect.poll(() => wall.locator('body').textContent(), { timeout: 10_000 }).toContain('Đinh Thị Hồng');

    await waiting.first().getByTestId('speaker-give').click();
    const speaker = wall.getByTestId('display-speaker');
    await expect.poll(() => speaker.textContent().catch(() => ''), { timeout: 10_000 }).toContain('Đinh Thị Hồng');
    const timer = wall.getByTestId('display-speaker-timer');
    const first = await timer.textContent();
    await expect.poll(() => timer.textContent(), { timeout: 5_000 }).not.toBe(first);
    await wall.screenshot({ path: `${SCREENSHOTS}/live-display.png` });
  });

  it('ink and a note survive a reload and appear on the delegate’s second device', async () => {
    const { hong } = screens;
    await hong.getByTestId('annotation-tools-toggle').click();
    await hong.getByTestId('tool-pen').click();
    await drawStroke(hong, 7, 0);
    await expect.poll(() => inkOn(hong, 7)).toBe(1);

    await hong.getByTestId('tool-note').click();
    const layer = hong.locator('[data-testid="annotation-layer"][data-page="7"]');
    const box = (await layer.boundingBox())!;
    await hong.mouse.click(box.x + box.width * 0.7, box.y + Math.min(box.height - 40, 260));
    const editor = hong.getByTestId('note-editor');
    await editor.locator('textarea').fill('Đề nghị bổ sung kinh phí cho cấp xã');
    await editor.getByTestId('note-save').click();
    await expect.poll(() => layer.getByTestId('annotation-note').count()).toBe(1);
    await expect.poll(() => pendingSync(hong), { timeout: 10_000 }).toBe('0');

    // Reload: the same page comes back (following the presenter) with the ink and the note.
    await hong.reload();
    await tabletLive(hong);
    await expect.poll(() => shownPage(hong), { timeout: 15_000 }).toBe('7');
    await expect.poll(() => inkOn(hong, 7), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => hong.locator('[data-testid="annotation-layer"][data-page="7"] [data-testid="annotation-note"]').count()).toBe(1);

    // Her second device (another browser) shows both, and nobody else's screen does.
    screens.hongSecond = await open('caophong.bithu', `/meetings/${meeting.id}/live`, { width: 1280, height: 800 });
    await tabletLive(screens.hongSecond);
    await expect.poll(() => shownPage(screens.hongSecond), { timeout: 15_000 }).toBe('7');
    await expect.poll(() => inkOn(screens.hongSecond, 7), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => screens.hongSecond.locator('[data-testid="annotation-layer"][data-page="7"] [data-testid="annotation-note"]').count()).toBe(1);
    expect(await inkOn(screens.tung, 7)).toBe(0);

    // A stroke on the first device reaches the second one live.
    await hong.getByTestId('annotation-tools-toggle').click();
    await hong.getByTestId('tool-pen').click();
    await drawStroke(hong, 7, 1);
    await expect.poll(() => inkOn(screens.hongSecond, 7), { timeout: 10_000 }).toBe(2);
  });

  it('a comment on the draft reaches the secretariat', async () => {
    const { hong } = screens;
    await hong.getByTestId('comment-button').click();
    await hong.getByTestId('comment-body').fill('Đề nghị làm rõ lộ trình chuyển đổi số cấp xã ở trang 7.');
    await hong.getByTestId('comment-send').click();
    await hong.getByTestId('comment-send').waitFor({ state: 'hidden' });

    const secretaryComments = await screens.secretary.context().newPage();
    await secretaryComments.goto(`${server.url}/meetings/${meeting.id}/documents/${draft.id}/comments`);
    const row = secretaryComments.getByTestId('comments-row').filter({ hasText: 'Đề nghị làm rõ lộ trình chuyển đổi số cấp xã' });
    await row.waitFor({ timeout: 10_000 });
    expect(await row.textContent()).toContain('Đinh Thị Hồng');
    await secretaryComments.close();
  });

  it('the server restarts mid-meeting: every screen comes back to the same state, and ink drawn meanwhile is saved', async () => {
    const { hong, tung, wall, secretary, chair } = screens;
    const before = { quorum: await presentEverywhere(), hongInk: await inkOn(hong, 7) };

    await server.close();
    await hong.locator('[data-testid="live-status"]:not([data-state="live"])').waitFor({ timeout: 20_000 });
    // Drawn while the server is down: queued on the tablet, not lost.
    await drawStroke(hong, 7, 2);
    await expect.poll(() => inkOn(hong, 7)).toBe(before.hongInk + 1);
    await expect.poll(() => pendingSync(hong), { timeout: 10_000 }).toBe('1');

    server = await startTestServer(db, {}, { web: true, port });
    for (const tablet of [hong, tung, screens.hongSecond]) await tabletLive(tablet);
    await Promise.all([consoleLive(secretary), consoleLive(chair)]);
    await wall.getByTestId('display-offline').waitFor({ state: 'detached', timeout: 30_000 });

    await expect.poll(presentEverywhere, { timeout: 15_000 }).toEqual(before.quorum);
    for (const tablet of [hong, tung]) expect(await shownPage(tablet)).toBe('7');
    await expect.poll(wallPage, { timeout: 15_000 }).toBe('7');
    expect(await wall.getByTestId('display-speaker').textContent()).toContain('Đinh Thị Hồng');
    await expect.poll(() => pendingSync(hong), { timeout: 20_000 }).toBe('0');
    await expect.poll(() => inkOn(screens.hongSecond, 7), { timeout: 15_000 }).toBe(before.hongInk + 1);

    // And the meeting goes on: the next page reaches everyone after the restart.
    await chair.getByTestId('present-next').click();
    for (const tablet of [hong, tung]) await expect.poll(() => shownPage(tablet), { timeout: 15_000 }).toBe('8');
    await expect.poll(wallPage, { timeout: 15_000 }).toBe('8');
  });
});
