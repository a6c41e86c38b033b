/**
 * bench:documents — 200 tablets open the same 30 MB PDF at once, the way
 * pdf.js does: a range request for the start of the file (its time to first
 * byte is what a delegate waits for), then the rest. Each tablet has its own
 * session (its own login), as in a hall. Three paths in the same run:
 *  - `embedded`: the app alone (embedded database, access check, ranges, ETag);
 *  - `fronted`: the production path, as docker-compose.yml runs it: nginx in
 *    front of the app with FILE_DELIVERY=x-accel (the app authorises, nginx
 *    sends the bytes), the app on PostgreSQL (a throwaway database on the
 *    server of DATABASE_URL; the embedded database when none answers);
 *  - `nginx`: Debian's nginx serving the same file from the same disk, no
 *    check at all (the baseline).
 * The readers are shared out over BENCH_READER_PROCESSES processes (default
 * 2, bench/documents/readers.ts): tablets are separate devices, and in one
 * process the bulk bytes of the readers served first delay the moment the
 * others' first bytes are seen. Throughput runs from the first request in
 * any process to the last byte in any.
 * Each path reads BENCH_RUNS times (default 3, each reader's sessions cold
 * again: more than a second apart); the figures compared are the medians.
 */
import { chmod, copyFile, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { FromReaders, ToReaders } from './documents/protocol.ts';
import { get } from './documents/range-get.ts';
import { forkChild, type Channel } from './fanout/children.ts';
import { writeScannedPdf } from './lib/big-pdf.ts';
import { api, login, uploadFile } from './lib/client.ts';
import { startNginx } from './lib/nginx.ts';
import { startServerProcess, type ServerProcess } from './lib/server-process.ts';
import { throwawayDatabase, type ThrowawayDatabase } from './lib/throwaway-db.ts';
import { percentile, resultLine, round } from './lib/stats.ts';

const READERS = Number(process.env.BENCH_READERS ?? 200);
const SIZE_MB = Number(process.env.BENCH_SIZE_MB ?? 30);
const FIRST_RANGE = 65_536; // pdf.js's default range chunk
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
/** Readers processes; each holds an equal share of the readers (tablets are separate devices). */
const READER_PROCESSES = Math.max(1, Number(process.env.BENCH_READER_PROCESSES ?? 2));
/** Longer than the app remembers a session or an access decision (at most 1 s), so every run starts cold. */
const BETWEEN_RUNS_MS = 1_500;

type Run = { ttfbMs: number[]; bytes: number; seconds: number; failures: number };

/** `cookies`: one per reader (their own session); none for bare nginx. Reader i reads in process i % n. */
async function readers(url: string, cookies: string[] | null, size: number): Promise<Run> {
  const share = <T>(items: T[], which: number) => items.filter((_, i) => i % readerProcesses.length === which);
  const counts = readerProcesses.map((_, p) => share(Array.from({ length: READERS }, (_, i) => i), p).length);
  readerProcesses.forEach((channel, p) => channel.send({ type: 'read', url, cookies: cookies === null ? null : share(cookies, p), readers: counts[p]!, size, firstRange: FIRST_RANGE }));
  const done = await Promise.all(readerProcesses.map((channel) => channel.next((m): m is Extract<FromReaders, { type: 'read-done' }> => m.type === 'read-done', 600_000, 'read-done')));
  const failure = done.find((d) => d.firstFailure !== null)?.firstFailure;
  if (failure !== undefined) console.log(`  first failure: ${failure}`);
  return {
    ttfbMs: done.flatMap((d) => d.ttfbMs),
    bytes: done.reduce((n, d) => n + d.bytes, 0),
    seconds: (Math.max(...done.map((d) => d.endedAt)) - Math.min(...done.map((d) => d.startedAt))) / 1000,
    failures: done.reduce((n, d) => n + d.failures, 0),
  };
}

function report(label: string, run: Run): { throughput: number; p95: number } {
  const throughput = run.bytes / 1024 / 1024 / run.seconds;
  console.log(
    `${label.padEnd(9)} ${READERS} readers: ${round(throughput)} MB/s aggregate, TTFB p50 ${round(percentile(run.ttfbMs, 50))} ms, p95 ${round(percentile(run.ttfbMs, 95))} ms, ${round(run.seconds)} s, failures ${run.failures}`,
  );
  if (run.failures > 0) throw new Error(`${label}: ${run.failures} readers got a wrong answer`);
  return { throughput, p95: percentile(run.ttfbMs, 95) };
}

/** RUNS reads of one path, each reported; the medians of throughput and first-byte p95. */
async function measured(label: string, url: string, cookies: string[] | null, size: number): Promise<{ throughput: number; p95: number }> {
  const runs: { throughput: number; p95: number }[] = [];
  for (let i = 0; i < RUNS; i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, BETWEEN_RUNS_MS));
    runs.push(report(`${label}${RUNS > 1 ? ` #${i + 1}` : ''}`, await readers(url, cookies, size)));
  }
  return { throughput: percentile(runs.map((r) => r.throughput), 50), p95: percentile(runs.map((r) => r.p95), 50) };
}

type Setup = { server: ServerProcess; documentId: string; cookies: string[] };

/** The app in its own process, the file uploaded to a published meeting, and one session per reader. */
async function startApp(pdfPath: string, env: Record<string, string>): Promise<Setup> {
  const server = await startServerProcess({ DEMO_DATA: 'true', UPLOAD_LIMIT_MB: '500', MAX_SOCKETS_PER_USER: '1000', LOGIN_MAX_FAILURES_PER_ACCOUNT: '1000', LOGIN_MAX_FAILURES_PER_ADDRESS: '100000', RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '1000000', RATE_LIMIT_PER_USER_PER_MINUTE: '1000000', ...env });
  const secretary = await login(server.url, 'thuky', 'HoaBinh@2026');
  const units = await api<{ units: { id: string; name: string }[] }>(server.url, secretary, 'GET', '/api/v1/units');
  const users = await api<{ users: { id: string; username: string }[] }>(server.url, secretary, 'GET', '/api/v1/users?limit=500');
  const { meeting } = await api<{ meeting: { id: string } }>(server.url, secretary, 'POST', '/api/v1/meetings', {
    kind: 'bch',
    title: 'Đo tải tài liệu',
    organizerUnitId: units.units.find((u) => u.name === 'Văn phòng Tỉnh ủy')!.id,
    startsAt: new Date(Date.now() + 86_400_000).toISOString(),
    membershipTotal: 55,
  });
  await api(server.url, secretary, 'POST', `/api/v1/meetings/${meeting.id}/participants`, { userId: users.users.find((u) => u.username === 'caophong.bithu')!.id, role: 'delegate' });
  const uploaded = await uploadFile(`${server.url}/api/v1/meetings/${meeting.id}/documents`, secretary, { title: 'Hồ sơ quét', kind: 'annex' }, pdfPath, 'ho-so.pdf');
  if (uploaded.status !== 201) throw new Error(`upload failed: ${uploaded.status} ${uploaded.body}`);
  const documentId = (JSON.parse(uploaded.body) as { document: { id: string } }).document.id;
  await api(server.url, secretary, 'POST', `/api/v1/meetings/${meeting.id}/status`, { to: 'published' });
  const cookies: string[] = [];
  // One session per tablet (a few logins at a time: each hashes a password).
  for (let i = 0; i < READERS; i += 8) cookies.push(...(await Promise.all(Array.from({ length: Math.min(8, READERS - i) }, () => login(server.url, 'caophong.bithu', 'HoaBinh@2026')))));
  return { server, documentId, cookies };
}

async function stopApp(setup: Setup): Promise<void> {
  await setup.server.stop();
  await rm(setup.server.dataDir, { recursive: true, force: true });
}

const readerProcesses: Channel<FromReaders, ToReaders>[] = Array.from({ length: READER_PROCESSES }, (_, i) => forkChild<FromReaders, ToReaders>('../documents/readers.ts', `readers ${i + 1}`));
const work = await mkdtemp(path.join(os.tmpdir(), 'phs-bench-docs-'));
const pdfPath = path.join(work, 'ho-so.pdf');
console.log(`• generating a ${SIZE_MB} MB scanned-style PDF…`);
await writeScannedPdf(pdfPath, SIZE_MB * 1024 * 1024);
const size = (await stat(pdfPath)).size;
const fileOf = (documentId: string) => `/api/v1/documents/${documentId}/versions/1/file`;
// nginx's workers run as an unprivileged user; mkdtemp made the folders private.
const openUp = async (dir: string) => chmod(dir, 0o755);
console.log(`• machine: ${os.availableParallelism()} cores, load ${os.loadavg().map((l) => round(l)).join(' ')} (shared with other work: figures vary)`);
console.log(`• file: ${round(size / 1024 / 1024)} MB; ${READERS} concurrent readers, each with its own session, fetch it in two range requests, from ${READER_PROCESSES} readers process(es)`);

try {
  console.log('• embedded: the app alone (embedded database)…');
  const embedded = await startApp(pdfPath, {});
  let ours: { throughput: number; p95: number };
  try {
    await get(new http.Agent(), embedded.server.url + fileOf(embedded.documentId), { cookie: embedded.cookies[0]!, range: 'bytes=0-1023' });
    ours = await measured('embedded', embedded.server.url + fileOf(embedded.documentId), embedded.cookies, size);
  } finally {
    await stopApp(embedded);
  }

  const database: ThrowawayDatabase | undefined = await throwawayDatabase('phs_bench_documents').catch((error: unknown) => {
    console.log(`  (no PostgreSQL for the production path: ${String(error)}; it runs on the embedded database)`);
    return undefined;
  });
  console.log(`• fronted: nginx in front of the app, FILE_DELIVERY=x-accel, ${database ? `PostgreSQL (${database.name})` : 'embedded database'}…`);
  const fronted = await startApp(pdfPath, { FILE_DELIVERY: 'x-accel', FILE_ACCEL_PREFIX: '/_protected-files/', ...(database ? { DATABASE_URL: database.url } : {}) });
  let proxied: { throughput: number; p95: number };
  try {
    // nginx's workers read the app's files (in production: the shared volume, read-only).
    if (spawnSync('chmod', ['-R', 'a+rX', fronted.server.dataDir]).status !== 0) throw new Error('could not open the data folder to nginx');
    const proxy = await startNginx(
      fronted.server.dataDir,
      os.availableParallelism(),
      `location /_protected-files/ { internal; alias ${fronted.server.dataDir}/; }
    location /api/ { proxy_pass http://phong_hop_so_app; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header Host $host; }`,
      // As deploy/nginx/phong-hop-so.conf: connections to the app are kept open and reused, not one per request.
      `upstream phong_hop_so_app { server ${new URL(fronted.server.url).host}; keepalive 64; }`,
    );
    try {
      await get(new http.Agent(), proxy.url + fileOf(fronted.documentId), { cookie: fronted.cookies[0]!, range: 'bytes=0-1023' });
      proxied = await measured('fronted', proxy.url + fileOf(fronted.documentId), fronted.cookies, size);
    } finally {
      await proxy.stop();
    }
  } finally {
    await stopApp(fronted);
    await database?.drop();
  }

  console.log('• nginx: the same file, no check (baseline)…');
  const nginxRoot = path.join(work, 'www');
  await mkdir(nginxRoot);
  await copyFile(pdfPath, path.join(nginxRoot, 'ho-so.pdf'));
  await openUp(work);
  await openUp(nginxRoot);
  await chmod(path.join(nginxRoot, 'ho-so.pdf'), 0o644);
  const nginx = await startNginx(nginxRoot, os.availableParallelism());
  let base: { throughput: number; p95: number };
  try {
    await get(new http.Agent(), `${nginx.url}/ho-so.pdf`, { range: 'bytes=0-1023' });
    base = await measured('nginx', `${nginx.url}/ho-so.pdf`, null, size);
  } finally {
    await nginx.stop();
  }

  console.log(`targets: embedded ≥ 0.8× nginx, fronted ≥ 0.95× nginx, first byte p95 ≤ 200 ms`);
  console.log(`medians of ${RUNS} run(s): embedded ${round(ours.throughput)}, fronted ${round(proxied.throughput)}, nginx ${round(base.throughput)} MB/s`);
  console.log(`first byte p95 (median of ${RUNS}): embedded ${round(ours.p95)} ms, fronted ${round(proxied.p95)} ms, nginx ${round(base.p95)} ms`);
  console.log(resultLine('documents-fronted', 'throughput', proxied.throughput, base.throughput, 'MB/s'));
  console.log(resultLine('documents', 'throughput', ours.throughput, base.throughput, 'MB/s'));
} finally {
  await Promise.allSettled(readerProcesses.map((channel) => channel.kill()));
  await rm(work, { recursive: true, force: true });
}
