// Shared by `npm start` and `npm test`. Plain JavaScript that runs on the
// system Node (20 on Debian 12) because it runs before `npm install` has
// brought the project's own Node 24 (the `node` npm package).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const NODE24 = path.join(ROOT, 'node_modules', 'node', 'bin', 'node');

export function step(message) {
  console.log(`\x1b[36m•\x1b[0m ${message}`);
}
export function done(message) {
  console.log(`\x1b[32m✔\x1b[0m ${message}`);
}
export function fail(message) {
  console.error(`\x1b[31m✖\x1b[0m ${message}`);
  process.exit(1);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', ...options });
  if (result.error) fail(`${command} ${args.join(' ')}: ${result.error.message}`);
  return result.status ?? 1;
}

function hashFiles(paths) {
  const hash = createHash('sha256');
  const visit = (p) => {
    if (!existsSync(p)) return;
    const stat = statSync(p);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(p).sort()) visit(path.join(p, entry));
    } else {
      hash.update(path.relative(ROOT, p));
      hash.update(readFileSync(p));
    }
  };
  for (const p of paths) visit(path.join(ROOT, p));
  return hash.digest('hex');
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * Debian packages the project needs on this machine. As root they are
 * installed (Debian's own repositories only); otherwise the exact command is
 * printed and we stop.
 * @param {{ pkg: string, why: string, present: () => boolean }[]} needs
 */
export function ensureSystemPackages(needs) {
  const missing = needs.filter((need) => !need.present());
  if (missing.length === 0) return;
  const names = missing.map((m) => m.pkg);
  for (const m of missing) step(`Thiếu gói hệ thống / missing Debian package: ${m.pkg} (${m.why})`);
  const command = `apt-get install -y --no-install-recommends ${names.join(' ')}`;
  if (!isRoot) fail(`Cài đặt bằng quyền root / install as root:\n  sudo apt-get update && sudo ${command}`);
  step('apt-get update');
  if (run('apt-get', ['update', '-qq']) !== 0) fail('apt-get update failed');
  step(command);
  if (run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...names], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }) !== 0) {
    fail(`Không cài được / could not install: ${names.join(' ')}`);
  }
  for (const m of missing) if (!m.present()) fail(`${m.pkg} installed but still not usable`);
  done(`Đã cài / installed: ${names.join(' ')}`);
}

export const hasCommand = (file) => () => existsSync(file);

/** What the server itself uses from Debian at run time. */
export const RUNTIME_PACKAGES = [
  { pkg: 'poppler-utils', why: 'trích văn bản PDF để tìm kiếm / PDF text for search (pdftotext)', present: hasCommand('/usr/bin/pdftotext') },
];

/** `npm install` (never `npm ci`: see the README) when node_modules is missing or the lock file changed. */
export function ensureDependencies() {
  const marker = path.join(ROOT, 'node_modules', '.phs-deps-hash');
  const wanted = hashFiles(['package.json', 'package-lock.json']);
  if (existsSync(NODE24) && existsSync(marker) && readFileSync(marker, 'utf8') === wanted) return;
  step('Cài thư viện / installing dependencies (npm install)…');
  if (run('npm', ['install', '--no-audit', '--no-fund'], { shell: process.platform === 'win32' }) !== 0) fail('npm install failed');
  if (!existsSync(NODE24)) fail(`npm install did not provide Node 24 at ${NODE24}`);
  writeFileSync(marker, wanted);
  done('Thư viện đã sẵn sàng / dependencies ready');
}

/**
 * The mediasoup worker, built from the npm tarball's sources against Debian's
 * libraries (see scripts/mediasoup-worker/README.md). A cache keyed by
 * version, patch and distribution makes every run after the first instant.
 */
export function ensureMediasoupWorker() {
  const installed = path.join(ROOT, 'node_modules', 'mediasoup', 'worker', 'out', 'Release', 'mediasoup-worker');
  if (existsSync(installed)) return;
  step('Chuẩn bị máy chủ truyền hình / preparing the mediasoup worker (first build takes minutes)…');
  if (run('bash', [path.join(ROOT, 'scripts', 'mediasoup-worker', 'build.sh'), '--install']) !== 0) fail('mediasoup worker build failed (see above)');
  done('mediasoup worker ready');
}

/** The project's Node 24 (from the `node` npm package), whatever `node` the shell has. */
export function node24() {
  return NODE24;
}

const WEB_SOURCES = ['web', 'server/contract', 'server/i18n', 'svelte.config.js', 'vite.config.ts', 'package-lock.json'];

/** Builds the SvelteKit app into build/ when its sources changed since the last build. */
export function ensureWebBuild() {
  const marker = path.join(ROOT, 'build', '.phs-source-hash');
  const wanted = hashFiles(WEB_SOURCES);
  if (existsSync(path.join(ROOT, 'build', 'handler.js')) && existsSync(marker) && readFileSync(marker, 'utf8') === wanted) return;
  step('Dựng giao diện web / building the web app (vite build)…');
  const status = run(NODE24, [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn']);
  if (status !== 0) fail('vite build failed');
  mkdirSync(path.join(ROOT, 'build'), { recursive: true });
  writeFileSync(marker, wanted);
  done('Giao diện web đã dựng / web app built');
}

/**
 * Runs a command with Node 24 first on PATH, forwarding signals; resolves with its exit code.
 * `onSpawn` receives the child process (the supervisor prints its pid).
 */
export function runWithNode24(command, args, env = {}, onSpawn = () => {}) {
  const binDir = path.dirname(NODE24);
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, PATH: `${path.join(ROOT, 'node_modules', '.bin')}${path.delimiter}${binDir}${path.delimiter}${process.env.PATH ?? ''}`, ...env },
    });
    onSpawn(child);
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}
