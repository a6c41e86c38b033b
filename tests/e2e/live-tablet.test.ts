/**
 * Issue 5 on the delegates' tablets, in Chromium: the chair (a socket driven
 * from the test) presents page 7 of a 10-page PDF and both tablets show page
 * 7; one delegate turns to page 2 alone (the other is not disturbed), sees
 * "the presenter is on page N" and returns with one tap to wherever the
 * presenter is now; a late joiner lands on the presented page; a check-in on
 * one tablet moves the quorum on the other. Waits for conditions only.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentDto } from '../../server/contract/documents.ts';
import type { AgendaItemDto, MeetingDto } from '../../server/contract/meetings.ts';
import { PAGE_BREAK, renderTextPdf } from '../../server/modules/documents/text-pdf.ts';
import { openScreen } from '../helpers/browser.ts';
import { type TestDatabase } from '../helpers/database.ts';
import { DEMO_PASSWORD, TestClient, type TestServer } from '../helpers/server.ts';
import { createMeeting, secretariat } from '../helpers/meetings.ts';
import { act, connectSocket, connected, type ClientSocket } from '../helpers/socket.ts';
import { SCREENSHOTS, startWebStack, stopWebStack } from '../helpers/web-stack.ts';

const PAGES = 10;
describe('the live meeting on delegates’ tablets', () => {
  let db: TestDatabase;
  let server: TestServer;
  let browser: Browser;
  let meeting: MeetingDto;
  let document: DocumentDto;
  let chair: ClientSocket;
  let chairClient: TestClient;
  const contexts: BrowserContext[] = [];

  /** A tablet: a fresh browser context, logged in, on the meeting's live page. */
  async function tablet(username: string, viewport = { width: 1280, height: 800 }): Promise<Page> {
    const page = await openScreen(browser, server.url, username, `/meetings/${meeting.id}/live`, viewport);
    contexts.push(page.context());
    await page.locator('[data-testid="live-status"][data-state="live"]').waitFor({ timeout: 15_000 });
    return page;
  }

  /** The page number the tablet's viewer says it shows. */
  const shownPage = (page: Page) => page.getByTestId('viewer-current-page').getAttribute('data-page').catch(() => null);

  /** True when page `n` of the document is at the top of the viewer's scroll area (what the reader sees). */
  const pageOnScreen = (page: Page, n: number) =>
    page
      .locator(`[data-testid="pdf-page"][data-page-number="${n}"]`)
      .evaluate((el) => {
        const scroller = el.closest('[role="document"]');
        if (scroller === null) return false;
        const box = el.getBoundingClientRect();
        const view = scroller.getBoundingClientRect();
        return box.top < view.top + view.height / 3 && box.bottom > view.top + view.height / 3;
      })
      .catch(() => false);

  const quorumPresent = (page: Page) => page.getByTestId('quorum').getAttribute('data-present').catch(() => null);

  beforeAll(async () => {
    ({ db, server, browser } = await startWebStack());

    const { secretary, directory } = await secretariat(server.url);
    meeting = await createMeeting(secretary, directory, {
      title: 'Hội nghị Ban Thường vụ Tỉnh ủy tháng 12',
      startsAt: '2026-12-10T01:30:00.000Z',
      membershipTotal: 5,
      members: [['bithu', 'chair'], ['thuky', 'secretary'], ['caophong.bithu', 'delegate'], ['maichau.bithu', 'delegate'], ['chutich', 'delegate']],
    });
    const item = (await secretary.post<{ item: AgendaItemDto }>(`/api/v1/meetings/${meeting.id}/agenda`, { title: 'Tờ trình Đề án chuyển đổi số', plannedMinutes: 30 })).body.item;
    const paragraphs = Array.from({ length: PAGES }, (_, i) => [`Trang nội dung số ${i + 1} của đề án.`, PAGE_BREAK]).flat().slice(0, -1);
    const pdf = await renderTextPdf({ title: 'Đề án chuyển đổi số', paragraphs });
    document = (
      await secretary.upload<{ document: DocumentDto }>(`/api/v1/meetings/${meeting.id}/documents`, { title: 'Đề án chuyển đổi số', kind: 'submission', agendaItemId: item.id }, { bytes: pdf, filename: 'de-an.pdf' })
    ).body.document;
    expect(document.pageCount).toBe(PAGES);
    expect((await secretary.post(`/api/v1/meetings/${meeting.id}/status`, { to: 'published' })).status).toBe(200);

    chairClient = new TestClient(server.url);
    await chairClient.login('bithu', DEMO_PASSWORD);
    chair = connectSocket(server.url, { cookie: chairClient.cookieHeader });
    await connected(chair);
    await act(chair, 'meeting:join', { meetingId: meeting.id });
    await act(chair, 'meeting:start', { meetingId: meeting.id });
    await act(chair, 'agenda:open', { meetingId: meeting.id, itemId: item.id });
  });

  afterAll(async () => {
    chair?.disconnect();
    for (const context of contexts) await context.close().catch(() => {});
    await stopWebStack({ browser, server, db });
  });

  it('both tablets follow the presenter; one browses alone and returns with one tap; a late joiner lands on the presented page', async () => {
    const [first, second] = await Promise.all([tablet('caophong.bithu'), tablet('maichau.bithu')]);
    // Nothing presented yet: the item's documents are offered to read alone.
    for (const page of [first, second]) {
      await page.locator(`[data-testid="live-document"][data-document-id="${document.id}"]`).first().waitFor();
      await expect.poll(() => page.getByTestId('current-item').textContent()).toContain('Tờ trình Đề án chuyển đổi số');
    }

    await act(chair, 'presentation:show', { meetingId: meeting.id, documentId: document.id, version: document.currentVersion, page: 7 });
    for (const page of [first, second]) {
      await expect.poll(() => shownPage(page), { timeout: 10_000 }).toBe('7');
      await expect.poll(() => pageOnScreen(page, 7), { timeout: 10_000 }).toBe(true);
    }

    // The first delegate turns to page 2 alone: the second tablet does not move.
    const jump = first.getByTestId('viewer-current-page').locator('input');
    await jump.fill('2');
    await jump.press('Enter');
    await expect.poll(() => shownPage(first)).toBe('2');
    await expect.poll(() => pageOnScreen(first, 2)).toBe(true);
    const banner = first.getByTestId('follow-banner');
    await banner.waitFor();
    await expect.poll(() => banner.textContent()).toContain('trang 7');
    expect(await second.getByTestId('follow-banner').count()).toBe(0);
    expect(await shownPage(second)).toBe('7');

    // The presenter moves on: the follower goes along, the browser stays on page 2 and is told.
    await act(chair, 'presentation:page', { meetingId: meeting.id, page: 9 });
    await expect.poll(() => shownPage(second), { timeout: 10_000 }).toBe('9');
    await expect.poll(() => pageOnScreen(second, 9)).toBe(true);
    await expect.poll(() => banner.textContent()).toContain('trang 9');
    expect(await shownPage(first)).toBe('2');

    // One tap back to the presenter's current page.
    await first.getByTestId('follow-return').click();
    await expect.poll(() => shownPage(first), { timeout: 10_000 }).toBe('9');
    await expect.poll(() => pageOnScreen(first, 9)).toBe(true);
    await first.getByTestId('follow-banner').waitFor({ state: 'detached' });

    // Following again means following the next turn too, within a fraction of a second (generous for a busy test machine).
    const turned = Date.now();
    await act(chair, 'presentation:page', { meetingId: meeting.id, page: 4 });
    for (const page of [first, second]) {
      await expect.poll(() => pageOnScreen(page, 4), { timeout: 10_000, interval: 20 }).toBe(true);
      expect(await shownPage(page)).toBe('4');
    }
    expect(Date.now() - turned).toBeLessThan(1_500);

    await first.screenshot({ path: `${SCREENSHOTS}/live-tablet-landscape.png` });

    // A late joiner (a tablet held upright) lands on the presented page.
    const late = await tablet('chutich', { width: 800, height: 1280 });
    await expect.poll(() => shownPage(late), { timeout: 15_000 }).toBe('4');
    await expect.poll(() => pageOnScreen(late, 4), { timeout: 10_000 }).toBe(true);
    await late.locator('[data-testid="pdf-page"][data-page-number="4"] canvas').waitFor({ timeout: 15_000 });
    expect(await late.getByTestId('follow-banner').count()).toBe(0);
    // Ink on the presented page while following: drawn on the page's layer, and still following.
    await late.getByTestId('annotation-tools-toggle').click();
    await late.getByTestId('tool-pen').click();
    const layer = late.locator('[data-testid="annotation-layer"][data-page="4"]');
    const area = (await layer.boundingBox())!;
    await late.mouse.move(area.x + area.width * 0.3, area.y + 120);
    await late.mouse.down();
    for (let step = 1; step <= 8; step += 1) await late.mouse.move(area.x + area.width * (0.3 + step * 0.04), area.y + 120 + step * 6);
    await late.mouse.up();
    await layer.getByTestId('annotation-ink').first().waitFor();
    expect(await late.getByTestId('follow-banner').count()).toBe(0);
    expect(await shownPage(late)).toBe('4');
    await late.getByTestId('annotation-tools-toggle').click();

    // Upright, the panels are a bottom tab bar whose tab opens a sheet.
    await late.getByTestId('live-tab-speakers').click();
    await late.getByTestId('current-speaker').waitFor();
    await late.screenshot({ path: `${SCREENSHOTS}/live-tablet-portrait.png` });

    // Scrolling by hand is browsing alone too.
    const scroller = second.locator('[role="document"]');
    const box = (await scroller.boundingBox())!;
    await second.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await second.mouse.wheel(0, 3 * box.height);
    await second.getByTestId('follow-banner').waitFor();
    await expect.poll(async () => Number(await shownPage(second))).toBeGreaterThan(4);
    expect(await shownPage(first)).toBe('4');
  });

  it('a check-in on one tablet moves the quorum on the other', async () => {
    const first = contexts[0]!.pages()[0]!;
    const second = contexts[1]!.pages()[0]!;
    const before = Number(await quorumPresent(second));
    await first.getByTestId('live-tab-attendance').click();
    await first.getByTestId('checkin-button').click();
    await first.getByTestId('checkin-status').waitFor();
    await expect.poll(() => quorumPresent(second), { timeout: 10_000 }).toBe(String(before + 1));
    await expect.poll(() => quorumPresent(first)).toBe(String(before + 1));
    expect(await second.getByTestId('quorum').getAttribute('data-required')).toBe('4');
  });

  it('a request to speak reaches the other tablet; the floor and its running timer show on both', async () => {
    const first = contexts[0]!.pages()[0]!;
    const second = contexts[1]!.pages()[0]!;
    for (const page of [first, second]) await page.getByTestId('live-tab-speakers').click();
    await first.getByTestId('speaker-topic').fill('Về nguồn lực thực hiện đề án');
    await first.getByTestId('speaker-request').click();
    const queued = second.getByTestId('speaker-queue');
    await expect.poll(() => queued.textContent().catch(() => ''), { timeout: 10_000 }).toContain('Về nguồn lực thực hiện đề án');

    // Withdrawn, then asked again: the queue follows.
    await first.getByTestId('speaker-withdraw').click();
    await second.getByTestId('speaker-queue').waitFor({ state: 'detached' });
    await first.getByTestId('speaker-request').click();
    await queued.waitFor();

    const snapshot = await act(chair, 'meeting:snapshot', { meetingId: meeting.id });
    const request = snapshot.speakers.find((entry) => entry.status === 'waiting')!;
    await act(chair, 'speaker:give', { meetingId: meeting.id, requestId: request.id });
    await act(chair, 'speaker:timer', { meetingId: meeting.id, requestId: request.id, running: true });
    for (const page of [first, second]) {
      const current = page.getByTestId('current-speaker');
      await expect.poll(() => current.getAttribute('data-user-id'), { timeout: 10_000 }).toBe(request.userId);
      // The timer runs on its own between updates.
      await expect.poll(() => page.getByTestId('speaker-timer').textContent(), { timeout: 5_000 }).not.toBe('00:00');
    }
    expect(await second.getByTestId('speaker-queue').count()).toBe(0);
  });

  it('a poll the chair opens appears in the tablet’s voting panel', async () => {
    const second = contexts[1]!.pages()[0]!;
    await second.getByTestId('live-tab-votes').click();
    const created = await chairClient.post<{ poll: { id: string } }>(`/api/v1/meetings/${meeting.id}/polls`, { kind: 'motion', title: 'Thông qua Đề án chuyển đổi số', secret: false });
    expect(created.status).toBeLessThan(300);
    const opened = await chairClient.post(`/api/v1/meetings/${meeting.id}/polls/${created.body.poll.id}/open`, { quorumOverrideReason: 'Kiểm thử khi chưa đủ số lượng' });
    expect(opened.status).toBeLessThan(300);
    await second.locator(`[data-testid="ballot-poll"][data-poll-id="${created.body.poll.id}"][data-status="open"]`).waitFor({ timeout: 10_000 });
  });
});
