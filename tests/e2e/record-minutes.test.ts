/**
 * Issue 12: the secretary types a note in the console of a running meeting,
 * reloads and it is still there; after close, "Lập biên bản" shows the draft
 * with attendance, the item and the note; she edits a paragraph and saves a
 * version; the chair approves it.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgendaItemDto, MeetingDto } from '../../server/contract/meetings.ts';
import { launchBrowser, openScreen } from '../helpers/browser.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { addAgendaItem, changeStatus, createMeeting, loggedIn, secretariat, type Directory } from '../helpers/meetings.ts';
import { startTestServer, type TestClient, type TestServer } from '../helpers/server.ts';

describe('minutes from the meeting record, in the browser', () => {
  let db: TestDatabase;
  let server: TestServer;
  let browser: Browser;
  const pages: Page[] = [];
  let secretary: TestClient;
  let directory: Directory;
  let meeting: MeetingDto;
  let item: AgendaItemDto;

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db, {}, { web: true });
    browser = await launchBrowser();
    ({ secretary, directory } = await secretariat(server.url));
    meeting = await createMeeting(secretary, directory, { title: 'Hội nghị lập biên bản', membershipTotal: 3, members: [['bithu', 'chair'], ['caophong.bithu', 'delegate']] });
    item = await addAgendaItem(secretary, meeting, { title: 'Báo cáo tình hình kinh tế', plannedMinutes: 20 });
    await changeStatus(secretary, meeting, 'published');
    await changeStatus(await loggedIn(server.url, 'bithu'), meeting, 'in_session');
  });
  afterAll(async () => {
    for (const page of pages) await page.context().close();
    await browser?.close();
    await server?.close();
    await db?.drop();
  });

  it('note survives a reload; the draft holds it; edited, saved and approved', async () => {
    const thuky = await openScreen(browser, server.url, 'thuky', `/meetings/${meeting.id}/console`);
    pages.push(thuky);
    const note = thuky.locator(`[data-testid="record-note"][data-item-id="${item.id}"] textarea`);
    await note.fill('Các ý kiến thống nhất với báo cáo');
    await thuky.locator('[data-testid="record-note-state"][data-state="saved"]').waitFor();
    await thuky.reload();
    await expect.poll(() => note.inputValue()).toBe('Các ý kiến thống nhất với báo cáo');

    await changeStatus(secretary, meeting, 'closed');
    await thuky.getByTestId('record-open').click();
    await thuky.getByTestId('record-build').click();
    const blocks = thuky.getByTestId('record-blocks');
    await blocks.getByText('Ghi chép của thư ký: Các ý kiến thống nhất với báo cáo').waitFor();
    await blocks.getByText(/Tổng số thành viên: 3\./).waitFor();
    await blocks.getByText('1. Báo cáo tình hình kinh tế').waitFor();

    await thuky.getByTestId('record-paragraph').first().fill('Ý kiến thảo luận: nhất trí cao.');
    await thuky.getByTestId('record-save').click();
    await thuky.getByTestId('record-status').getByText(/Phiên bản 2/).waitFor();

    const chair = await openScreen(browser, server.url, 'bithu', `/meetings/${meeting.id}/record`);
    pages.push(chair);
    await chair.getByTestId('record-approve').click();
    await chair.locator('[data-testid="record-status"][data-approved="true"]').waitFor();
    expect(await chair.getByTestId('record-paragraph').count()).toBe(0);
    await chair.getByText('Ý kiến thảo luận: nhất trí cao.').waitFor();
  });
});
