/**
 * The video conference across two app processes in Debian's chromium (issue
 * 14, acceptance 2), with no sticky routing: the province chair's page is
 * served by process A, the Cao Phong district hall's and the Pà Cò commune
 * hall's by process B, over one PostgreSQL and one Redis. The chair joins
 * first, so A owns the conference; B forwards its pages' calls to A. Checked
 * from what each browser's WebRTC stats say it receives: everyone decodes
 * and hears everyone; the chair on A mutes the commune on B and its audio
 * stops; then A is killed (SIGKILL) and the two halls on B come back into
 * one conference, B now its owner, with nobody clicking.
 */
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EndpointDto } from '../../server/contract/conference.ts';
import type { MeetingDto } from '../../server/contract/meetings.ts';
import { SESSION_COOKIE } from '../../server/plugins/session.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { createTestDatabase, realDatabaseUrl, type TestDatabase } from '../helpers/database.ts';
import { createMeeting, loggedIn, secretariat } from '../helpers/meetings.ts';
import { freePort, startServerProcess, type ServerProcess } from '../helpers/server-process.ts';
import { SCREENSHOTS } from '../helpers/web-stack.ts';
import { receivedFrom, recordPeerConnections } from '../helpers/webrtc.ts';

const MEDIA_TIMEOUT = 30_000;
const redisUrl = process.env.REDIS_URL?.trim() || undefined;

type Site = { name: string; userId: string; server: ServerProcess; context: BrowserContext; page: Page };

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

