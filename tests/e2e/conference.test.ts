/**
 * The video conference end to end in Debian's chromium, three endpoints with
 * fake camera and microphone: the province chair (bithu, in the province
 * hall), the Cao Phong district hall and the Pà Cò commune hall. Everything
 * is checked from what each browser's WebRTC stats say it receives:
 * decoded frames and audio packets per tile, mute, floor, audio-only, a
 * dropped transport and a killed media worker, each followed by media
 * flowing again without anybody clicking. Waits poll for conditions; no
 * fixed sleeps.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EndpointDto } from '../../server/contract/conference.ts';
import type { MeetingDto } from '../../server/contract/meetings.ts';
import { SESSION_COOKIE } from '../../server/plugins/session.ts';
import { SCREENSHOTS, startWebStack, stopWebStack } from '../helpers/web-stack.ts';
import { receivedFrom, receivedTotal, recordPeerConnections } from '../helpers/webrtc.ts';
import { type TestDatabase } from '../helpers/database.ts';
import { createMeeting, loggedIn, secretariat } from '../helpers/meetings.ts';
import { type TestServer } from '../helpers/server.ts';

const MEDIA_TIMEOUT = 30_000;

type Site = { name: string; username: string; userId: string; context: BrowserContext; page: Page };

/** A number read twice, a second apart by expect.poll's interval: true while it grows. */
function grows(read: () => Promise<number>): () => Promise<boolean> {
  let last: number | undefined;
  return async () => {
    const now = await read();
    const grew = last !== undefined && now > last;
    last = now;
    return grew;
  };
}

/**
 * For expect.poll: true once `read` has given the same value `readings` times
 * in a row — a flow has stopped, not merely paused between two packets (a
 * retransmission of a packet sent before the switch can still trickle in).
 */
function settles(read: () => Promise<number>, readings = 3): () => Promise<boolean> {
  const seen: number[] = [];
  return async () => {
    seen.push(await read());
    const last = seen.slice(-readings);
    return last.length === readings && last.every((value) => value === last[0]);
  };
}

