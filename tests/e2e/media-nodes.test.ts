/**
 * Cascaded media nodes on three hosts (issue 14, acceptance 1): the app runs
 * here; a province media node and a regional media node each run in a
 * network namespace of their own (another host, joined by a veth pair and
 * routed through this one, so the nodes' pipes cross a network). The province
 * chair's Chromium goes on the province node, the two commune halls' on the
 * regional node (their endpoints name it). They see and hear each other
 * through the pipes between the nodes; then the regional node is killed and
 * the communes come back on the province node, with media flowing again,
 * within 10 s and without anyone acting.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EndpointDto } from '../../server/contract/conference.ts';
import type { MeetingDto } from '../../server/contract/meetings.ts';
import { SESSION_COOKIE } from '../../server/plugins/session.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { startMediaNode, type MediaNodeProcess } from '../helpers/media-node.ts';
import { createMeeting, loggedIn, secretariat } from '../helpers/meetings.ts';
import { createNetworkNamespace, type NetworkNamespace } from '../helpers/netns.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { SCREENSHOTS } from '../helpers/web-stack.ts';
import { receivedFrom, recordPeerConnections } from '../helpers/webrtc.ts';

const MEDIA_TIMEOUT = 30_000;
const MOVE_DEADLINE_MS = 10_000;
const SECRET = 'e2e media node secret, shared by the app and its nodes';
const NODE_PORT = 7100;

type Site = { name: string; userId: string; context: BrowserContext; page: Page };

/** A number read at each poll: true once it has grown since the previous reading. */
function grows(read: () => Promise<number>): () => Promise<boolean> {
  let last: number | undefined;
  return async () => {
    const now = await read();
    const grew = last !== undefined && now > last;
    last = now;
    return grew;
  };
}

