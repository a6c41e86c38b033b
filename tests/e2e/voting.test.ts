/**
 * Issue 6's acceptance in Chromium: the chair opens a secret motion on the
 * console, three delegates vote on their tablets, the turnout moves on the
 * hall display, the chair closes and publishes, and the display shows the
 * chart with "Thông qua". Then an election of five candidates where each
 * ballot approves at most three: the tablet refuses a fourth, and the
 * published figures per candidate are the ones cast. Waits for conditions.
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeetingDto } from '../../server/contract/meetings.ts';
import type { PollDto } from '../../server/contract/votes.ts';
import { openScreen } from '../helpers/browser.ts';
import { type TestDatabase } from '../helpers/database.ts';
import { createMeeting, secretariat } from '../helpers/meetings.ts';
import { type TestClient, type TestServer } from '../helpers/server.ts';
import { act, connectSocket, connected, type ClientSocket } from '../helpers/socket.ts';
import { SCREENSHOTS, startWebStack, stopWebStack } from '../helpers/web-stack.ts';

const DELEGATES = ['caophong.bithu', 'maichau.bithu', 'chutich'] as const;
const CANDIDATES = ['Nguyễn Văn An', 'Trần Thị Bình', 'Lê Văn Cường', 'Phạm Thị Dung', 'Hoàng Văn Em'];

describe('voting on tablets, run from the console, shown on the wall', () => {
  let db: TestDatabase;
  let server: TestServer;
  let browser: Browser;
  let meeting: MeetingDto;
  let secretarySocket: ClientSocket;
  let secretary: TestClient;
  const contexts: BrowserContext[] = [];
  const tablets: Page[] = [];
  let chair: Page;
  let wall: Page;

  async function open(username: string | null, path: string, viewport = { width: 1280, height: 800 }): Promise<Page> {
    const page = await openScreen(browser, server.url, username, path, viewport);
    contexts.push(page.context());
    return page;
  }
  const attr = (locator: Locator, name: string) => locator.getAttribute(name, { timeout: 1_000 }).catch(() => null);
  const polls = async () => (await secretary.get<{ polls: PollDto[] }>(`/api/v1/meetings/${meeting.id}/polls`)).body.polls;

  beforeAll(async () => {
    ({ db, server, browser } = await startWebStack());

    const staff = await secretariat(server.url);
    secretary = staff.secretary;
    const directory = staff.directory;
    meeting = await createMeeting(secretary, directory, {
      title: 'Hội nghị Ban Thường vụ Tỉnh ủy: kiện toàn nhân sự',
      startsAt: '2026-12-20T01:30:00.000Z',
      membershipTotal: 5,
      members: [['bithu', 'chair'], ['thuky', 'secretary'], ...DELEGATES.map((d) => [d, 'delegate'] as const)],
    });
    expect((await secretary.post(`/api/v1/meetings/${meeting.id}/status`, { to: 'published' })).status).toBe(200);
    expect((await secretary.post(`/api/v1/meetings/${meeting.id}/status`, { to: 'in_session' })).status).toBe(200);
    // The chair is present in the hall (marked by the secretary); the delegates check in on their tablets below.
    secretarySocket = connectSocket(server.url, { cookie: secretary.cookieHeader });
    await connected(secretarySocket);
    await act(secretarySocket, 'attendance:mark', { meetingId: meeting.id, userId: directory.user('bithu').id, status: 'present' });

    // The wall, paired by the code it shows.
    wall = await open(null, '/display', { width: 1920, height: 1080 });
    const code = (await wall.getByTestId('display-pairing-code').textContent({ timeout: 20_000 }))!.trim();
    expect((await secretary.post(`/api/v1/meetings/${meeting.id}/displays`, { code, name: 'Màn hình hội trường' })).status).toBeLessThan(300);
    await wall.getByTestId('display-meeting-title').waitFor({ timeout: 15_000 });

    for (const username of DELEGATES) {
      const tablet = await open(username, `/meetings/${meeting.id}/live`);
      await tablet.locator('[data-testid="live-status"][data-state="live"]').waitFor({ timeout: 20_000 });
      await tablet.getByTestId('live-tab-attendance').click();
      await tablet.getByTestId('checkin-button').click();
      await tablet.getByTestId('checkin-status').waitFor();
      await tablet.getByTestId('live-tab-votes').click();
      tablets.push(tablet);
    }
    await wall.locator('[data-testid="display-quorum"][data-met="true"]').waitFor({ timeout: 15_000 });
    chair = await open('bithu', `/meetings/${meeting.id}/console`, { width: 1440, height: 900 });
  });

  afterAll(async () => {
    secretarySocket?.disconnect();
    for (const context of contexts) await context.close().catch(() => {});
    await stopWebStack({ browser, server, db });
  });

  /** The chair closes the poll (confirming) and publishes its result. */
  async function closeAndPublish(pollId: string): Promise<void> {
    const item = chair.locator(`[data-testid="poll-item"][data-poll-id="${pollId}"]`);
    await item.getByTestId('poll-close').click();
    await chair.getByRole('dialog').getByRole('button', { name: 'Kết thúc' }).click();
    await item.getByTestId('poll-publish').click();
    await item.getByTestId('result-chart').waitFor({ timeout: 10_000 });
  }

  it('a secret motion: three tablets vote, the wall counts them, the published chart says it passed', async () => {
    await chair.getByTestId('poll-create').click();
    await chair.getByTestId('poll-kind').selectOption('motion');
    await chair.getByTestId('poll-title').fill('Thông qua Nghị quyết về chuyển đổi số tỉnh Hòa Bình');
    await chair.getByTestId('poll-secret').check();
    await chair.getByTestId('poll-save').click();
    await expect.poll(async () => (await polls()).length, { timeout: 10_000 }).toBe(1);
    const poll = (await polls())[0]!;
    const item = chair.locator(`[data-testid="poll-item"][data-poll-id="${poll.id}"]`);
    await item.getByTestId('poll-open').click(); // quorum is met: no override asked
    const turnout = wall.getByTestId('display-poll-turnout');
    await expect.poll(() => attr(turnout, 'data-eligible'), { timeout: 10_000 }).toBe('4');
    expect(await attr(turnout, 'data-cast')).toBe('0');

    const choices = ['yes', 'yes', 'yes'] as const;
    const receipts: string[] = [];
    for (const [index, tablet] of tablets.entries()) {
      const card = tablet.locator(`[data-testid="ballot-poll"][data-poll-id="${poll.id}"][data-status="open"]`);
      await card.waitFor({ timeout: 10_000 });
      await card.getByTestId(`ballot-option-${choices[index]}`).click();
      await card.getByTestId('ballot-confirm').click();
      await card.getByTestId('ballot-cast-done').waitFor({ timeout: 10_000 });
      const receipt = (await card.getByTestId('ballot-receipt').textContent())?.trim() ?? '';
      expect(receipt).not.toBe('');
      receipts.push(receipt);
      // The wall's turnout moves with each ballot, and shows counts only.
      await expect.poll(() => attr(turnout, 'data-cast'), { timeout: 10_000 }).toBe(String(index + 1));
    }
    expect(await wall.locator('body').textContent()).not.toContain('Đinh Thị Hồng đã');

    await closeAndPublish(poll.id);
    const chart = wall.getByTestId('result-chart');
    await expect.poll(() => attr(chart, 'data-passed'), { timeout: 15_000 }).toBe('true');
    expect(await attr(chart.locator('[data-testid="result-option"][data-key="yes"]'), 'data-votes')).toBe('3');
    expect(await wall.getByTestId('display-poll-result').textContent()).toContain('Thông qua');
    await wall.screenshot({ path: `${SCREENSHOTS}/voting-wall-motion.png` });
    // Each tablet sees the published result too.
    for (const tablet of tablets) await tablet.locator(`[data-testid="ballot-poll"][data-poll-id="${poll.id}"] [data-testid="result-chart"][data-passed="true"]`).waitFor({ timeout: 10_000 });
    // A hall tablet keeps no receipt under the voter's id; after a reload the server still shows it, and it is among the counted ones.
    const first = tablets[0]!;
    expect(await first.evaluate(() => Object.keys(localStorage).filter((name) => name.startsWith('phs.ballot')))).toEqual([]);
    await first.reload();
    await first.locator('[data-testid="live-status"][data-state="live"]').waitFor({ timeout: 20_000 });
    await first.getByTestId('live-tab-votes').click();
    const published = first.locator(`[data-testid="ballot-poll"][data-poll-id="${poll.id}"]`);
    await published.getByText('Kiểm tra phiếu của tôi').click();
    await published.getByRole('button', { name: 'Kiểm tra', exact: true }).click();
    await expect.poll(async () => (await published.getByRole('status').allTextContents()).join(' '), { timeout: 10_000 }).toContain(receipts[0]!);
  });

  it('an election of five candidates, approve at most three: a fourth is refused and the tally is what was cast', async () => {
    await chair.getByTestId('poll-create').click();
    await chair.getByTestId('poll-kind').selectOption('election');
    await chair.getByTestId('poll-title').fill('Bầu bổ sung Ủy viên Ban Thường vụ Tỉnh ủy');
    await chair.getByTestId('poll-secret').check();
    await chair.getByTestId('poll-candidates').fill(CANDIDATES.join('\n'));
    await chair.getByTestId('poll-seats').fill('3');
    await chair.getByTestId('poll-max-choices').fill('3');
    await chair.getByTestId('poll-save').click();
    await expect.poll(async () => (await polls()).length, { timeout: 10_000 }).toBe(2);
    const poll = (await polls()).find((p) => p.kind === 'election')!;
    expect(poll.candidates.map((c) => c.name)).toEqual(CANDIDATES);
    await chair.locator(`[data-testid="poll-item"][data-poll-id="${poll.id}"]`).getByTestId('poll-open').click();

    // Who approves whom (indexes into CANDIDATES).
    const ballots = [[0, 1, 2], [0, 1], [0, 3]];
    for (const [index, tablet] of tablets.entries()) {
      const card = tablet.locator(`[data-testid="ballot-poll"][data-poll-id="${poll.id}"][data-status="open"]`);
      await card.waitFor({ timeout: 10_000 });
      const candidates = card.getByTestId('ballot-candidate');
      for (const pick of ballots[index]!) await candidates.nth(pick).click();
      if (index === 0) {
        // A fourth approval is refused on the tablet: still three, the fourth not pressed.
        await candidates.nth(4).click();
        await expect.poll(() => candidates.nth(4).getAttribute('aria-pressed')).toBe('false');
        expect(await card.getByTestId('ballot-count').textContent()).toContain('3/3');
      }
      await card.getByRole('button', { name: 'Xem lại và gửi phiếu' }).click();
      await card.getByTestId('ballot-confirm').click();
      await card.getByTestId('ballot-cast-done').waitFor({ timeout: 10_000 });
      await expect.poll(() => attr(wall.getByTestId('display-poll-turnout'), 'data-cast'), { timeout: 10_000 }).toBe(String(index + 1));
    }

    await closeAndPublish(poll.id);
    const chart = wall.getByTestId('result-chart');
    const votesFor = (name: string) => attr(chart.locator(`[data-testid="result-option"][data-key="${poll.candidates.find((c) => c.name === name)!.id}"]`), 'data-votes');
    await expect.poll(() => votesFor('Nguyễn Văn An'), { timeout: 15_000 }).toBe('3');
    expect(await votesFor('Trần Thị Bình')).toBe('2');
    expect(await votesFor('Lê Văn Cường')).toBe('1');
    expect(await votesFor('Phạm Thị Dung')).toBe('1');
    expect(await votesFor('Hoàng Văn Em')).toBe('0');
    // Elected: more than half of all five members, so three votes; only Nguyễn Văn An.
    const published = (await polls()).find((p) => p.id === poll.id)!;
    expect(published.result?.options.filter((o) => o.passed).map((o) => o.label)).toEqual(['Nguyễn Văn An']);
    expect(await wall.locator('body').textContent()).toContain('Nguyễn Văn An');
    // Three seats, one candidate over the threshold: the wall says two seats are left unfilled.
    expect(published.result?.election).toEqual({ seats: 3, elected: 1, tie: null, unfilled: 2 });
    const seats = wall.getByTestId('result-seats');
    expect(await seats.textContent()).toContain('Bầu 3 người: 1 người trúng cử');
    expect(await seats.textContent()).toContain('Chưa đủ số người trúng cử: còn thiếu 2 người.');
    // The five candidates, the seat lines and the card around them all stay on the 1080-line screen.
    const card = await wall.getByTestId('display-poll-result').boundingBox();
    expect(card!.y + card!.height).toBeLessThanOrEqual(1080);
    await wall.screenshot({ path: `${SCREENSHOTS}/voting-wall-election.png` });
  });
});