describe.runIf(realDatabaseUrl !== undefined && redisUrl !== undefined)('video conference across two app processes in the browser', () => {
  let db: TestDatabase;
  let a: ServerProcess;
  let b: ServerProcess;
  let browser: Browser;
  let meeting: MeetingDto;
  const sites: Record<'chair' | 'district' | 'commune', Site> = {} as never;
  const processes: ServerProcess[] = [];

  const status = (site: Site) => site.page.getByTestId('conference-status').getAttribute('data-state');
  const tile = (site: Site, of: Site) => site.page.locator(`[data-testid="conference-tile"][data-peer-id="${of.userId}"]`);

  async function expectMedia(viewers: Site[], froms: Site[], skipAudio: (viewer: Site, from: Site) => boolean = () => false): Promise<void> {
    for (const viewer of viewers) {
      for (const from of froms) {
        if (from === viewer) continue;
        await expect.poll(async () => (await receivedFrom(viewer.page, from.userId)).frames, { timeout: MEDIA_TIMEOUT, message: `${viewer.name} decodes ${from.name}` }).toBeGreaterThan(0);
        if (skipAudio(viewer, from)) continue;
        await expect
          .poll(grows(async () => (await receivedFrom(viewer.page, from.userId)).audioPackets), { timeout: MEDIA_TIMEOUT, interval: 700, message: `${viewer.name} hears ${from.name}` })
          .toBe(true);
      }
    }
  }

  beforeAll(async () => {
    db = await createTestDatabase('external');
    const shared = { REDIS_URL: redisUrl!, BALLOT_KEY: randomBytes(32).toString('base64'), MEDIA_WORKERS: '1', MEDIA_LISTEN_IP: '127.0.0.1' };
    a = await startServerProcess(db, await freePort(), { ...shared, MEDIA_WEBRTC_PORT: '41200-41299' });
    processes.push(a);
    b = await startServerProcess(db, await freePort(), { ...shared, MEDIA_WEBRTC_PORT: '41300-41399' });
    processes.push(b);
    browser = await launchBrowser();
    await mkdir(SCREENSHOTS, { recursive: true });

    const { secretary, directory } = await secretariat(a.url);
    meeting = await createMeeting(secretary, directory, { title: 'Hội nghị trực tuyến qua hai máy chủ', membershipTotal: 3, members: [['bithu', 'chair']] });
    const endpoints = (await secretary.get<{ endpoints: EndpointDto[] }>('/api/v1/endpoints')).body.endpoints;
    for (const account of ['diemcau.caophong', 'diemcau.paco']) {
      const hall = endpoints.find((e) => e.accountUserIds.includes(directory.user(account).id))!;
      expect((await secretary.post(`/api/v1/meetings/${meeting.id}/endpoints`, { endpointId: hall.id })).status).toBe(201);
    }
    expect((await secretary.post(`/api/v1/meetings/${meeting.id}/status`, { to: 'published' })).status).toBe(200);
    expect((await secretary.post(`/api/v1/meetings/${meeting.id}/status`, { to: 'in_session' })).status).toBe(200);

    for (const [key, name, username, server] of [
      ['chair', 'province chair (process A)', 'bithu', a],
      ['district', 'district hall (process B)', 'diemcau.caophong', b],
      ['commune', 'commune hall (process B)', 'diemcau.paco', b],
    ] as const) {
      const client = await loggedIn(server.url, username);
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
      await context.addCookies([{ name: SESSION_COOKIE, value: client.cookies.get(SESSION_COOKIE)!, url: server.url }]);
      await context.addInitScript(recordPeerConnections);
      const page = await context.newPage();
      page.on('pageerror', (error) => console.error(`[${name}] page error:`, error));
      sites[key] = { name, userId: directory.user(username).id, server, context, page };
    }
  }, 180_000);

  afterAll(async () => {
    for (const site of Object.values(sites)) await site.context?.close().catch(() => undefined);
    await browser?.close();
    for (const process of processes) await process.kill('SIGTERM');
    await db?.drop();
  });

  it('the chair on A and the halls on B are in one conference and see and hear each other', async () => {
    const { chair, district, commune } = sites;
    for (const site of [chair, district, commune]) {
      await site.page.goto(`${site.server.url}/meetings/${meeting.id}/conference`);
      await site.page.getByRole('button', { name: 'Tham gia hội nghị' }).click();
      await expect.poll(() => status(site), { timeout: MEDIA_TIMEOUT, message: site.name }).toBe('connected');
    }
    for (const site of Object.values(sites)) await expect.poll(() => site.page.getByTestId('conference-tile').count(), { message: site.name }).toBe(3);

    // The commune joins with its mic held; the chair (on A) lets it speak and it turns its mic on.
    await expect.poll(() => tile(district, commune).innerText(), { timeout: 10_000 }).toContain('Chủ trì tắt micro');
    await tile(chair, commune).getByRole('button', { name: 'Bỏ tắt micro', exact: true }).click();
    await expect.poll(() => tile(district, commune).innerText(), { timeout: 10_000 }).not.toContain('Chủ trì tắt micro');
    await commune.page.getByTestId('control-mic').click();

    await expectMedia(Object.values(sites), Object.values(sites));
    await chair.page.screenshot({ path: `${SCREENSHOTS}/conference-multi-process-chair.png`, fullPage: true });
  });

  it('the chair on A mutes the commune on B: its audio stops reaching the others', async () => {
    const { chair, district, commune } = sites;
    await tile(chair, commune).getByRole('button', { name: 'Tắt micro', exact: true }).click();
    await expect.poll(() => tile(district, commune).innerText(), { timeout: 10_000 }).toContain('Chủ trì tắt micro');
    for (const viewer of [chair, district]) {
      await expect
        .poll(grows(async () => (await receivedFrom(viewer.page, commune.userId)).audioPackets), { timeout: 15_000, interval: 1_000, message: `${viewer.name} no longer hears the commune` })
        .toBe(false);
    }
    // the commune's own button cannot lift the chair's mute
    await commune.page.getByTestId('control-mic').click();
    await commune.page.getByText('Chủ trì đang tắt micro của bạn').first().waitFor();
  });

  it('the owner (A) is killed: the halls on B come back into one conference by themselves', async () => {
    const { chair, district, commune } = sites;
    const before = { district: (await receivedFrom(district.page, commune.userId)).videoTrack, commune: (await receivedFrom(commune.page, district.userId)).videoTrack };
    const killedAt = Date.now();
    await a.kill('SIGKILL');
    await chair.context.close(); // its server is gone (behind a load balancer it would reconnect to B)

    for (const site of [district, commune]) await expect.poll(() => status(site), { timeout: MEDIA_TIMEOUT, message: `${site.name} reconnects` }).toBe('connected');
    await expect.poll(async () => (await receivedFrom(district.page, commune.userId)).videoTrack, { timeout: MEDIA_TIMEOUT }).not.toBe(before.district);
    await expect.poll(async () => (await receivedFrom(commune.page, district.userId)).videoTrack, { timeout: MEDIA_TIMEOUT }).not.toBe(before.commune);
    // the commune is still muted by the chair (kept in the database): the district hears no audio from it, sees its video
    await expectMedia([district, commune], [district, commune], (viewer, from) => from === commune);
    for (const site of [district, commune]) await expect.poll(() => site.page.getByTestId('conference-tile').count(), { timeout: 20_000, message: site.name }).toBe(2);
    console.log(`halls on B back in one conference ${Date.now() - killedAt} ms after the owner was killed`);
  }, 120_000);
});
