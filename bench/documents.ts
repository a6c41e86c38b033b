/**
 * bench:documents — 200 tablets open the same 30 MB PDF at once, the way
 * pdf.js does: a range request for the start of the file (its time to first
 * byte is what a delegate waits for), then the rest. Measured against our
 * server (access check per request, range support, ETag) and, in the same
 * run, against Debian's nginx serving the same file from the same disk.
 */
import { chmod, copyFile, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { writeScannedPdf } from './lib/big-pdf.ts';
import { api, login, uploadFile } from './lib/client.ts';
import { startNginx } from './lib/nginx.ts';
import { startServerProcess } from './lib/server-process.ts';
import { percentile, resultLine, round } from './lib/stats.ts';

const READERS = Number(process.env.BENCH_READERS ?? 200);
const SIZE_MB = Number(process.env.BENCH_SIZE_MB ?? 30);
const FIRST_RANGE = 65_536; // pdf.js's default range chunk

type Run = { ttfbMs: number[]; bytes: number; seconds: number; failures: number };

function get(agent: http.Agent, url: string, headers: Record<string, string>): Promise<{ ttfb: number; bytes: number; status: number; sample: string }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers }, (response) => {
        const ttfb = performance.now() - started;
        let bytes = 0;
        let sample = '';
        response.on('data', (chunk: Buffer) => {
          if (bytes === 0) sample = chunk.subarray(0, 200).toString();
          bytes += chunk.length;
        });
        response.on('end', () => resolve({ ttfb, bytes, status: response.statusCode ?? 0, sample }));
        response.on('error', reject);
      })
      .on('error', reject);
  });
}

async function readers(url: string, headers: Record<string, string>, size: number): Promise<Run> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: READERS });
  const ttfbMs: number[] = [];
  let bytes = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: READERS }, async () => {
      const head = await get(agent, url, { ...headers, range: `bytes=0-${FIRST_RANGE - 1}` });
      const rest = await get(agent, url, { ...headers, range: `bytes=${FIRST_RANGE}-` });
      if (head.status !== 206 || rest.status !== 206 || head.bytes + rest.bytes !== size) {
        if (failures === 0) console.log(`  first failure: ${head.status}/${rest.status}, ${head.bytes + rest.bytes} of ${size} bytes: ${head.sample} | ${rest.sample}`);
        failures += 1;
      }
      ttfbMs.push(head.ttfb);
      bytes += head.bytes + rest.bytes;
    }),
  );
  agent.destroy();
  return { ttfbMs, bytes, seconds: (performance.now() - started) / 1000, failures };
}

function report(label: string, run: Run): number {
  const throughput = run.bytes / 1024 / 1024 / run.seconds;
  console.log(
    `${label.padEnd(8)} ${READERS} readers: ${round(throughput)} MB/s aggregate, TTFB p50 ${round(percentile(run.ttfbMs, 50))} ms, p95 ${round(percentile(run.ttfbMs, 95))} ms, ${round(run.seconds)} s, failures ${run.failures}`,
  );
  if (run.failures > 0) throw new Error(`${label}: ${run.failures} readers got a wrong answer`);
  return throughput;
}

const work = await mkdtemp(path.join(os.tmpdir(), 'phs-bench-docs-'));
const pdfPath = path.join(work, 'ho-so.pdf');
console.log(`• generating a ${SIZE_MB} MB scanned-style PDF…`);
await writeScannedPdf(pdfPath, SIZE_MB * 1024 * 1024);
const size = (await stat(pdfPath)).size;

console.log('• starting the app (embedded database, demo data) and uploading the file…');
const server = await startServerProcess({ DEMO_DATA: 'true', UPLOAD_LIMIT_MB: '500', MAX_SOCKETS_PER_USER: '1000' });
try {
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
  const delegate = await login(server.url, 'caophong.bithu', 'HoaBinh@2026');

  const nginxRoot = path.join(work, 'www');
  await mkdir(nginxRoot);
  await copyFile(pdfPath, path.join(nginxRoot, 'ho-so.pdf'));
  // nginx's workers run as an unprivileged user; mkdtemp made the folder private.
  await chmod(work, 0o755);
  await chmod(nginxRoot, 0o755);
  await chmod(path.join(nginxRoot, 'ho-so.pdf'), 0o644);
  const nginx = await startNginx(nginxRoot, os.availableParallelism());
  try {
    const fileUrl = `${server.url}/api/v1/documents/${documentId}/versions/1/file`;
    // Warm both (page cache, JIT) with a few readers before measuring.
    await get(new http.Agent(), fileUrl, { cookie: delegate, range: 'bytes=0-1023' });
    await get(new http.Agent(), `${nginx.url}/ho-so.pdf`, { range: 'bytes=0-1023' });

    console.log(`• file: ${round(size / 1024 / 1024)} MB; ${READERS} concurrent readers each fetch it in two range requests`);
    const ours = report('app', await readers(fileUrl, { cookie: delegate }, size));
    const base = report('nginx', await readers(`${nginx.url}/ho-so.pdf`, {}, size));
    console.log(resultLine('documents', 'throughput', ours, base, 'MB/s'));
  } finally {
    await nginx.stop();
  }
} finally {
  await server.stop();
  await rm(work, { recursive: true, force: true });
  await rm(server.dataDir, { recursive: true, force: true });
}
