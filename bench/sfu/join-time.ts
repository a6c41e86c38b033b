/**
 * Join time as an endpoint feels it: from the click on "Tham gia hội nghị" to
 * the first decoded video frame of the hall already in the conference, in
 * Debian's headless chromium against the real app (its own process, built
 * web app, fake camera and microphone). Repeated `joins` times; each join is
 * a fresh page load (new socket, new device, new transports).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { launchBrowser } from '../../tests/helpers/browser.ts';
import { recordPeerConnections } from '../../tests/helpers/webrtc.ts';
import { api, login } from '../lib/client.ts';
import { ROOT, startServerProcess } from '../lib/server-process.ts';

const PASSWORD = 'HoaBinh@2026';

export async function measureJoinTimes(joins: number, log: (line: string) => void): Promise<number[]> {
  if (!existsSync(path.join(ROOT, 'build/handler.js'))) throw new Error('build/ is missing: run `npx vite build` first');
  const server = await startServerProcess({ MEDIA_WORKERS: '1', MEDIA_LISTEN_IP: '127.0.0.1', MEDIA_WEBRTC_PORT: '20000-29999', LOG_LEVEL: 'error' });
  const browser = await launchBrowser();
  try {
    const secretary = await login(server.url, 'thuky', PASSWORD);
    type Unit = { id: string; name: string };
    type User = { id: string; username: string };
    type Endpoint = { id: string; accountUserIds: string[] };
    const units = (await api<{ units: Unit[] }>(server.url, secretary, 'GET', '/api/v1/units')).units;
    const users = (await api<{ users: User[] }>(server.url, secretary, 'GET', '/api/v1/users?limit=500')).users;
    const userId = (username: string) => users.find((u) => u.username === username)!.id;
    const { meeting } = await api<{ meeting: { id: string } }>(server.url, secretary, 'POST', '/api/v1/meetings', {
      kind: 'btv',
      title: 'Đo thời gian vào hội nghị',
      organizerUnitId: units.find((u) => u.name === 'Văn phòng Tỉnh ủy')!.id,
      startsAt: '2026-12-20T01:30:00.000Z',
      membershipTotal: 1,
    });
    await api(server.url, secretary, 'POST', `/api/v1/meetings/${meeting.id}/participants`, { userId: userId('bithu'), role: 'chair' });
    const endpoints = (await api<{ endpoints: Endpoint[] }>(server.url, secretary, 'GET', '/api/v1/endpoints')).endpoints;
    const hall = endpoints.find((e) => e.accountUserIds.includes(userId('diemcau.caophong')))!;
    await api(server.url, secretary, 'POST', `/api/v1/meetings/${meeting.id}/endpoints`, { endpointId: hall.id });
    await api(server.url, secretary, 'POST', `/api/v1/meetings/${meeting.id}/status`, { to: 'published' });
    const conferenceUrl = `${server.url}/meetings/${meeting.id}/conference`;

    const open = async (username: string) => {
      const cookie = await login(server.url, username, PASSWORD);
      const [name, value] = cookie.split(';')[0]!.split('=') as [string, string];
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN' });
      await context.addCookies([{ name, value, url: server.url }]);
      await context.addInitScript(recordPeerConnections);
      const page = await context.newPage();
      if (process.env.BENCH_DEBUG === '1') page.on('console', (message) => console.log(`[${username}] ${message.text()}`));
      return { context, page };
    };

    // The chair's hall is in the conference, sending its camera.
    const chair = await open('bithu');
    await chair.page.goto(conferenceUrl);
    await chair.page.getByRole('button', { name: 'Tham gia hội nghị' }).click();
    await chair.page.locator('[data-testid="conference-status"][data-state="connected"]').waitFor({ timeout: 30_000 });

    const viewer = await open('diemcau.caophong');
    const times: number[] = [];
    for (let i = 0; i < joins; i++) {
      await viewer.page.goto(conferenceUrl);
      const button = viewer.page.locator('button:not([disabled])', { hasText: 'Tham gia hội nghị' });
      await button.waitFor();
      await button.evaluate((element) => {
        (window as unknown as { __clicked: number }).__clicked = performance.now();
        (element as HTMLButtonElement).click();
      });
      const ms = await viewer.page.evaluate(
        () =>
          new Promise<number>((resolve, reject) => {
            const started = (window as unknown as { __clicked: number }).__clicked;
            const deadline = started + 30_000;
            const poll = async () => {
              for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
                if (pc.signalingState === 'closed') continue;
                let decoded = false;
                (await pc.getStats()).forEach((s: Record<string, unknown>) => {
                  if (s.type === 'inbound-rtp' && s.kind === 'video' && Number(s.framesDecoded ?? 0) > 0) decoded = true;
                });
                if (decoded) return resolve(performance.now() - started);
              }
              if (performance.now() > deadline) {
                const state = document.querySelector('[data-testid="conference-status"]')?.getAttribute('data-state');
                return reject(new Error(`no decoded frame within 30 s (status ${state}, ${(window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.length} peer connections)`));
              }
              setTimeout(() => void poll(), 5);
            };
            void poll();
          }),
      );
      times.push(ms);
      log(`  join ${i + 1}/${joins}: ${ms.toFixed(0)} ms to the first decoded frame`);
    }
    return times;
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
  }
}
