/**
 * TURN for closed networks: a real coturn (Debian's turnserver) started from
 * the configuration the project generates accepts the time-limited credential
 * the app hands a participant, and refuses a wrong or expired one; the join
 * answer's ICE servers fit their schema. (The Chromium-through-coturn test in a
 * UDP-dropping network namespace is not done yet: see the branch report.)
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { IceServersSchema } from '../../server/contract/conference-realtime.ts';
import { iceServersFor, turnCredential } from '../../server/modules/conference/turn-credentials.ts';
import { startCoturn } from '../helpers/coturn.ts';

const SECRET = 'test-turn-secret-0123456789';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

/** turnutils_uclient (coturn's own client): exit code 0 = allocated and relayed, another code = refused, 'timeout' = no answer. */
function allocate(args: string[], username: string, password: string): Promise<number | 'timeout'> {
  return new Promise((resolve) => {
    const child = spawn('turnutils_uclient', [...args, '-y', '-c', '-n', '2', '-u', username, '-w', password, '127.0.0.1'], { stdio: 'ignore' });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(timedOut || code === null ? 'timeout' : code);
    });
  });
}

describe('coturn with the generated configuration and app-issued credentials', () => {
  let dir: string;
  let turn: ChildProcess;
  let port: number;
  let tlsPort: number;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'phs-turn-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=turn.test'], { stdio: 'ignore' });
    port = await freePort();
    tlsPort = await freePort();
    const relay = 20_000 + Math.floor(Math.random() * 20_000);
    turn = await startCoturn(dir, {
      secret: SECRET,
      realm: 'phonghopso.test',
      listeningPort: port,
      tlsListeningPort: tlsPort,
      certFile: path.join(dir, 'cert.pem'),
      keyFile: path.join(dir, 'key.pem'),
      listeningIps: ['127.0.0.1'],
      relayMinPort: relay,
      relayMaxPort: relay + 50,
      allowLoopbackPeers: true,
    });
  }, 30_000);

  afterAll(() => {
    turn?.kill('SIGTERM');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('gives each participant a signed, expiring credential that fits the join schema', () => {
    const config = loadConfig({ TURN_URLS: `turns:127.0.0.1:${tlsPort}?transport=tcp,turn:127.0.0.1:${port}`, TURN_SECRET: SECRET, TURN_CREDENTIAL_TTL_SECONDS: '600' });
    const now = Date.UTC(2026, 11, 6);
    const servers = iceServersFor(config.media.turn, 'user-1', now);
    expect(Value.Check(IceServersSchema, servers)).toBe(true);
    expect(servers[0]!.urls).toEqual([`turns:127.0.0.1:${tlsPort}?transport=tcp`, `turn:127.0.0.1:${port}`]);
    expect(servers[0]!.username).toBe(`${now / 1000 + 600}:user-1`);
    expect(iceServersFor(loadConfig({}).media.turn, 'user-1')).toEqual([]);
    expect(() => loadConfig({ TURN_URLS: 'http://x' , TURN_SECRET: SECRET })).toThrow(/TURN_URLS/);
    expect(() => loadConfig({ TURN_URLS: 'turn:x:3478', TURN_SECRET: 'short' })).toThrow(/TURN_SECRET/);
  });

  it('relays over UDP and TCP with the app-issued credential', async () => {
    const config = loadConfig({ TURN_URLS: `turn:127.0.0.1:${port}`, TURN_SECRET: SECRET });
    const [server] = iceServersFor(config.media.turn, 'user-2');
    expect(await allocate(['-p', String(port)], server!.username, server!.credential)).toBe(0);
    expect(await allocate(['-t', '-p', String(port)], server!.username, server!.credential)).toBe(0);
  }, 60_000);

  it('refuses a wrong secret and an expired credential', async () => {
    const refused = (code: number | 'timeout') => typeof code === 'number' && code !== 0;
    const expired = `${Math.floor(Date.now() / 1000) - 10}:user-3`;
    expect(refused(await allocate(['-p', String(port)], expired, turnCredential(SECRET, expired)))).toBe(true);
    const valid = `${Math.floor(Date.now() / 1000) + 600}:user-3`;
    expect(refused(await allocate(['-p', String(port)], valid, turnCredential('another-secret-0123456789', valid)))).toBe(true);
  }, 60_000);
});
