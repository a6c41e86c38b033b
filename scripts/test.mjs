// `npm test`: the whole suite on a fresh clone. Installs what is missing
// (dependencies, Debian's chromium for the browser tests), builds the web app
// if stale, then type-checks, lints and runs unit, integration and e2e tests.
// With DATABASE_URL set the tests use that PostgreSQL; otherwise embedded.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { RUNTIME_PACKAGES, ensureDependencies, ensureMediasoupWorker, ensureSystemPackages, ensureWebBuild, fail, hasCommand, node24, runWithNode24, step } from './lib/setup.mjs';

const RESULTS = 'test-results/vitest.json';
rmSync(RESULTS, { force: true });

ensureSystemPackages([
  ...RUNTIME_PACKAGES,
  { pkg: 'chromium', why: 'trình duyệt cho kiểm thử đầu-cuối / browser for end-to-end tests', present: hasCommand('/usr/bin/chromium') },
  { pkg: 'coturn', why: 'máy chủ TURN cho kiểm thử mạng đóng / TURN server for the closed-network tests', present: hasCommand('/usr/bin/turnserver') },
  { pkg: 'openssl', why: 'chứng chỉ thử cho TURN qua TLS / test certificate for TURN over TLS', present: hasCommand('/usr/bin/openssl') },
  { pkg: 'iproute2', why: 'không gian mạng cho kiểm thử nhiều máy / network namespaces for multi-host tests', present: hasCommand('/usr/sbin/ip') },
  { pkg: 'nftables', why: 'chặn UDP trong kiểm thử mạng đóng / dropping UDP in the closed-network test', present: hasCommand('/usr/sbin/nft') },
  { pkg: 'fonts-dejavu-core', why: 'phông chữ tiếng Việt / fonts with Vietnamese glyphs', present: hasCommand('/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf') },
  { pkg: 'ffmpeg', why: 'ghi hình hội nghị (ffmpeg, ffprobe) / conference recording (ffmpeg, ffprobe)', present: hasCommand('/usr/bin/ffprobe') },
  { pkg: 'nginx', why: 'máy chủ ngược cho đường tài liệu X-Accel / reverse proxy for the X-Accel document path', present: hasCommand('/usr/sbin/nginx') },
  { pkg: 'libnss3-tools', why: 'kho chứng thư cho pdfsig khi kiểm thử chữ ký số / NSS db so pdfsig trusts the test CA (certutil)', present: hasCommand('/usr/bin/certutil') },
  { pkg: 'openssl', why: 'máy chủ dấu thời gian RFC 3161 khi kiểm thử / RFC 3161 timestamp authority for tests (openssl ts)', present: hasCommand('/usr/bin/openssl') },
]);
ensureDependencies();
ensureMediasoupWorker();
ensureWebBuild();

const stages = [
  ['Đồng bộ SvelteKit / svelte-kit sync', ['node_modules/@sveltejs/kit/svelte-kit.js', 'sync']],
  ['Kiểm tra kiểu máy chủ / type check (server, tests)', ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'tsconfig.server.json']],
  ['Kiểm tra kiểu giao diện / type check (web)', ['node_modules/svelte-check/bin/svelte-check', '--tsconfig', './tsconfig.json', '--threshold', 'error', '--output', 'human']],
  ['Kiểm tra mã / lint', ['node_modules/eslint/bin/eslint.js', '.']],
  ['Kiểm thử / tests (unit, integration, e2e)', ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${RESULTS}`, ...process.argv.slice(2)]],
];
let failed;
for (const [title, args] of stages) {
  step(title);
  const code = await runWithNode24(node24(), args);
  if (code !== 0) {
    failed = `${title}: failed (exit ${code})`;
    break;
  }
}
// One plain closing line with the counts, whatever the runner printed above.
if (existsSync(RESULTS)) {
  const r = JSON.parse(readFileSync(RESULTS, 'utf8'));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`\nvitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
}
if (failed !== undefined) fail(failed);
