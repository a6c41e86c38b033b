/**
 * A commune whose network drops all UDP and opens nothing but the web app and
 * 443 (issue 14, acceptance 4): its Chromium runs in a network namespace whose
 * nftables filter drops every UDP packet and every TCP connection to the
 * server except the app's port and coturn's TLS port 443. The app gives each
 * participant coturn's address with a time-limited credential; the commune
 * joins the conference through coturn over TLS and decodes the province
 * chair's video, and the chair (on the open network) decodes the commune's.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EndpointDto } from '../../server/contract/conference.ts';
import type { MeetingDto } from '../../server/contract/meetings.ts';
import { SESSION_COOKIE } from '../../server/plugins/session.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { startCoturn } from '../helpers/coturn.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { createMeeting, loggedIn, secretariat } from '../helpers/meetings.ts';
import { createNetworkNamespace, type NetworkNamespace } from '../helpers/netns.ts';
import { freePort } from '../helpers/server-process.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { SCREENSHOTS } from '../helpers/web-stack.ts';
import { receivedFrom, recordPeerConnections, selectedPaths } from '../helpers/webrtc.ts';

const MEDIA_TIMEOUT = 45_000;
const SECRET = 'e2e-turn-secret-0123456789abcdef';

/**
 * coturn's TLS certificate for its address, from a test CA, and a HOME for Chromium whose NSS store trusts that CA:
 * Chromium checks a TURN server's certificate like a web site's, so a deployment needs a real one for coturn's name.
 */
