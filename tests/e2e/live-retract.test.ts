/**
 * A page turn reaches the tablets before its commit. When that commit fails,
 * a tablet in Chromium that already showed the page goes back to the page the
 * database has (it is told `live:resync` and takes the fresh snapshot, older
 * than what it showed), and follows the next turn, which commits as the very
 * version that failed. Waits for conditions only.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentDto } from '../../server/contract/documents.ts';
import type { MeetingDto } from '../../server/contract/meetings.ts';
import { openScreen } from '../helpers/browser.ts';
import { type TestDatabase } from '../helpers/database.ts';
import { createMeeting, pagesPdf, secretariat, uploadDocument } from '../helpers/meetings.ts';
import { DEMO_PASSWORD, TestClient, type TestServer } from '../helpers/server.ts';
import { act, connectSocket, connected, refusal, type ClientSocket } from '../helpers/socket.ts';
import { startWebStack, stopWebStack } from '../helpers/web-stack.ts';

describe('a tablet and a page turn whose commit fails', () => {
  let db: TestDatabase;
  let server: TestServer;
  let browser: Browser;
  let meeting: MeetingDto;
  let document: DocumentDto;
  let chair: ClientSocket;
  const contexts: BrowserContext[] = [];

  const shownPage = (page: Page) => page.getByTestId('viewer-current-page').getAttribute('data-page').catch(() => null);

  beforeAll(async () => {
    ({ db, server, browser } = await startWebStack());
    const { secretary, directory } = await secretariat(server.url);
    meeting = await createMeeting(secretary, directory, {
      title: 'Hội nghị Ban Chấp hành tháng 12',
      startsAt: '2026-12-10T01:30:00.000Z',
      membershipTotal: 3,
      members: [['bithu', 'chair'], ['thuky', 'secretary'], ['caophong.bithu', 'delegate']],
    });
    const pdf = await pagesPdf('Báo cáo', Array.from({ length: 10 }, (_, i) => `Trang ${i + 1} của báo cáo.`));
    document = await uploadDocument(secretary, meeting, { title: 'Báo cáo chính trị', kind: 'report' }, { bytes: pdf, filename: 'bao-cao.pdf' });
    expect((await secretary.post(`/api/v1/meetings/${meeting.id}/status`, { to: 'published' })).status).toBe(200);
    const chairClient = new TestClient(server.url);
    await chairClient.login('bithu', DEMO_PASSWORD);
    chair = connectSocket(server.url, { cookie: chairClient.cookieHeader });
    await connected(chair);
    await act(chair, 'meeting:join', { meetingId: meeting.id });
    await act(chair, 'meeting:start', { meetingId: meeting.id });
    await act(chair, 'presentation:show', { meetingId: meeting.id, documentId: document.id, version: document.currentVersion, page: 1 });
    // Commits that would put page 8 on the wall fail at COMMIT, after the turn went out.
    await server.database.sql.unsafe(`
      create function phs_test_refuse_page_8() returns trigger language plpgsql as $$ begin raise exception 'page 8 refused by the test'; end $$;
      create constraint trigger phs_test_refuse_page_8 after update on meeting_live_state deferrable initially deferred
        for each row when (new.presentation_page = 8) execute function phs_test_refuse_page_8();
    `);
  });

  afterAll(async () => {
    chair?.disconnect();
    for (const context of contexts) await context.close().catch(() => {});
    await stopWebStack({ browser, server, db });
  });

  it('goes back to the page the database has, then follows the next turn', async () => {
    const tablet = await openScreen(browser, server.url, 'caophong.bithu', `/meetings/${meeting.id}/live`, { width: 1280, height: 800 });
    contexts.push(tablet.context());
    await tablet.locator('[data-testid="live-status"][data-state="live"]').waitFor({ timeout: 15_000 });
    await act(chair, 'presentation:page', { meetingId: meeting.id, page: 3 });
    await expect.poll(() => shownPage(tablet), { timeout: 10_000 }).toBe('3');

    expect(await refusal(chair, 'presentation:page', { meetingId: meeting.id, page: 8 })).toBe('internal');
    await expect.poll(() => shownPage(tablet), { timeout: 10_000 }).toBe('3');
    await tablet.locator('[data-testid="live-status"][data-state="live"]').waitFor({ timeout: 10_000 });

    // The next turn takes the version that failed: the tablet must not dismiss it as already seen.
    await act(chair, 'presentation:page', { meetingId: meeting.id, page: 6 });
    await expect.poll(() => shownPage(tablet), { timeout: 10_000 }).toBe('6');
  });
});
