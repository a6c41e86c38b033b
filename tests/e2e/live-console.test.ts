/**
 * The secretary runs a meeting from the console in Chromium: starts it,
 * marks a delegate absent with a reason (found by a name typed without
 * diacritics), checks another in, opens an agenda item, presents page 3 of
 * its document, reorders two requests to speak (button and drag), gives
 * the floor to a delegate, and closes the meeting. Each step is checked twice: on the console, and in what a
 * delegate's own socket receives. The chair's console agrees; a delegate
 * may not open one. Waits for conditions, never for time.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentDto } from '../../server/contract/documents.ts';
import type { LiveUpdate, LiveUpdateMessage } from '../../server/contract/live.ts';
import type { AgendaItemDto, MeetingDto } from '../../server/contract/meetings.ts';
import { logIn as logInAs } from '../helpers/browser.ts';
import { type TestDatabase } from '../helpers/database.ts';
import { addAgendaItem, changeStatus, createMeeting, pagesPdf, secretariat, uploadDocument, type Directory } from '../helpers/meetings.ts';
import { online } from '../helpers/people.ts';
import { type TestServer } from '../helpers/server.ts';
import { call, type ClientSocket } from '../helpers/socket.ts';
import { SCREENSHOTS, startWebStack, stopWebStack } from '../helpers/web-stack.ts';

type Sections = { [U in LiveUpdate as U['section']]: U['value'] };

describe('the secretary runs a meeting from the console', () => {
  let db: TestDatabase;
  let server: TestServer;
  let browser: Browser;
  let meeting: MeetingDto;
  let items: AgendaItemDto[];
  let document: DocumentDto;
  let directory: Directory;
  let delegate: ClientSocket;
  /** a second delegate's tablet, only to ask to speak */
  let other: ClientSocket;
  const received: LiveUpdateMessage[] = [];

  /** The latest value of one section as the delegate's socket received it. */
  function lastSection<S extends keyof Sections>(section: S): Sections[S] | undefined {
    const found = received.filter((message) => message.update.section === section).at(-1);
    return found?.update.value as Sections[S] | undefined;
  }

  beforeAll(async () => {
    ({ db, server, browser } = await startWebStack());

    const staff = await secretariat(server.url);
    const secretary = staff.secretary;
    directory = staff.directory;
    meeting = await createMeeting(secretary, directory, {
      title: 'Hội nghị Ban Thường vụ Tỉnh ủy tháng 12',
      startsAt: '2026-12-10T01:30:00.000Z',
      membershipTotal: 5,
      members: [['bithu', 'chair'], ['thuky', 'secretary'], ['caophong.bithu', 'delegate'], ['maichau.bithu', 'delegate'], ['chutich', 'delegate']],
    });
    items = [await addAgendaItem(secretary, meeting, { title: 'Khai mạc', plannedMinutes: 5 }), await addAgendaItem(secretary, meeting, { title: 'Tờ trình Đề án chuyển đổi số', plannedMinutes: 30 })];
    const pdf = await pagesPdf('Đề án', Array.from({ length: 5 }, (_, i) => `Trang nội dung số ${i + 1}.`));
    document = await uploadDocument(secretary, meeting, { title: 'Đề án chuyển đổi số', kind: 'draft', agendaItemId: items[1]!.id }, { bytes: pdf, filename: 'de-an.pdf' });
    await changeStatus(secretary, meeting, 'published');

    // A delegate's tablet, as a bare socket: what it receives is what every tablet would show.
    delegate = (await online(server.url, 'caophong.bithu')).socket;
    delegate.on('live:update', (message) => received.push(message));
    const joined = await call(delegate, 'meeting:join', { meetingId: meeting.id });
    expect(joined.ok).toBe(true);
    other = (await online(server.url, 'maichau.bithu')).socket;
  });
  afterAll(async () => {
    delegate?.disconnect();
    other?.disconnect();
    await stopWebStack({ browser, server, db });
  });

  const logIn = (page: Page, username: string) => logInAs(page, server.url, username);

  it('start, attendance, agenda, presentation, speakers, close', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'vi-VN' });
    const page = await context.newPage();
    await logIn(page, 'thuky');

    // From the meeting page, the prominent link leads to the console.
    await page.goto(`${server.url}/meetings/${meeting.id}`);
    await page.getByTestId('open-console').click();
    const consoleRoot = page.getByTestId('console');
    await consoleRoot.waitFor();
    await page.getByTestId('console-connection').and(page.locator('[data-state="live"]')).waitFor();
    const quorum = page.getByTestId('quorum-summary');
    await expect.poll(() => quorum.getAttribute('data-required')).toBe('4');
    expect(await quorum.getAttribute('data-present')).toBe('0');

    // Start.
    await page.getByTestId('console-start').click();
    await expect.poll(() => consoleRoot.getAttribute('data-status')).toBe('in_session');
    await expect.poll(() => lastSection('status')).toBe('in_session');

    // Absent with a reason, the member found by a name typed without diacritics.
    const chutich = directory.user('chutich').id;
    await page.getByTestId('attendance-filter').fill('bui duc thang');
    await expect.poll(() => page.getByTestId('attendance-row').count()).toBe(1);
    const row = page.locator(`[data-testid="attendance-row"][data-user-id="${chutich}"]`);
    await row.getByTestId('mark-absent').click();
    const dialog = page.getByRole('dialog', { name: 'Vắng mặt: Bùi Đức Thắng' });
    await dialog.getByTestId('absent-reason').fill('Đi công tác Trung ương');
    await dialog.getByTestId('mark-confirm').click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => row.getAttribute('data-status')).toBe('absent');
    expect(await row.textContent()).toContain('Vắng (Đi công tác Trung ương)');
    await expect.poll(() => lastSection('attendance')?.entries.find((entry) => entry.userId === chutich)).toMatchObject({ status: 'absent', reason: 'Đi công tác Trung ương' });

    // Present: the count moves on the console and on the tablet.
    await page.getByTestId('attendance-filter').fill('');
    const hong = page.locator(`[data-testid="attendance-row"][data-user-id="${directory.user('caophong.bithu').id}"]`);
    await hong.getByTestId('mark-present').click();
    await expect.poll(() => hong.getAttribute('data-status')).toBe('present');
    await expect.poll(() => quorum.getAttribute('data-present')).toBe('1');
    expect(await quorum.getAttribute('data-met')).toBe('false');
    await expect.poll(() => lastSection('attendance')?.present).toBe(1);

    // Represented by a proxy: the count says how many of it are proxies, since they count toward the quorum here.
    const maichau = page.locator(`[data-testid="attendance-row"][data-user-id="${directory.user('maichau.bithu').id}"]`);
    await maichau.getByTestId('mark-proxy').click();
    const proxyDialog = page.getByRole('dialog');
    await proxyDialog.getByTestId('proxy-select').selectOption(directory.user('caophong.bithu').id);
    await proxyDialog.getByTestId('mark-confirm').click();
    await proxyDialog.waitFor({ state: 'hidden' });
    await expect.poll(() => maichau.getAttribute('data-status')).toBe('proxy');
    await expect.poll(() => quorum.getAttribute('data-represented')).toBe('1');
    expect(await quorum.getAttribute('data-present')).toBe('2');
    expect(await page.getByTestId('quorum-represented').textContent()).toBe('(tính cả 1 ủy quyền)');

    // Open the second item.
    const second = page.locator(`[data-testid="agenda-item"][data-item-id="${items[1]!.id}"]`);
    await second.getByTestId('agenda-open').click();
    await expect.poll(() => second.getAttribute('data-current')).toBe('true');
    await expect.poll(() => lastSection('agenda')?.currentItemId).toBe(items[1]!.id);

    // Present the item's document (chosen first, as it belongs to the current item), then page 3.
    await expect.poll(() => page.getByTestId('present-document').inputValue()).toBe(document.id);
    await page.getByTestId('present-show').click();
    const presented = page.getByTestId('presented-page');
    await expect.poll(() => presented.getAttribute('data-page')).toBe('1');
    await page.getByTestId('present-page-input').fill('3');
    await page.getByTestId('present-go').click();
    await expect.poll(() => presented.getAttribute('data-page')).toBe('3');
    await expect.poll(() => lastSection('presentation')).toMatchObject({ documentId: document.id, version: 1, page: 3 });
    // The preview drew that page, and the console agrees with the server.
    await presented.locator('[data-drawn-page="3"]').waitFor({ timeout: 15_000 });
    await expect.poll(() => presented.getAttribute('data-confirmed')).toBe('true');
    await page.getByTestId('present-next').click();
    await expect.poll(() => lastSection('presentation')?.page).toBe(4);

    // The draft's comments are one click away; voting and the hall display have their places.
    await page.locator(`[data-testid="draft-row"][data-document-id="${document.id}"]`).getByTestId('draft-comments').waitFor();
    await page.getByTestId('console-votes').getByTestId('poll-create').waitFor();
    await page.getByTestId('display-pair-button').click();
    const pairing = page.getByRole('dialog', { name: 'Ghép nối màn hình chiếu' });
    await pairing.waitFor();
    await pairing.getByRole('button', { name: 'Hủy', exact: true }).click();
    await pairing.waitFor({ state: 'hidden' });

    // Two delegates ask to speak; the secretary reorders (button, then drag back), gives the floor; the timer runs.
    expect((await call(delegate, 'speaker:request', { meetingId: meeting.id, topic: 'Kinh phí thực hiện' })).ok).toBe(true);
    const asked = await call(other, 'speaker:request', { meetingId: meeting.id });
    expect(asked.ok).toBe(true);
    const waiting = page.locator('[data-testid="speaker-row"][data-status="waiting"]');
    await expect.poll(() => waiting.count()).toBe(2);
    const order = () => lastSection('speakers')?.map((entry) => entry.fullName);
    await waiting.first().getByTestId('speaker-down').click();
    await expect.poll(order).toEqual(['Xa Văn Tùng', 'Đinh Thị Hồng']);
    await expect.poll(() => waiting.first().textContent()).toContain('Xa Văn Tùng');
    await waiting.nth(1).dragTo(waiting.first());
    await expect.poll(order).toEqual(['Đinh Thị Hồng', 'Xa Văn Tùng']);
    await expect.poll(() => waiting.first().textContent()).toContain('Đinh Thị Hồng');
    await waiting.first().getByTestId('speaker-give').click();
    await page.locator('[data-testid="speaker-row"][data-status="speaking"]').waitFor();
    await expect.poll(() => lastSection('speakers')?.[0]).toMatchObject({ fullName: 'Đinh Thị Hồng', status: 'speaking' });
    const timer = page.getByTestId('speaker-timer');
    const firstReading = await timer.textContent();
    await expect.poll(() => timer.textContent(), { timeout: 5_000 }).not.toBe(firstReading);
    await page.screenshot({ path: `${SCREENSHOTS}/live-console.png`, fullPage: true });
    await page.getByTestId('speaker-finish').click();
    await expect.poll(order).toEqual(['Xa Văn Tùng']);

    // The chair's console shows the same meeting; a delegate may not run it.
    const chairContext = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN' });
    const chair = await chairContext.newPage();
    await logIn(chair, 'bithu');
    await chair.goto(`${server.url}/meetings/${meeting.id}/console`);
    await chair.locator(`[data-testid="attendance-row"][data-user-id="${chutich}"][data-status="absent"]`).waitFor();
    await expect.poll(() => chair.getByTestId('presented-page').getAttribute('data-page')).toBe('4');
    await chairContext.close();
    const delegateContext = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN' });
    const tablet = await delegateContext.newPage();
    await logIn(tablet, 'caophong.bithu');
    await tablet.goto(`${server.url}/meetings/${meeting.id}/console`);
    await tablet.getByText('Chỉ chủ trì và bộ phận thư ký được điều hành phiên họp này.').waitFor();
    expect(await tablet.getByTestId('console').count()).toBe(0);
    await delegateContext.close();

    // Close, after confirming.
    await page.getByTestId('console-close').click();
    await page.getByTestId('console-close-confirm').click();
    await expect.poll(() => consoleRoot.getAttribute('data-status')).toBe('closed');
    await expect.poll(() => lastSection('status')).toBe('closed');
    await context.close();
  });
});
