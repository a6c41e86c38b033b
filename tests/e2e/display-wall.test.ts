/**
 * The hall display at 1920×1080: a confidential document presented on the
 * wall carries its level and a watermark naming the screen for as long as it
 * is shown; the attendance verdict "Chưa đủ túc số" stays on one line beside
 * the presented page.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentDto } from '../../server/contract/documents.ts';
import type { MeetingDto } from '../../server/contract/meetings.ts';
import { SCREENSHOTS, startWebStack, stopWebStack } from '../helpers/web-stack.ts';
import { type TestDatabase } from '../helpers/database.ts';
import { addAgendaItem, createMeeting, pagesPdf, secretariat, uploadDocument } from '../helpers/meetings.ts';
import { online } from '../helpers/people.ts';
import { type TestClient, type TestServer } from '../helpers/server.ts';
import { act, type ClientSocket } from '../helpers/socket.ts';
import type { EndpointDto } from '../../server/contract/conference.ts';

describe('the wall marks confidential pages and keeps the quorum verdict on one line', () => {
  let db: TestDatabase;
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let wall: Page;
  let meeting: MeetingDto;
  let plain: DocumentDto;
  let secret: DocumentDto;
  let chair: ClientSocket;
  let chairClient: TestClient;
  let itemId: string;

  beforeAll(async () => {
    ({ db, server, browser } = await startWebStack());

    const { secretary, directory } = await secretariat(server.url);
    meeting = await createMeeting(secretary, directory, {
      title: 'Hội nghị Ban Thường vụ Tỉnh ủy',
      startsAt: '2026-12-20T01:30:00.000Z',
      membershipTotal: 9,
      members: [['bithu', 'chair']],
    });
    itemId = (await addAgendaItem(secretary, meeting, { title: 'Cho ý kiến về công tác cán bộ và kiện toàn nhân sự Ban Chấp hành nhiệm kỳ 2025–2030', plannedMinutes: 30 })).id;
    const upload = async (title: string, confidentiality: 'normal' | 'secret') =>
      uploadDocument(secretary, meeting, { title, kind: 'report', confidentiality }, { bytes: await pagesPdf(title, ['Trang một.', 'Trang hai.']), filename: 'tai-lieu.pdf' });
    plain = await upload('Báo cáo tình hình kinh tế', 'normal');
    secret = await upload('Báo cáo công tác cán bộ', 'secret');
    expect((await secretary.post(`/api/v1/meetings/${meeting.id}/status`, { to: 'published' })).status).toBe(200);
    expect((await secretary.post(`/api/v1/meetings/${meeting.id}/status`, { to: 'in_session' })).status).toBe(200);

    ({ client: chairClient, socket: chair } = await online(server.url, 'bithu'));
    await act(chair, 'meeting:join', { meetingId: meeting.id });

    context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'vi-VN' });
    wall = await context.newPage();
    await wall.goto(`${server.url}/display`);
    const code = (await wall.getByTestId('display-pairing-code').textContent({ timeout: 20_000 }))!.trim();
    expect((await secretary.post(`/api/v1/meetings/${meeting.id}/displays`, { code, name: 'Màn hình hội trường' })).status).toBeLessThan(300);
    await wall.getByTestId('display-meeting-title').waitFor({ timeout: 15_000 });
  });
  afterAll(async () => {
    chair?.disconnect();
    await context?.close();
    await stopWebStack({ browser, server, db });
  });

  it('shows a normal document unmarked, and a secret one with its level and a watermark naming the screen', async () => {
    await act(chair, 'presentation:show', { meetingId: meeting.id, documentId: plain.id, version: 1, page: 1 });
    await wall.locator('[data-testid="display-page-canvas"][data-page="1"]').waitFor({ timeout: 15_000 });
    expect(await wall.getByTestId('display-watermark').count()).toBe(0);
    expect(await wall.getByTestId('display-confidentiality').count()).toBe(0);

    await act(chair, 'presentation:show', { meetingId: meeting.id, documentId: secret.id, version: 1, page: 2 });
    await wall.locator('[data-testid="display-page-canvas"][data-page="2"]').waitFor({ timeout: 15_000 });
    const badge = wall.getByTestId('display-confidentiality');
    expect(await badge.getAttribute('data-confidentiality')).toBe('secret');
    expect((await badge.textContent())?.trim()).toBe('Tài liệu Tối mật');
    const watermark = wall.getByTestId('display-watermark');
    expect(await watermark.textContent()).toContain('TỐI MẬT — Màn hình hội trường');
    // The watermark lies over the rendered page.
    const [page, mark] = await Promise.all([wall.getByTestId('display-page-canvas').boundingBox(), watermark.boundingBox()]);
    expect(page).not.toBeNull();
    expect(mark).toMatchObject({ x: page!.x, y: page!.y, width: page!.width, height: page!.height });
    await wall.screenshot({ path: `${SCREENSHOTS}/display-confidential.png` });

    // Still marked after a page turn, gone with a normal document again.
    await act(chair, 'presentation:page', { meetingId: meeting.id, page: 1 });
    await wall.locator('[data-testid="display-page-canvas"][data-page="1"]').waitFor({ timeout: 15_000 });
    expect(await wall.getByTestId('display-watermark').count()).toBe(1);
    await act(chair, 'presentation:show', { meetingId: meeting.id, documentId: plain.id, version: 1, page: 1 });
    await wall.getByTestId('display-watermark').waitFor({ state: 'detached', timeout: 15_000 });
    await wall.locator('[data-testid="display-page-canvas"][data-page="1"]').waitFor({ timeout: 15_000 });
  });

  it('keeps "Chưa đủ túc số" on one line, in a card across the side column, beside the presented page', async () => {
    await act(chair, 'agenda:open', { meetingId: meeting.id, itemId });
    await wall.locator(`[data-testid="display-current-item"][data-item-id="${itemId}"]`).waitFor({ timeout: 15_000 });
    const verdict = wall.locator('[data-testid="display-quorum"][data-met="false"] .verdict');
    await verdict.waitFor({ timeout: 15_000 });
    expect((await verdict.textContent())?.trim()).toBe('Chưa đủ túc số');
    const oneLine = async () =>
      verdict.evaluate((element) => {
        const range = document.createRange();
        range.selectNodeContents(element);
        return { lines: new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size, fontSize: parseFloat(getComputedStyle(element).fontSize) };
      });
    expect(await oneLine()).toEqual({ lines: 1, fontSize: expect.any(Number) });
    expect((await oneLine()).fontSize).toBeGreaterThanOrEqual(40); // 2.2vw at 1920: the type is not shrunk
    // The card spans the side column.
    const [card, side] = await Promise.all([wall.getByTestId('display-quorum').boundingBox(), wall.locator('.side').boundingBox()]);
    expect(card!.width).toBeCloseTo(side!.width, 0);
    // Item, speaker and attendance all fit beside the page.
    const fits = await wall.locator('.side').evaluate((element) => element.scrollHeight <= element.clientHeight);
    expect(fits).toBe(true);
    await wall.screenshot({ path: `${SCREENSHOTS}/display-quorum.png` });

    // An open poll below: the verdict stays on one line.
    const poll = (await chairClient.post<{ poll: { id: string } }>(`/api/v1/meetings/${meeting.id}/polls`, { kind: 'motion', title: 'Thông qua danh sách nhân sự', secret: true })).body.poll;
    expect((await chairClient.post(`/api/v1/meetings/${meeting.id}/polls/${poll.id}/open`, { quorumOverrideReason: 'Kiểm thử màn hình chiếu' })).status).toBe(200);
    await wall.getByTestId('display-poll-turnout').waitFor({ timeout: 15_000 });
    expect((await oneLine()).lines).toBe(1);
  });

  it("lists the conference's points once the meeting has some, with where each stands", async () => {
    const { secretary } = await secretariat(server.url);
    const endpoints = (await secretary.get<{ endpoints: EndpointDto[] }>('/api/v1/endpoints?level=commune')).body.endpoints.slice(0, 2);
    for (const endpoint of endpoints) expect((await secretary.post(`/api/v1/meetings/${meeting.id}/endpoints`, { endpointId: endpoint.id })).status).toBe(201);
    const points = wall.getByTestId('wall-point');
    await expect.poll(() => points.count(), { timeout: 15_000 }).toBe(2);
    expect(await points.evaluateAll((items) => items.map((item) => item.getAttribute('data-state')))).toEqual(['never', 'never']);
    expect(await wall.getByTestId('wall-points').innerText()).toContain(endpoints[0]!.name);
  });
});
