/**
 * Issue 14, acceptance 5, in Debian's chromium: the chair records the
 * conference from the app (the delegate sees the red indicator too) across
 * an agenda change; then the delegate plays the recording on the meeting's
 * recordings page, the chapter list shows one chapter per agenda item, and a
 * chapter click seeks there and plays (frames decoded). ffprobe checks the
 * file. Waits poll for conditions; no fixed sleeps.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgendaItemDto, MeetingDto } from '../../server/contract/meetings.ts';
import type { RecordingsEnvelope } from '../../server/contract/recording.ts';
import { SESSION_COOKIE } from '../../server/plugins/session.ts';
import type { TestDatabase } from '../helpers/database.ts';
import { ffprobe } from '../helpers/ffprobe.ts';
import { addAgendaItem, changeStatus, createMeeting, loggedIn, secretariat } from '../helpers/meetings.ts';
import { People } from '../helpers/people.ts';
import type { TestServer } from '../helpers/server.ts';
import { SCREENSHOTS, startWebStack, stopWebStack } from '../helpers/web-stack.ts';

const MEDIA_TIMEOUT = 30_000;

describe('conference recording in the browser', () => {
  let db: TestDatabase;
  let server: TestServer;
  let browser: Browser;
  let meeting: MeetingDto;
  let items: AgendaItemDto[];
  let people: People<object>;
  const pages: Record<'chair' | 'delegate', { context: BrowserContext; page: Page }> = {} as never;

  const rawSize = async () => {
    const { recordings } = (await people.get('bithu').client.get<RecordingsEnvelope>(`/api/v1/meetings/${meeting.id}/recordings`)).body;
    const active = recordings.find((r) => r.status === 'recording');
    if (!active) return 0;
    return stat(path.join(server.config.recording.dir, `${active.id}.webm.rec`)).then((s) => s.size, () => 0);
  };

  beforeAll(async () => {
    ({ db, server, browser } = await startWebStack({ MEDIA_WORKERS: '1', MEDIA_LISTEN_IP: '127.0.0.1', MEDIA_WEBRTC_PORT: '20000-29999', RECORDING_MIN_FREE_MB: '1' }));
    const { secretary, directory } = await secretariat(server.url);
    meeting = await createMeeting(secretary, directory, { title: 'Hội nghị ghi hình trực tuyến', membershipTotal: 2, members: [['bithu', 'chair'], ['caophong.bithu', 'delegate']] });
    items = [];
    for (const title of ['Khai mạc', 'Thảo luận kế hoạch năm 2027']) items.push(await addAgendaItem(secretary, meeting, { title, plannedMinutes: 15 }));
    await changeStatus(secretary, meeting, 'published');
    await changeStatus(secretary, meeting, 'in_session');
    people = new People(server.url, () => ({}));
    await people.connect('bithu');
    await people.act('bithu', 'agenda:open', { meetingId: meeting.id, itemId: items[0]!.id });
    for (const [key, username] of [['chair', 'bithu'], ['delegate', 'caophong.bithu']] as const) {
      const client = await loggedIn(server.url, username);
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
      await context.addCookies([{ name: SESSION_COOKIE, value: client.cookies.get(SESSION_COOKIE)!, url: server.url }]);
      const page = await context.newPage();
      page.on('pageerror', (error) => console.error(`[${key}] page error:`, error));
      pages[key] = { context, page };
    }
  }, 120_000);

  afterAll(async () => {
    for (const { context } of Object.values(pages)) await context?.close().catch(() => undefined);
    people?.disconnectAll();
    await stopWebStack({ browser, server, db });
  });

  it('the chair starts recording; everyone in the conference sees the red indicator', async () => {
    for (const { page } of Object.values(pages)) {
      await page.goto(`${server.url}/meetings/${meeting.id}/conference`);
      await page.getByRole('button', { name: 'Tham gia hội nghị' }).click();
      await expect.poll(() => page.getByTestId('conference-status').getAttribute('data-state'), { timeout: MEDIA_TIMEOUT }).toBe('connected');
    }
    const chair = pages.chair.page;
    await chair.getByTestId('recording-toggle').click();
    for (const { page } of Object.values(pages)) await page.getByTestId('recording-indicator').getByText('Đang ghi hình').waitFor({ timeout: 10_000 });
    await expect.poll(() => chair.getByTestId('recording-toggle').getAttribute('data-recording')).toBe('on');
    await chair.screenshot({ path: `${SCREENSHOTS}/recording-chair.png` });
  });

  it('records across an agenda change and stops: the indicator goes away', async () => {
    // growth, not a size: a loaded machine's chromium sends less
    await expect.poll(rawSize, { timeout: MEDIA_TIMEOUT, message: 'ffmpeg writes the first item' }).toBeGreaterThan(30_000);
    const first = await rawSize();
    await people.act('bithu', 'agenda:next', { meetingId: meeting.id });
    await expect.poll(rawSize, { timeout: MEDIA_TIMEOUT, message: 'ffmpeg writes the second item' }).toBeGreaterThan(first + 30_000);
    await pages.chair.page.getByTestId('recording-toggle').click();
    for (const { page } of Object.values(pages)) await expect.poll(() => page.getByTestId('recording-indicator').count(), { timeout: 20_000 }).toBe(0);
  });

  it('the delegate plays the recording with a chapter per agenda item, and a chapter seeks there', async () => {
    const list = async () => (await people.get('bithu').client.get<RecordingsEnvelope>(`/api/v1/meetings/${meeting.id}/recordings`)).body.recordings;
    await expect.poll(async () => (await list())[0]?.status, { timeout: 20_000, message: 'finalised' }).toBe('ready');
    const recording = (await list())[0]!;
    expect(recording).toMatchObject({ status: 'ready', stopReason: 'chair' });
    const probe = await ffprobe(path.join(server.config.recording.dir, `${recording.id}.webm`));
    expect(probe.streams.map((s) => s.codec_type).sort()).toEqual(['audio', 'video']);
    expect(Math.abs(probe.durationS * 1000 - recording.durationMs!)).toBeLessThan(100);
    expect(probe.chapters.map((c) => c.tags?.title)).toEqual(['Khai mạc', 'Thảo luận kế hoạch năm 2027']);

    const page = pages.delegate.page;
    await page.goto(`${server.url}/meetings/${meeting.id}`);
    await page.getByTestId('recordings-link').click();
    await page.getByTestId('recordings-page').waitFor();
    const video = page.getByTestId('recording-video');
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.readyState), { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    const duration = await video.evaluate((v: HTMLVideoElement) => v.duration);
    expect(Math.abs(duration * 1000 - recording.durationMs!)).toBeLessThan(1500);
    const chapters = page.getByTestId('recording-chapter');
    await expect.poll(() => chapters.count()).toBe(2);
    expect(await chapters.nth(0).innerText()).toContain('Khai mạc');
    expect(await chapters.nth(1).innerText()).toContain('Thảo luận kế hoạch năm 2027');

    const second = recording.chapters[1]!;
    await page.evaluate(() => {
      (document.querySelector('[data-testid="recording-video"]') as HTMLVideoElement).muted = true;
    });
    await chapters.nth(1).click();
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 10_000 }).toBeGreaterThanOrEqual(second.startMs / 1000 - 0.5);
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.getVideoPlaybackQuality().totalVideoFrames), { timeout: 15_000, message: 'frames decoded' }).toBeGreaterThan(0);
    const at = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 10_000, message: 'it plays on' }).toBeGreaterThan(at);
    await expect.poll(() => chapters.nth(1).getAttribute('aria-current')).toBe('true');
    await page.screenshot({ path: `${SCREENSHOTS}/recording-player.png`, fullPage: true });
  });
});