describe('video conference in the browser', () => {
  let db: TestDatabase;
  let server: TestServer;
  let browser: Browser;
  let meeting: MeetingDto;
  const sites: Record<'chair' | 'district' | 'commune', Site> = {} as never;

  const status = (site: Site) => site.page.getByTestId('conference-status').getAttribute('data-state');
  const tile = (site: Site, of: Site) => site.page.locator(`[data-testid="conference-tile"][data-peer-id="${of.userId}"]`);
  const others = (site: Site) => Object.values(sites).filter((s) => s !== site);

  /** Each site decodes every other site's video and keeps receiving its audio. */
  async function expectMediaEverywhere(skip: (viewer: Site, from: Site) => boolean = () => false): Promise<void> {
    for (const viewer of Object.values(sites)) {
      for (const from of others(viewer)) {
        if (skip(viewer, from)) continue;
        await expect.poll(async () => (await receivedFrom(viewer.page, from.userId)).frames, { timeout: MEDIA_TIMEOUT, message: `${viewer.name} decodes ${from.name}` }).toBeGreaterThan(0);
        await expect
          .poll(grows(async () => (await receivedFrom(viewer.page, from.userId)).audioPackets), { timeout: MEDIA_TIMEOUT, interval: 700, message: `${viewer.name} hears ${from.name}` })
          .toBe(true);
      }
    }
  }

  beforeAll(async () => {
    ({ db, server, browser } = await startWebStack({ MEDIA_WORKERS: '2', MEDIA_LISTEN_IP: '127.0.0.1', MEDIA_WEBRTC_PORT: '20000-29999' }));

    const { secretary, directory } = await secretariat(server.url);
    meeting = await createMeeting(secretary, directory, { title: 'Hội nghị trực tuyến triển khai chuyển đổi số', membershipTotal: 3, members: [['bithu', 'chair']] });
    const endpoints = (await secretary.get<{ endpoints: EndpointDto[] }>('/api/v1/endpoints')).body.endpoints;
    for (const account of ['diemcau.tinh', 'diemcau.caophong', 'diemcau.paco']) {
      const hall = endpoints.find((e) => e.accountUserIds.includes(directory.user(account).id))!;
      expect((await secretary.post(`/api/v1/meetings/${meeting.id}/endpoints`, { endpointId: hall.id })).status).toBe(201);
    }
    expect((await secretary.post(`/api/v1/meetings/${meeting.id}/status`, { to: 'published' })).status).toBe(200);
    expect((await secretary.post(`/api/v1/meetings/${meeting.id}/status`, { to: 'in_session' })).status).toBe(200);

    for (const [key, name, username] of [
      ['chair', 'province chair', 'bithu'],
      ['district', 'district hall', 'diemcau.caophong'],
      ['commune', 'commune hall', 'diemcau.paco'],
    ] as const) {
      const client = await loggedIn(server.url, username);
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
      await context.addCookies([{ name: SESSION_COOKIE, value: client.cookies.get(SESSION_COOKIE)!, url: server.url }]);
      await context.addInitScript(recordPeerConnections);
      const page = await context.newPage();
      page.on('pageerror', (error) => console.error(`[${name}] page error:`, error));
      sites[key] = { name, username, userId: directory.user(username).id, context, page };
    }
  });
  afterAll(async () => {
    for (const site of Object.values(sites)) await site.context?.close().catch(() => undefined);
    await stopWebStack({ browser, server, db });
  });

  it('the chair opens the conference and lets the district and commune halls in from the lobby', async () => {
    const { chair, district, commune } = sites;
    await chair.page.goto(`${server.url}/meetings/${meeting.id}/conference`);
    await chair.page.getByRole('button', { name: 'Tham gia hội nghị' }).click();
    await expect.poll(() => status(chair), { timeout: MEDIA_TIMEOUT }).toBe('connected');
    await chair.page.getByRole('switch', { name: 'Điểm cầu phải chờ chủ trì cho vào' }).check();
    await expect.poll(async () => (await server.app.modules.conference.service.settings(meeting.id)).requireAdmission).toBe(true);

    for (const hall of [district, commune]) {
      await hall.page.goto(`${server.url}/meetings/${meeting.id}/conference`);
      await hall.page.getByRole('button', { name: 'Tham gia hội nghị' }).click();
      await expect.poll(() => status(hall)).toBe('lobby');
      await hall.page.getByText('Đang chờ chủ trì cho vào…').first().waitFor();
    }
    const entries = chair.page.getByTestId('lobby-entry');
    await expect.poll(() => entries.count()).toBe(2);
    await expect.poll(() => chair.page.locator(`[data-testid="lobby-entry"][data-peer-id="${commune.userId}"]`).getAttribute('data-level')).toBe('commune');
    for (const hall of [district, commune]) {
      await chair.page.locator(`[data-testid="lobby-entry"][data-peer-id="${hall.userId}"]`).getByRole('button', { name: 'Cho vào' }).click();
      await expect.poll(() => status(hall), { timeout: MEDIA_TIMEOUT }).toBe('connected');
    }
    await expect.poll(() => entries.count()).toBe(0);

    // Everyone sees three tiles with names and levels.
    for (const site of Object.values(sites)) {
      await expect.poll(() => site.page.getByTestId('conference-tile').count()).toBe(3);
      await expect.poll(() => tile(site, chair).getAttribute('data-level')).toBe('province');
      await expect.poll(() => tile(site, district).getAttribute('data-level')).toBe('district');
      await expect.poll(() => tile(site, commune).getAttribute('data-level')).toBe('commune');
    }
    await expect.poll(() => tile(chair, commune).innerText()).toContain('Điểm cầu xã Pà Cò');
    await expect.poll(() => tile(chair, commune).innerText()).toContain('Cấp xã');

    // A commune point joins with its mic held by the chair (the district hall does not); the chair lets it speak.
    await expect.poll(() => tile(district, commune).innerText(), { timeout: 10_000 }).toContain('Chủ trì tắt micro');
    expect(await tile(commune, district).innerText()).not.toContain('Chủ trì tắt micro');
    await tile(chair, commune).getByRole('button', { name: 'Bỏ tắt micro', exact: true }).click();
    await expect.poll(() => tile(district, commune).innerText(), { timeout: 10_000 }).not.toContain('Chủ trì tắt micro');
    // Lifting the chair's mute leaves the commune's own microphone button to decide: it turns it on.
    await commune.page.getByTestId('control-mic').click();

    // The chair's roll call finds the commune point by its name typed without diacritics, connected.
    const points = chair.page.getByTestId('conference-points');
    await points.getByLabel('Tìm điểm cầu').fill('pa co');
    await expect.poll(() => points.getByTestId('conference-point').count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => points.getByTestId('conference-point').getAttribute('data-state'), { timeout: 10_000 }).toBe('connected');
    expect(await points.getByTestId('conference-point').innerText()).toContain('Điểm cầu xã Pà Cò');
    await points.getByLabel('Tìm điểm cầu').fill('');
    // The province hall's own endpoint is in the meeting but never joined (the chair joined as a person).
    await expect.poll(() => points.getByTestId('points-summary').innerText(), { timeout: 10_000 }).toBe('Đã kết nối 2 · Đường truyền kém 0 · Mất kết nối 0 · Chưa vào 1');
    await expect.poll(() => points.locator('[data-state="never"]').innerText()).toContain('Chưa vào');
  });

  it('each endpoint decodes the others’ video and receives their audio', async () => {
    await expectMediaEverywhere();
    await expect.poll(() => sites.chair.page.getByTestId('conference-quality').getAttribute('data-quality'), { timeout: 10_000 }).toMatch(/^(good|fair|poor)$/);
    await sites.chair.page.screenshot({ path: `${SCREENSHOTS}/conference-chair.png`, fullPage: true });
  });

  it('the chair mutes the commune: its audio stops reaching the others, the chair’s does not', async () => {
    const { chair, district, commune } = sites;
    await tile(chair, commune).getByRole('button', { name: 'Tắt micro', exact: true }).click();
    await expect.poll(() => tile(district, commune).innerText()).toContain('Chủ trì tắt micro');
    for (const viewer of [chair, district]) {
      await expect
        .poll(grows(async () => (await receivedFrom(viewer.page, commune.userId)).audioPackets), { timeout: 15_000, interval: 1_000, message: `${viewer.name} no longer hears the commune` })
        .toBe(false);
    }
    // and it stays silent: nothing new over a further reading
    const before = (await receivedFrom(district.page, commune.userId)).audioPackets;
    await expect.poll(grows(async () => (await receivedFrom(district.page, chair.userId)).audioPackets), { interval: 1_000, timeout: 10_000 }).toBe(true);
    expect((await receivedFrom(district.page, commune.userId)).audioPackets).toBe(before);
    // The commune's own button cannot lift the chair's mute.
    await commune.page.getByTestId('control-mic').click();
    await commune.page.getByText('Chủ trì đang tắt micro của bạn').first().waitFor();
  });

  it('the chair gives the floor to the district: it is on everyone’s main screen', async () => {
    const { chair, district } = sites;
    await tile(chair, district).getByRole('button', { name: 'Trao quyền phát biểu' }).click();
    for (const site of Object.values(sites)) {
      await expect.poll(() => site.page.getByTestId('conference-stage').getAttribute('data-peer-id'), { message: site.name, timeout: 10_000 }).toBe(district.userId);
    }
    await expect.poll(() => sites.commune.page.getByTestId('conference-stage').innerText()).toContain('Trên màn hình chính');
  });

  it('the commune switches to audio only: no new video packets reach it, audio still does', async () => {
    const { commune } = sites;
    await commune.page.getByTestId('control-audio-only').click();
    await expect
      .poll(settles(async () => (await receivedTotal(commune.page)).video), { timeout: 20_000, interval: 1_000, message: 'video stops reaching the commune' })
      .toBe(true);
    const videoBefore = (await receivedTotal(commune.page)).video;
    await expect.poll(grows(async () => (await receivedTotal(commune.page)).audio), { interval: 1_000, timeout: 10_000 }).toBe(true);
    expect((await receivedTotal(commune.page)).video).toBe(videoBefore);
    // the others still get the commune's video
    await expect.poll(grows(async () => (await receivedFrom(sites.chair.page, commune.userId)).frames), { interval: 700, timeout: 10_000 }).toBe(true);
  });

  it('the district’s network drops (its peer connections closed): it reconnects by itself and media flows again', async () => {
    const { chair, district } = sites;
    const oldTrack = (await receivedFrom(district.page, chair.userId)).videoTrack;
    const oldChairView = (await receivedFrom(chair.page, district.userId)).videoTrack;
    // remember every state the status shows from here on
    await district.page.evaluate(() => {
      const element = document.querySelector('[data-testid="conference-status"]')!;
      const seen: string[] = [];
      (window as unknown as { __states: string[] }).__states = seen;
      new MutationObserver(() => seen.push(element.getAttribute('data-state') ?? '')).observe(element, { attributes: true, attributeFilter: ['data-state'] });
    });
    const closed = await district.page.evaluate(() => {
      const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.filter((pc) => pc.signalingState !== 'closed');
      for (const pc of pcs) pc.close();
      return pcs.length;
    });
    expect(closed).toBe(2);
    // the page said so ("Đang kết nối lại…") and came back without anybody clicking
    await expect.poll(() => district.page.evaluate(() => (window as unknown as { __states: string[] }).__states), { timeout: MEDIA_TIMEOUT }).toContain('reconnecting');
    await expect.poll(() => status(district), { timeout: MEDIA_TIMEOUT }).toBe('connected');
    await expect.poll(async () => (await receivedFrom(district.page, chair.userId)).videoTrack, { timeout: MEDIA_TIMEOUT }).not.toBe(oldTrack);
    await expect.poll(async () => (await receivedFrom(district.page, chair.userId)).frames, { timeout: MEDIA_TIMEOUT }).toBeGreaterThan(0);
    await expect.poll(grows(async () => (await receivedFrom(district.page, chair.userId)).audioPackets), { timeout: MEDIA_TIMEOUT, interval: 700 }).toBe(true);
    // and the others receive the district again, on new consumers
    await expect.poll(async () => (await receivedFrom(chair.page, district.userId)).videoTrack, { timeout: MEDIA_TIMEOUT }).not.toBe(oldChairView);
    await expect.poll(async () => (await receivedFrom(chair.page, district.userId)).frames, { timeout: MEDIA_TIMEOUT }).toBeGreaterThan(0);
  });

  it('killing the media worker of the running conference: it resumes on a new worker and media flows again', async () => {
    const { chair, district, commune } = sites;
    const media = server.app.modules.conference.media.current!;
    const room = server.app.modules.conference.service.room(meeting.id)!;
    const [index] = room.workerIndexes();
    const pid = media.pool.slot(index!)!.pid;
    const before = Object.fromEntries(await Promise.all(Object.entries(sites).map(async ([key, site]) => [key, (await receivedFrom(site.page, chair.userId === site.userId ? district.userId : chair.userId)).videoTrack])));
    process.kill(pid, 'SIGKILL');
    await expect.poll(() => media.pool.slots().every((slot) => slot.pid !== pid), { timeout: 10_000 }).toBe(true);
    for (const site of Object.values(sites)) await expect.poll(() => status(site), { timeout: MEDIA_TIMEOUT, message: site.name }).toBe('connected');
    await expect.poll(() => room.workerIndexes().length, { timeout: MEDIA_TIMEOUT }).toBeGreaterThan(0);
    for (const peer of room.peers()) expect(room.peer(peer.id).needsRejoin).toBe(false);
    expect(media.pool.slots().map((slot) => slot.pid)).not.toContain(pid);
    // new consumers on every page; media flows again (the commune stays audio-only)
    for (const [key, site] of Object.entries(sites)) {
      const from = site === chair ? district : chair;
      if (site !== commune) {
        await expect.poll(async () => { const track = (await receivedFrom(site.page, from.userId)).videoTrack; return track !== null && track !== before[key]; }, { timeout: MEDIA_TIMEOUT }).toBe(true);
        await expect.poll(async () => (await receivedFrom(site.page, from.userId)).frames, { timeout: MEDIA_TIMEOUT, message: `${site.name} decodes again` }).toBeGreaterThan(0);
      }
      await expect.poll(grows(async () => (await receivedFrom(site.page, from.userId)).audioPackets), { timeout: MEDIA_TIMEOUT, interval: 700, message: `${site.name} hears again` }).toBe(true);
    }
    // the chair's decisions survived: the commune is still muted, the district still on stage
    expect(room.getPeer(commune.userId)?.serverMuted).toEqual(['mic']);
    for (const site of Object.values(sites)) await expect.poll(() => site.page.getByTestId('conference-stage').getAttribute('data-peer-id')).toBe(district.userId);
  });
});
