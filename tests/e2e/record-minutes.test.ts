/**
 * Issue 12: the secretary types a note in the console of a running meeting,
 * reloads and it is still there; after close, "Lập biên bản" shows the draft
 * with attendance, the item and the note; she edits a paragraph and saves a
 * version; the chair approves it. The chair concludes the item with a task
 * for a unit (an incomplete task is refused first) and finds the attendance
 * report beside the poll results; a delegate sees neither.
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
    const chair = await loggedIn(server.url, 'bithu');
    await changeStatus(chair, meeting, 'in_session');
    // a poll closed and published: its result sheet is offered on the record page beside the attendance report
    const polls = `/api/v1/meetings/${meeting.id}/polls`;
    const poll = (await chair.post<{ poll: { id: string } }>(polls, { kind: 'motion', title: 'Thông qua báo cáo kinh tế', secret: false, agendaItemId: item.id })).body.poll;
    expect((await chair.post(`${polls}/${poll.id}/open`, { quorumOverrideReason: 'Kiểm thử biên bản' })).status).toBe(200);
    expect((await chair.post(`${polls}/${poll.id}/close`)).status).toBe(200);
    expect((await chair.post(`${polls}/${poll.id}/publish`)).status).toBe(200);
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

  it('the chair concludes the item with a task; the figures are offered to the chair, not to a delegate', async () => {
    const chair = await openScreen(browser, server.url, 'bithu', `/meetings/${meeting.id}/record`);
    pages.push(chair);
    await chair.getByTestId('record-tab-conclusions').click();
    const form = chair.locator(`[data-testid="record-conclusion"][data-item-id="${item.id}"]`);
    await form.getByLabel('Kết luận của chủ trì').fill('Thống nhất thông qua báo cáo.');
    // a task without its unit, description and date never leaves the browser
    await form.getByRole('button', { name: 'Thêm nhiệm vụ' }).click();
    await form.getByTestId('record-conclusion-save').click();
    await form.getByText('Mỗi nhiệm vụ cần có đơn vị, nội dung và hạn hoàn thành.').waitFor();
    await form.getByLabel('Đơn vị thực hiện').selectOption({ label: 'Văn phòng Tỉnh ủy' });
    await form.getByLabel('Nội dung nhiệm vụ').fill('Hoàn thiện báo cáo');
    await form.getByLabel('Hạn hoàn thành').fill('2026-12-31');
    await form.getByTestId('record-conclusion-save').click();
    await chair.getByText('Đã lưu kết luận nội dung 1').waitFor();

    const record = await (await loggedIn(server.url, 'bithu')).get<{ items: { itemId: string; conclusion: string; tasks: { description: string; dueDate: string; unitName: string }[] }[] }>(`/api/v1/meetings/${meeting.id}/record`);
    expect(record.body.items.find((i) => i.itemId === item.id)).toMatchObject({
      conclusion: 'Thống nhất thông qua báo cáo.',
      tasks: [{ description: 'Hoàn thiện báo cáo', dueDate: '2026-12-31', unitName: 'Văn phòng Tỉnh ủy' }],
    });
    // after a reload the form shows what was kept
    await chair.reload();
    await chair.getByTestId('record-tab-conclusions').click();
    await expect.poll(() => form.getByLabel('Nội dung nhiệm vụ').inputValue()).toBe('Hoàn thiện báo cáo');
    await chair.getByTestId('record-tab-tasks').click();
    await chair.getByTestId('record-task').filter({ hasText: 'Hoàn thiện báo cáo' }).waitFor();

    // the attendance report beside the poll results
    const pdf = await chair.getByTestId('attendance-pdf').getAttribute('href');
    expect(pdf).toBe(`/api/v1/meetings/${meeting.id}/record/attendance.pdf`);
    const answer = await chair.request.get(`${server.url}${pdf}`);
    expect(answer.status()).toBe(200);
    expect(answer.headers()['content-type']).toBe('application/pdf');
    expect(await chair.getByTestId('attendance-csv').getAttribute('href')).toBe(`/api/v1/meetings/${meeting.id}/record/attendance.csv`);
    const pollRow = chair.getByTestId('record-figure-poll').filter({ hasText: 'Kết quả: Thông qua báo cáo kinh tế' });
    expect(await pollRow.getByRole('link', { name: 'Tải PDF' }).getAttribute('href')).toMatch(/\/polls\/[0-9a-f-]+\/result\.pdf$/);

    const delegate = await openScreen(browser, server.url, 'caophong.bithu', `/meetings/${meeting.id}/record`);
    pages.push(delegate);
    await delegate.getByTestId('record-tab-minutes').waitFor();
    expect(await delegate.getByTestId('record-tab-conclusions').count()).toBe(0);
    expect(await delegate.getByTestId('record-figures').count()).toBe(0);
  });
});
