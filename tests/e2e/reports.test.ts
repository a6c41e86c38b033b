/**
 * The reports screen: the secretary reaches it from the side navigation,
 * sees the figures of a meeting she held (meetings, documents, pages not
 * printed, attendance by unit), narrows the period and sees them go.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openScreen } from '../helpers/browser.ts';
import type { TestDatabase } from '../helpers/database.ts';
import { changeStatus, createMeeting, pagesPdf, secretariat, uploadDocument } from '../helpers/meetings.ts';
import { online, type Person } from '../helpers/people.ts';
import type { TestServer } from '../helpers/server.ts';
import { act } from '../helpers/socket.ts';
import { SCREENSHOTS, startWebStack, stopWebStack } from '../helpers/web-stack.ts';

describe('reports screen', () => {
  let db: TestDatabase;
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const people: Person[] = [];

  beforeAll(async () => {
    ({ db, server, browser } = await startWebStack());
    const { secretary, directory } = await secretariat(server.url);
    const meeting = await createMeeting(secretary, directory, {
      title: 'Hội nghị Ban Thường vụ Tỉnh ủy tháng 11',
      startsAt: '2026-11-12T01:30:00.000Z',
      membershipTotal: 3,
      members: [
        ['bithu', 'chair'],
        ['caophong.bithu', 'delegate'],
        ['maichau.bithu', 'delegate'],
      ],
    });
    await uploadDocument(secretary, meeting, { title: 'Báo cáo', kind: 'report' }, { bytes: await pagesPdf('Báo cáo', ['Một', 'Hai']), filename: 'bao-cao.pdf' });
    await changeStatus(secretary, meeting, 'published');
    const chair = await online(server.url, 'bithu');
    people.push(chair);
    await changeStatus(chair.client, meeting, 'in_session');
    await act(chair.socket, 'attendance:checkIn', { meetingId: meeting.id });
    await changeStatus(chair.client, meeting, 'closed');
    page = await openScreen(browser, server.url, 'thuky', '/', { width: 1280, height: 900 });
  });
  afterAll(async () => {
    for (const person of people) person.socket.disconnect();
    await stopWebStack({ browser, server, db });
  });

  it('shows the period’s figures and follows the period chosen', async () => {
    await page.getByRole('link', { name: 'Báo cáo số liệu' }).click();
    await page.getByRole('heading', { name: 'Báo cáo số liệu họp không giấy' }).waitFor();
    await page.getByTestId('report-from').fill('2026-11-01');
    await page.getByTestId('report-to').fill('2026-11-30');
    const held = page.getByTestId('report-held');
    await expect.poll(() => held.getAttribute('data-value')).toBe('1');
    expect(await page.getByTestId('report-documents').getAttribute('data-value')).toBe('1');
    // Two pages for each of the three members (and the secretariat adds no reader of its own here).
    expect(await page.getByTestId('report-pages').getAttribute('data-value')).toBe('6');
    expect(await page.locator('[data-testid="report-month"][data-month="2026-11"]').getAttribute('data-held')).toBe('1');
    const rows = page.getByTestId('report-attendance-row');
    await expect.poll(() => rows.count()).toBeGreaterThan(0);
    expect(await page.locator('body').textContent()).toContain('Tỷ lệ có mặt');
    await page.screenshot({ path: `${SCREENSHOTS}/reports.png`, fullPage: true });

    // A period before the meeting: nothing held, and the screen says so.
    await page.getByTestId('report-to').fill('2026-11-11');
    await expect.poll(() => held.getAttribute('data-value')).toBe('0');
    await page.getByText('Không có cuộc họp nào trong khoảng thời gian này').waitFor();
  });
});
