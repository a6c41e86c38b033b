/**
 * The province hall's wall shows the conference's stage (issue 14), in
 * Debian's chromium at 1920×1080: a paired wall (no login) waits while no
 * conference runs, then decodes the chair's video and receives its audio
 * once the chair joins and is on stage, and switches to the district hall
 * when the chair gives it the floor; with a page presented the picture goes
 * beside it; a dropped peer connection and a killed media worker are mended
 * without anyone acting — all read from the wall's own WebRTC stats, nobody
 * touching the wall. The wall is never a participant.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EndpointDto } from '../../server/contract/conference.ts';
import type { MeetingDto } from '../../server/contract/meetings.ts';
import { SESSION_COOKIE } from '../../server/plugins/session.ts';
import { type TestDatabase } from '../helpers/database.ts';
import type { DocumentDto } from '../../server/contract/documents.ts';
import { createMeeting, loggedIn, pagesPdf, secretariat, uploadDocument } from '../helpers/meetings.ts';
import { online } from '../helpers/people.ts';
import { act } from '../helpers/socket.ts';
import { type TestClient, type TestServer } from '../helpers/server.ts';
import { SCREENSHOTS, startWebStack, stopWebStack } from '../helpers/web-stack.ts';
import { receivedFrom, recordPeerConnections } from '../helpers/webrtc.ts';

const MEDIA_TIMEOUT = 30_000;

type Site = { username: string; userId: string; context: BrowserContext; page: Page };

/** A number read twice, a poll interval apart: true while it grows. */
function grows(read: () => Promise<number>): () => Promise<boolean> {
  let last: number | undefined;
  return async () => {
    const now = await read();
    const grew = last !== undefined && now > last;
    last = now;
    return grew;
  };
}

