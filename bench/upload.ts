/**
 * bench:upload — one 100 MB PDF uploaded through the real upload route
 * (multipart, streamed to disk, hashed, inspected by pdf.js in a worker
 * thread, recorded): throughput, and the server's peak memory, which must
 * stay far below the file size. Baseline in the same run: a bare Node HTTP
 * server that only pipes the same request body to a file on the same disk.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeScannedPdf } from './lib/big-pdf.ts';
import { api, login, uploadFile } from './lib/client.ts';
import { freePort, processMemory, resetPeakMemory, startServerProcess } from './lib/server-process.ts';
import { resultLine, round } from './lib/stats.ts';

const SIZE_MB = Number(process.env.BENCH_SIZE_MB ?? 100);
const MB = 1024 * 1024;

const work = await mkdtemp(path.join(os.tmpdir(), 'phs-bench-upload-'));
const pdfPath = path.join(work, 'ho-so-100mb.pdf');
console.log(`• generating a ${SIZE_MB} MB scanned-style PDF…`);
await writeScannedPdf(pdfPath, SIZE_MB * MB);
const size = (await stat(pdfPath)).size;

/** The baseline: Node's http module piping the body to disk, nothing else. */
async function bareUpload(): Promise<{ throughput: number; extraBytes: number }> {
  const port = await freePort();
  const target = path.join(work, 'bare-upload.bin');
  const child = spawn(
    process.execPath,
    [
      '-e',
      `require('http').createServer((q, s) => { const f = require('fs').createWriteStream(${JSON.stringify(target)}); q.pipe(f); f.on('finish', () => s.end('ok')); }).listen(${port}, '127.0.0.1', () => console.log('ready'));`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise((resolve) => child.stdout!.once('data', resolve));
  const idleBare = await processMemory(child.pid!);
  const started = performance.now();
  const result = await uploadFile(`http://127.0.0.1:${port}/`, '', { title: 'x', kind: 'annex' }, pdfPath, 'x.pdf');
  const seconds = (performance.now() - started) / 1000;
  const peakBare = await processMemory(child.pid!);
  child.kill();
  if (result.status !== 200) throw new Error(`bare upload: ${result.status}`);
  return { throughput: size / MB / seconds, extraBytes: peakBare.peak - idleBare.rss };
}

const server = await startServerProcess({ DEMO_DATA: 'true', UPLOAD_LIMIT_MB: String(SIZE_MB * 2) });
try {
  const secretary = await login(server.url, 'thuky', 'HoaBinh@2026');
  const units = await api<{ units: { id: string; name: string }[] }>(server.url, secretary, 'GET', '/api/v1/units');
  const { meeting } = await api<{ meeting: { id: string } }>(server.url, secretary, 'POST', '/api/v1/meetings', {
    kind: 'ubnd',
    title: 'Đo tải tải lên',
    organizerUnitId: units.units.find((u) => u.name === 'Văn phòng UBND tỉnh')!.id,
    startsAt: new Date(Date.now() + 86_400_000).toISOString(),
    membershipTotal: 12,
  });
  // Warm up as a running server would be: JIT, the PDF worker thread, the database pages.
  const smallPath = path.join(work, 'nho.pdf');
  await writeScannedPdf(smallPath, 2 * MB);
  const warm = await uploadFile(`${server.url}/api/v1/meetings/${meeting.id}/documents`, secretary, { title: 'Khởi động', kind: 'annex' }, smallPath, 'nho.pdf');
  if (warm.status !== 201) throw new Error(`warm-up upload failed: ${warm.status}`);

  const pid = server.child.pid!;
  await resetPeakMemory(pid);
  const idle = await processMemory(pid);

  const started = performance.now();
  const result = await uploadFile(`${server.url}/api/v1/meetings/${meeting.id}/documents`, secretary, { title: 'Hồ sơ quét 100 MB', kind: 'annex' }, pdfPath, 'ho-so-100mb.pdf');
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 201) throw new Error(`upload failed: ${result.status} ${result.body}`);
  const after = await processMemory(pid);
  const ours = size / MB / seconds;
  const base = await bareUpload();

  console.log(`file: ${round(size / MB)} MB (${(JSON.parse(result.body) as { document: { pageCount: number } }).document.pageCount} pages)`);
  console.log(`app upload (stream to disk, SHA-256, pdf.js inspection in a worker, record): ${round(seconds)} s, ${round(ours)} MB/s`);
  console.log(`server memory: idle RSS ${round(idle.rss / MB)} MB, peak during upload ${round(after.peak / MB)} MB → +${round((after.peak - idle.rss) / MB)} MB for a ${round(size / MB)} MB file (${round(((after.peak - idle.rss) / size) * 100, 1)}% of its size)`);
  console.log(`bare Node server piping the same body to disk: ${round(base.throughput)} MB/s, +${round(base.extraBytes / MB)} MB peak memory`);
  console.log(resultLine('upload', 'throughput', ours, base.throughput, 'MB/s'));
} finally {
  await server.stop();
  await rm(work, { recursive: true, force: true });
  await rm(server.dataDir, { recursive: true, force: true });
}