function turnCertificate(dir: string, address: string): { home: string } {
  const openssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=Phong Hop So test TURN CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'key.pem', '-out', 'turn.csr', '-subj', `/CN=${address}`]);
  writeFileSync(path.join(dir, 'turn.ext'), `subjectAltName=IP:${address}\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n`);
  openssl(['x509', '-req', '-in', 'turn.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'cert.pem', '-days', '1', '-extfile', 'turn.ext']);
  const home = path.join(dir, 'home');
  const nss = path.join(home, '.pki', 'nssdb');
  execFileSync('mkdir', ['-p', nss]);
  execFileSync('certutil', ['-N', '-d', `sql:${nss}`, '--empty-password'], { stdio: 'ignore' });
  execFileSync('certutil', ['-A', '-d', `sql:${nss}`, '-n', 'phs-turn-ca', '-t', 'C,,', '-i', path.join(dir, 'ca.pem')], { stdio: 'ignore' });
  return { home };
}

/** UDP packets the namespace's filter has dropped so far (the `counter` of its drop rule). */
function droppedUdpPackets(ns: NetworkNamespace): number {
  const ruleset = execFileSync('ip', ['netns', 'exec', ns.name, 'nft', 'list', 'ruleset'], { encoding: 'utf8' });
  const line = ruleset.split('\n').find((l) => l.includes('udp') && l.includes('drop'));
  return Number(/packets (\d+)/.exec(line ?? '')?.[1] ?? 0);
}

describe('a commune behind a network that drops UDP', () => {
  let ns: NetworkNamespace;
  let dir: string;
  let turn: ChildProcess | undefined;
  let db: TestDatabase;
  let server: TestServer;
  let openBrowser: Browser;
  let blockedBrowser: Browser;
  let meeting: MeetingDto;
  const sites: { chair?: { page: Page; context: BrowserContext; userId: string }; commune?: { page: Page; context: BrowserContext; userId: string } } = {};

  beforeAll(async () => {
    ns = createNetworkNamespace();
    dir = mkdtempSync(path.join(os.tmpdir(), 'phs-turn-e2e-'));
    const { home } = turnCertificate(dir, ns.hostAddress);
    const relay = 30_000 + Math.floor(Math.random() * 20_000);
    turn = await startCoturn(dir, {
      secret: SECRET,
      realm: 'phonghopso.test',
      listeningPort: await freePort(),
      tlsListeningPort: 443,
      certFile: path.join(dir, 'cert.pem'),
      keyFile: path.join(dir, 'key.pem'),
      listeningIps: [ns.hostAddress],
      relayMinPort: relay,
      relayMaxPort: relay + 100,
    });

    const port = await freePort();
    const origin = `http://${ns.hostAddress}:${port}`;
    // Everything but the app and coturn's 443 is closed towards the server; no UDP leaves at all.
    ns.filterOutput(['ip daddr != 127.0.0.0/8 meta l4proto udp counter drop', `ip daddr ${ns.hostAddress} tcp dport != { ${port}, 443 } drop`]);

    db = await createTestDatabase();
    server = await startTestServer(
      db,
      {
        PUBLIC_URL: origin,
        MEDIA_WORKERS: '1',
        MEDIA_LISTEN_IP: ns.hostAddress,
        MEDIA_ANNOUNCED_ADDRESS: ns.hostAddress,
        MEDIA_WEBRTC_PORT: '20000-29999',
        TURN_URLS: `turns:${ns.hostAddress}:443?transport=tcp`,
        TURN_SECRET: SECRET,
      },
      { web: true, port, host: ns.hostAddress },
    );
    // An http:// origin on an address is not a secure context; camera and microphone need one.
    const args = [`--unsafely-treat-insecure-origin-as-secure=${origin}`];
    openBrowser = await launchBrowser({ args });
    blockedBrowser = await launchBrowser({ args, executablePath: ns.chromium(home) });

    const { secretary, directory } = await secretariat(server.url);
    meeting = await createMeeting(secretary, directory, { title: 'Hội nghị trực tuyến qua máy chủ chuyển tiếp', membershipTotal: 2, members: [['bithu', 'chair']] });
    const endpoints = (await secretary.get<{ endpoints: EndpointDto[] }>('/api/v1/endpoints')).body.endpoints;
    const hall = endpoints.find((e) => e.accountUserIds.includes(directory.user('diemcau.paco').id))!;
    expect((await secretary.post(`/api/v1/meetings/${meeting.id}/endpoints`, { endpointId: hall.id })).status).toBe(201);
    expect((await secretary.post(`/api/v1/meetings/${meeting.id}/status`, { to: 'published' })).status).toBe(200);
    expect((await secretary.post(`/api/v1/meetings/${meeting.id}/status`, { to: 'in_session' })).status).toBe(200);

    for (const [key, username, browser] of [
      ['chair', 'bithu', openBrowser],
      ['commune', 'diemcau.paco', blockedBrowser],
    ] as const) {
      const client = await loggedIn(server.url, username);
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
      await context.addCookies([{ name: SESSION_COOKIE, value: client.cookies.get(SESSION_COOKIE)!, url: server.url }]);
      await context.addInitScript(recordPeerConnections);
      const page = await context.newPage();
      page.on('pageerror', (error) => console.error(`[${key}] page error:`, error));
      sites[key] = { page, context, userId: directory.user(username).id };
    }
  });

  afterAll(async () => {
    for (const site of Object.values(sites)) await site.context.close().catch(() => undefined);
    await blockedBrowser?.close();
    await openBrowser?.close();
    await server?.close();
    await db?.drop();
    turn?.kill('SIGTERM');
    ns?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('joins through coturn over TLS on 443 and decodes video both ways', async () => {
    const { chair, commune } = sites as Required<typeof sites>;
    const status = (page: Page) => page.getByTestId('conference-status').getAttribute('data-state');
    for (const site of [chair, commune]) {
      await site.page.goto(`${server.url}/meetings/${meeting.id}/conference`);
      await site.page.getByRole('button', { name: 'Tham gia hội nghị' }).click();
    }
    await expect.poll(() => status(chair.page), { timeout: MEDIA_TIMEOUT }).toBe('connected');
    await expect.poll(() => status(commune.page), { timeout: MEDIA_TIMEOUT }).toBe('connected');

    await expect.poll(async () => (await receivedFrom(commune.page, chair.userId)).frames, { timeout: MEDIA_TIMEOUT, message: 'the commune decodes the chair' }).toBeGreaterThan(0);
    await expect.poll(async () => (await receivedFrom(chair.page, commune.userId)).frames, { timeout: MEDIA_TIMEOUT, message: 'the chair decodes the commune' }).toBeGreaterThan(0);

    // The commune's media goes through the relay, over TLS; its UDP attempts were dropped, so the path is the relay, not luck.
    const paths = await selectedPaths(commune.page);
    expect(paths.length).toBeGreaterThan(0);
    for (const icePath of paths) expect(icePath).toMatchObject({ localType: 'relay', relayProtocol: 'tls' });
    expect(droppedUdpPackets(ns)).toBeGreaterThan(0);
    await commune.page.screenshot({ path: `${SCREENSHOTS}/conference-through-turn.png`, fullPage: true });
  });
});