describe('the hall wall shows the conference stage', () => {
  let db: TestDatabase;
  let server: TestServer;
  let browser: Browser;
  let secretary: TestClient;
  let meeting: MeetingDto;
  let wallContext: BrowserContext;
  let wall: Page;
  let document: DocumentDto;
  const sites: Record<'chair' | 'district', Site> = {} as never;

  const stagePeer = () => wall.getByTestId('wall-stage').getAttribute('data-peer-id', { timeout: 1_000 }).catch(() => null);
  const status = (site: Site) => site.page.getByTestId('conference-status').getAttribute('data-state');

  beforeAll(async () => {
    ({ db, server, browser } = await startWebStack({ MEDIA_WORKERS: '2', MEDIA_LISTEN_IP: '127.0.0.1', MEDIA_WEBRTC_PORT: '20000-29999' }));
    const staff = await secretariat(server.url);
    secretary = staff.secretary;
    meeting = await createMeeting(secretary, staff.directory, { title: 'Hội nghị trực tuyến triển khai chuyển đổi số', membershipTotal: 3, members: [['bithu', 'chair']] });
    const endpoints = (await secretary.get<{ endpoints: EndpointDto[] }>('/api/v1/endpoints')).body.endpoints;
    for (const account of ['diemcau.caophong', 'diemcau.paco']) {
      const hall = endpoints.find((e) => e.accountUserIds.includes(staff.directory.user(account).id))!;
      expect((await secretary.post(`/api/v1/meetings/${meeting.id}/endpoints`, { endpointId: hall.id })).status).toBe(201);
    }
    document = await uploadDocument(secretary, meeting, { title: 'Kế hoạch chuyển đổi số năm 2027', kind: 'report' }, { bytes: await pagesPdf('Kế hoạch', ['Trang một.', 'Trang hai.']), filename: 'ke-hoach.pdf' });
    expect((await secretary.post(`/api/v1/meetings/${meeting.id}/status`, { to: 'published' })).status).toBe(200);
    expect((await secretary.post(`/api/v1/meetings/${meeting.id}/status`, { to: 'in_session' })).status).toBe(200);

    for (const [key, username] of [
      ['chair', 'bithu'],
      ['district', 'diemcau.caophong'],
    ] as const) {
      const client = await loggedIn(server.url, username);
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
      await context.addCookies([{ name: SESSION_COOKIE, value: client.cookies.get(SESSION_COOKIE)!, url: server.url }]);
      const page = await context.newPage();
      page.on('pageerror', (error) => console.error(`[${username}] page error:`, error));
      sites[key] = { username, userId: staff.directory.user(username).id, context, page };
    }

    // The wall: its own browser, no login, paired by the secretary with the code it shows.
    wallContext = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'vi-VN' });
    await wallContext.addInitScript(recordPeerConnections);
    wall = await wallContext.newPage();
    wall.on('pageerror', (error) => console.error('[wall] page error:', error));
    await wall.goto(`${server.url}/display`);
    const code = (await wall.getByTestId('display-pairing-code').textContent({ timeout: 20_000 }))!.trim();
    expect((await secretary.post(`/api/v1/meetings/${meeting.id}/displays`, { code, name: 'Màn hình hội trường tỉnh' })).status).toBeLessThan(300);
    await wall.getByTestId('display-meeting-title').waitFor({ timeout: 15_000 });
  });
  afterAll(async () => {
    for (const site of Object.values(sites)) await site.context?.close().catch(() => undefined);
    await wallContext?.close().catch(() => undefined);
    await stopWebStack({ browser, server, db });
  });

  it('looks as before while no conference runs: no stage, no peer connection', async () => {
    await wall.getByTestId('wall-points').waitFor({ timeout: 15_000 });
    expect(await wall.getByTestId('wall-stage').count()).toBe(0);
    expect(await wall.evaluate(() => (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.length)).toBe(0);
    expect(server.app.modules.conference.service.room(meeting.id)).toBeUndefined();
  });

  it('the chair joins and is on stage: the wall decodes its video and receives its audio, as no participant', async () => {
    const { chair } = sites;
    await chair.page.goto(`${server.url}/meetings/${meeting.id}/conference`);
    await chair.page.getByRole('button', { name: 'Tham gia hội nghị' }).click();
    await expect.poll(() => status(chair), { timeout: MEDIA_TIMEOUT }).toBe('connected');
    // The chair speaks (the fake microphone's beeps): the active speaker takes the stage.
    await expect.poll(stagePeer, { timeout: MEDIA_TIMEOUT, message: 'the chair on the wall' }).toBe(chair.userId);
    await expect.poll(async () => (await receivedFrom(wall, chair.userId)).frames, { timeout: MEDIA_TIMEOUT, message: 'the wall decodes the chair' }).toBeGreaterThan(0);
    await expect.poll(grows(async () => (await receivedFrom(wall, chair.userId)).audioPackets), { timeout: MEDIA_TIMEOUT, interval: 700, message: 'the wall hears the chair' }).toBe(true);
    const stage = wall.getByTestId('wall-stage');
    expect(await stage.innerText()).toContain('Hoàng Văn Minh');
    expect(await stage.innerText()).toContain('Trực tuyến từ hội nghị');
    // the wall is in no one's list: the conference has one peer, the chair sees no tile but its own
    const room = server.app.modules.conference.service.room(meeting.id)!;
    expect(room.peers().map((p) => p.id)).toEqual([chair.userId]);
    expect(await chair.page.getByTestId('conference-tile').count()).toBe(1);
  });

  it('the chair gives the floor to the district hall: the wall switches to its picture, readable at 1920×1080', async () => {
    const { chair, district } = sites;
    await district.page.goto(`${server.url}/meetings/${meeting.id}/conference`);
    await district.page.getByRole('button', { name: 'Tham gia hội nghị' }).click();
    await expect.poll(() => status(district), { timeout: MEDIA_TIMEOUT }).toBe('connected');
    const districtTile = chair.page.locator(`[data-testid="conference-tile"][data-peer-id="${district.userId}"]`);
    await districtTile.getByRole('button', { name: 'Trao quyền phát biểu' }).click();

    await expect.poll(stagePeer, { timeout: MEDIA_TIMEOUT, message: 'the district on the wall' }).toBe(district.userId);
    expect(await wall.getByTestId('wall-stage').getAttribute('data-reason')).toBe('spotlight');
    await expect.poll(async () => (await receivedFrom(wall, district.userId)).frames, { timeout: MEDIA_TIMEOUT, message: 'the wall decodes the district' }).toBeGreaterThan(0);
    await expect.poll(grows(async () => (await receivedFrom(wall, district.userId)).frames), { timeout: MEDIA_TIMEOUT, interval: 700 }).toBe(true);
    const text = await wall.getByTestId('wall-stage').innerText();
    expect(text).toContain('Điểm cầu huyện Cao Phong');
    expect(text).toContain('Được trao quyền phát biểu');
    // the chair's picture left the wall with the stage
    expect(await wall.locator(`[data-testid="conference-tile"][data-peer-id="${chair.userId}"]`).count()).toBe(0);

    // Readable: the picture is large and whole on the screen; the item, speaker and points beside it
    const video = await wall.locator('[data-testid="wall-stage"] video').boundingBox();
    expect(video).not.toBeNull();
    expect(video!.width).toBeGreaterThan(900);
    expect(video!.y + video!.height).toBeLessThanOrEqual(1080);
    expect(video!.x + video!.width).toBeLessThanOrEqual(1920);
    await wall.getByTestId('wall-points').waitFor();
    await expect.poll(() => wall.locator('[data-testid="wall-point"][data-state="connected"]').count(), { timeout: 15_000 }).toBe(1);
    const side = await wall.locator('.side').boundingBox();
    expect(side!.x).toBeGreaterThanOrEqual(video!.x + video!.width);
    await wall.screenshot({ path: `${SCREENSHOTS}/display-stage.png` });
  });

  it('a presented page takes the stage: the picture goes beside it, still live, and the side column still fits', async () => {
    const { district } = sites;
    const { socket } = await online(server.url, 'bithu');
    try {
      await act(socket, 'meeting:join', { meetingId: meeting.id });
      await act(socket, 'presentation:show', { meetingId: meeting.id, documentId: document.id, version: 1, page: 1 });
      const canvas = wall.locator('[data-testid="display-page-canvas"][data-page="1"]');
      await canvas.waitFor({ timeout: 15_000 });
      const stage = wall.getByTestId('wall-stage');
      await expect.poll(() => stage.evaluate((element) => element.parentElement?.classList.contains('with-video') ?? false), { timeout: 10_000 }).toBe(true);
      expect(await stage.getAttribute('data-peer-id')).toBe(district.userId);
      await expect.poll(grows(async () => (await receivedFrom(wall, district.userId)).frames), { timeout: MEDIA_TIMEOUT, interval: 700, message: 'still live beside the page' }).toBe(true);
      // whole on the screen, right of the page, left of the side column; item, speaker and attendance whole beside them
      const box = (locator: ReturnType<Page['locator']>) => locator.boundingBox().then((b) => b!);
      const [video, page, side, quorum] = await Promise.all([box(wall.locator('[data-testid="wall-stage"] video')), box(canvas), box(wall.locator('.side')), box(wall.getByTestId('display-quorum'))]);
      expect(video.x).toBeGreaterThanOrEqual(page.x + page.width);
      expect(video.x + video.width).toBeLessThanOrEqual(side.x);
      expect(video.y + video.height).toBeLessThanOrEqual(1080);
      expect(video.width).toBeGreaterThan(350);
      expect(quorum.y + quorum.height).toBeLessThanOrEqual(side.y + side.height);
      await wall.screenshot({ path: `${SCREENSHOTS}/display-stage-presenting.png` });
      await act(socket, 'presentation:stop', { meetingId: meeting.id });
      // back on the stage area alone
      await expect.poll(() => stage.evaluate((element) => element.parentElement?.classList.contains('with-video') ?? true), { timeout: 10_000 }).toBe(false);
    } finally {
      socket.disconnect();
    }
  });

  it('the wall’s connection drops (its peer connection closed): it watches again by itself and decodes again', async () => {
    const { district } = sites;
    const before = (await receivedFrom(wall, district.userId)).videoTrack;
    const closed = await wall.evaluate(() => {
      const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.filter((pc) => pc.signalingState !== 'closed');
      for (const pc of pcs) pc.close();
      return pcs.length;
    });
    expect(closed).toBe(1); // receive-only: one transport
    await expect
      .poll(async () => {
        const now = await receivedFrom(wall, district.userId);
        return now.videoTrack !== null && now.videoTrack !== before && now.frames > 0;
      }, { timeout: MEDIA_TIMEOUT, message: 'decodes on a new consumer' })
      .toBe(true);
    await expect.poll(grows(async () => (await receivedFrom(wall, district.userId)).audioPackets), { timeout: MEDIA_TIMEOUT, interval: 700 }).toBe(true);
    expect(server.app.modules.conference.service.room(meeting.id)!.peers()).toHaveLength(2);
  });

  it('the media worker of the conference dies: the wall watches again by itself and decodes the floor again', async () => {
    const { district } = sites;
    const media = server.app.modules.conference.media.current!;
    const room = server.app.modules.conference.service.room(meeting.id)!;
    const before = (await receivedFrom(wall, district.userId)).videoTrack;
    const pids = room.workerIndexes().map((index) => media.pool.slot(index)!.pid);
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    await expect.poll(() => media.pool.slots().every((slot) => !pids.includes(slot.pid)), { timeout: 10_000 }).toBe(true);
    await expect.poll(stagePeer, { timeout: MEDIA_TIMEOUT }).toBe(district.userId);
    await expect
      .poll(async () => {
        const now = await receivedFrom(wall, district.userId);
        return now.videoTrack !== null && now.videoTrack !== before && now.frames > 0;
      }, { timeout: MEDIA_TIMEOUT, message: 'the wall decodes the district again' })
      .toBe(true);
    await expect.poll(grows(async () => (await receivedFrom(wall, district.userId)).audioPackets), { timeout: MEDIA_TIMEOUT, interval: 700, message: 'the wall hears the district again' }).toBe(true);
    expect(room.peers().map((p) => p.id).sort()).toEqual([sites.chair.userId, district.userId].sort());
  });
});