describe('a conference across a province media node and a regional media node', () => {
  let provinceHost: NetworkNamespace;
  let regionHost: NetworkNamespace;
  let province: MediaNodeProcess;
  let region: MediaNodeProcess;
  let db: TestDatabase;
  let server: TestServer;
  let browser: Browser;
  let meeting: MeetingDto;
  const sites: Record<'chair' | 'communeA' | 'communeB', Site> = {} as never;

  const status = (site: Site) => site.page.getByTestId('conference-status').getAttribute('data-state');
  const nodeOf = (site: Site) => {
    const media = server.app.modules.conference.media.current;
    const index = server.app.modules.conference.service.room(meeting.id)?.getPeer(site.userId)?.workerIndex;
    return index === undefined ? undefined : media?.pool.slot(index)?.node.name;
  };

  beforeAll(async () => {
    provinceHost = createNetworkNamespace({ routed: true });
    regionHost = createNetworkNamespace({ routed: true });
    const node = { secret: SECRET, port: NODE_PORT, webRtcPorts: '44000-44003', rtcPorts: '45000-45999' };
    province = await startMediaNode({ ...node, name: 'province', ip: provinceHost.address, ns: provinceHost });
    region = await startMediaNode({ ...node, name: 'vung-1', ip: regionHost.address, ns: regionHost });

    db = await createTestDatabase();
    server = await startTestServer(
      db,
      {
        DEMO_STRUCTURE: 'two-level',
        MEDIA_WORKERS: '1',
        MEDIA_LISTEN_IP: '127.0.0.1',
        MEDIA_WEBRTC_PORT: '20000-29999',
        MEDIA_NODES: `province=${provinceHost.address}:${NODE_PORT},vung-1=${regionHost.address}:${NODE_PORT}`,
        MEDIA_NODE_SECRET: SECRET,
        MEDIA_DEFAULT_NODE: 'province',
      },
      { web: true },
    );
    browser = await launchBrowser();

    const { secretary, directory } = await secretariat(server.url);
    meeting = await createMeeting(secretary, directory, { title: 'Hội nghị trực tuyến toàn tỉnh qua hai máy chủ truyền hình', membershipTotal: 1, members: [['bithu', 'chair']] });
    const endpoints = (await secretary.get<{ endpoints: EndpointDto[] }>('/api/v1/endpoints')).body.endpoints;
    const admin = await loggedIn(server.url, 'admin');
    for (const account of ['diemcau.caophong', 'diemcau.paco']) {
      const hall = endpoints.find((e) => e.accountUserIds.includes(directory.user(account).id))!;
      expect(hall.level).toBe('commune');
      // the administrator puts these communes on the regional node
      const placed = await admin.patch<{ endpoint: EndpointDto }>(`/api/v1/endpoints/${hall.id}`, { mediaNode: 'vung-1' });
      expect(placed.status).toBe(200);
      expect(placed.body.endpoint.mediaNode).toBe('vung-1');
      expect((await secretary.post(`/api/v1/meetings/${meeting.id}/endpoints`, { endpointId: hall.id })).status).toBe(201);
    }
    expect((await secretary.post(`/api/v1/meetings/${meeting.id}/status`, { to: 'published' })).status).toBe(200);
    expect((await secretary.post(`/api/v1/meetings/${meeting.id}/status`, { to: 'in_session' })).status).toBe(200);

    for (const [key, name, username] of [
      ['chair', 'province chair', 'bithu'],
      ['communeA', 'Cao Phong commune', 'diemcau.caophong'],
      ['communeB', 'Pà Cò commune', 'diemcau.paco'],
    ] as const) {
      const client = await loggedIn(server.url, username);
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
      await context.addCookies([{ name: SESSION_COOKIE, value: client.cookies.get(SESSION_COOKIE)!, url: server.url }]);
      await context.addInitScript(recordPeerConnections);
      const page = await context.newPage();
      page.on('pageerror', (error) => console.error(`[${name}] page error:`, error));
      sites[key] = { name, userId: directory.user(username).id, context, page };
    }
  });

  afterAll(async () => {
    for (const site of Object.values(sites)) await site.context?.close().catch(() => undefined);
    await browser?.close();
    await server?.close();
    await db?.drop();
    await province?.kill('SIGTERM');
    await region?.kill('SIGTERM');
    provinceHost?.remove();
    regionHost?.remove();
  });

  /** Every site decodes every other's video and keeps hearing its audio. */
  async function expectMediaEverywhere(): Promise<void> {
    for (const viewer of Object.values(sites)) {
      for (const from of Object.values(sites)) {
        if (from === viewer) continue;
        await expect.poll(async () => (await receivedFrom(viewer.page, from.userId)).frames, { timeout: MEDIA_TIMEOUT, message: `${viewer.name} decodes ${from.name}` }).toBeGreaterThan(0);
        await expect.poll(grows(async () => (await receivedFrom(viewer.page, from.userId)).audioPackets), { timeout: MEDIA_TIMEOUT, interval: 500, message: `${viewer.name} hears ${from.name}` }).toBe(true);
      }
    }
  }

  it('places the hall on the province node and the communes on the regional node; all see and hear each other', async () => {
    const { chair, communeA, communeB } = sites;
    for (const site of [chair, communeA, communeB]) {
      await site.page.goto(`${server.url}/meetings/${meeting.id}/conference`);
      await site.page.getByRole('button', { name: 'Tham gia hội nghị' }).click();
      await expect.poll(() => status(site), { timeout: MEDIA_TIMEOUT, message: site.name }).toBe('connected');
    }
    expect(nodeOf(chair)).toBe('province');
    expect(nodeOf(communeA)).toBe('vung-1');
    expect(nodeOf(communeB)).toBe('vung-1');
    // communes join with their microphones held by the chair; the chair lifts that, then each commune turns its own on
    for (const commune of [communeA, communeB]) {
      const tile = chair.page.locator(`[data-testid="conference-tile"][data-peer-id="${commune.userId}"]`);
      await tile.getByRole('button', { name: 'Bỏ tắt micro', exact: true }).click();
      await expect.poll(() => tile.innerText(), { timeout: 10_000 }).not.toContain('Chủ trì tắt micro');
      await commune.page.getByTestId('control-mic').click();
    }
    await expectMediaEverywhere();
    await chair.page.screenshot({ path: `${SCREENSHOTS}/conference-two-media-nodes.png`, fullPage: true });
  });

  it('killing the regional node moves its communes to the province node, and media flows again within 10 s', async () => {
    const { chair, communeA, communeB } = sites;
    const before = await Promise.all([communeA, communeB].map(async (site) => (await receivedFrom(site.page, chair.userId)).videoTrack));
    const killedAt = Date.now();
    await region.kill('SIGKILL');
    // each commune decodes the hall on a new consumer, and the hall hears each commune again
    for (const [i, commune] of [communeA, communeB].entries()) {
      await expect
        .poll(async () => { const now = await receivedFrom(commune.page, chair.userId); return now.videoTrack !== null && now.videoTrack !== before[i] && now.frames > 0; }, { timeout: MOVE_DEADLINE_MS, interval: 250, message: `${commune.name} decodes the hall again` })
        .toBe(true);
      await expect.poll(grows(async () => (await receivedFrom(chair.page, commune.userId)).audioPackets), { timeout: MOVE_DEADLINE_MS, interval: 250, message: `the hall hears ${commune.name} again` }).toBe(true);
    }
    const movedInMs = Date.now() - killedAt;
    console.info(`communes back with media ${movedInMs} ms after the regional node was killed`);
    expect(movedInMs).toBeLessThan(MOVE_DEADLINE_MS);
    expect(nodeOf(communeA)).toBe('province');
    expect(nodeOf(communeB)).toBe('province');
    for (const site of Object.values(sites)) expect(await status(site)).toBe('connected');
    await expectMediaEverywhere();
  });
});
