/**
 * `npm run media-node`: a media node on this host, for an app elsewhere.
 *
 *   MEDIA_NODE_NAME=vung-1              the name the app's MEDIA_NODES and MEDIA_NODE_UNITS use
 *   MEDIA_NODE_SECRET=...               the same secret as the app's (at least 24 characters)
 *   MEDIA_NODE_HOST=0.0.0.0             where the app's link connects (TCP)
 *   MEDIA_NODE_PORT=7100
 *   MEDIA_NODE_LISTEN_IP=10.0.0.3       where WebRTC and pipe transports listen on this host
 *   MEDIA_NODE_ANNOUNCED_ADDRESS=...    the address endpoints and other nodes reach (when listening on 0.0.0.0 or behind NAT)
 *   MEDIA_NODE_WORKERS=2                workers per app (default: cores)
 *   MEDIA_NODE_WEBRTC_PORTS=44000-44031 one UDP+TCP port per worker
 *   MEDIA_NODE_RTC_PORTS=45000-45999    pipe transports between nodes (UDP)
 *
 * Logs one JSON object per line on stdout. SIGTERM/SIGINT close it (its workers with it).
 */
import os from 'node:os';
import { isIP } from 'node:net';
import { MediaNodeServer } from './node-server.ts';
import { MIN_SECRET_LENGTH } from './psk.ts';

function fail(message: string): never {
  process.stderr.write(`media node: ${message}\n`);
  process.exit(2);
}

function env(name: string, fallback?: string): string {
  const value = process.env[name]?.trim();
  if (value) return value;
  if (fallback === undefined) fail(`${name} must be set`);
  return fallback;
}

function range(name: string, fallback: string): { min: number; max: number } {
  const raw = env(name, fallback);
  const match = /^(\d{4,5})-(\d{4,5})$/.exec(raw);
  const min = Number(match?.[1]);
  const max = Number(match?.[2]);
  if (!match || min < 1024 || max > 65535 || max < min) fail(`${name} must be a port range like ${fallback}, got "${raw}"`);
  return { min, max };
}

function whole(name: string, fallback: number, min: number, max: number): number {
  const raw = env(name, String(fallback));
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) fail(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return value;
}

const name = env('MEDIA_NODE_NAME');
if (!/^[A-Za-z0-9._-]{1,64}$/.test(name)) fail(`MEDIA_NODE_NAME must be letters, digits, dot, dash or underscore, got "${name}"`);
const secret = env('MEDIA_NODE_SECRET');
if (secret.length < MIN_SECRET_LENGTH) fail(`MEDIA_NODE_SECRET must have at least ${MIN_SECRET_LENGTH} characters`);
const host = env('MEDIA_NODE_HOST', '0.0.0.0');
const listenIp = env('MEDIA_NODE_LISTEN_IP', host);
if (!isIP(listenIp)) fail(`MEDIA_NODE_LISTEN_IP must be an IP address, got "${listenIp}"`);
const announcedAddress = process.env.MEDIA_NODE_ANNOUNCED_ADDRESS?.trim() || undefined;
if (announcedAddress === undefined && (listenIp === '0.0.0.0' || listenIp === '::')) fail('MEDIA_NODE_ANNOUNCED_ADDRESS must be set when listening on every address');

const server = new MediaNodeServer({
  name,
  secret,
  host,
  port: whole('MEDIA_NODE_PORT', 7100, 1, 65535),
  workers: whole('MEDIA_NODE_WORKERS', os.availableParallelism(), 1, 64),
  listenIp,
  ...(announcedAddress ? { announcedAddress } : {}),
  webRtcPorts: range('MEDIA_NODE_WEBRTC_PORTS', '44000-44031'),
  rtcPorts: range('MEDIA_NODE_RTC_PORTS', '45000-45999'),
  log: (level, message, fields = {}) => process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level, node: name, msg: message, ...fields })}\n`),
});

const { port } = await server.listen();
process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'info', node: name, msg: 'ready', port })}\n`);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void server.close().finally(() => process.exit(0));
  });
}
