#!/usr/bin/env node
/**
 * Summarises a V8 .cpuprofile (as written by `node --cpu-prof`, or by the
 * benches with BENCH_SERVER_PROFILE=<dir>): self time by function and by
 * package, and total (inclusive) time of the heaviest functions. For reading
 * where a bench's server spends its time; not part of the product.
 *
 *   node scripts/profile-summary.mjs <file.cpuprofile> [top=30] [from-ms] [to-ms]
 *
 * from/to (milliseconds since the profile's start) narrow it to a window,
 * e.g. one vote storm.
 */
import { readFileSync } from 'node:fs';

const [file, topArg, fromArg, toArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: profile-summary.mjs <file.cpuprofile> [top] [from-ms] [to-ms]');
  process.exit(2);
}
const top = Number(topArg ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

// Samples within the window: self time per node.
const selfUs = new Map();
let t = profile.startTime;
const from = fromArg === undefined ? -Infinity : profile.startTime + Number(fromArg) * 1000;
const to = toArg === undefined ? Infinity : profile.startTime + Number(toArg) * 1000;
for (let i = 0; i < profile.samples.length; i += 1) {
  const dt = profile.timeDeltas[i] ?? 0;
  t += dt;
  if (t < from || t > to) continue;
  const id = profile.samples[i];
  selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
}

const label = (n) => {
  const f = n.callFrame;
  const where = f.url ? f.url.replace(/^file:\/\//, '').replace(/.*node_modules\//, '~/').replace(/.*\/work\/[^/]+\//, '') : '';
  return `${f.functionName || '(anonymous)'} ${where}${where ? `:${f.lineNumber + 1}` : ''}`;
};
const packageOf = (n) => {
  const url = n.callFrame.url ?? '';
  if (!url) return n.callFrame.functionName.startsWith('(') ? n.callFrame.functionName : '(native)';
  if (url.startsWith('node:')) return url.split('/')[0];
  const m = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (m) return m[1];
  const own = url.match(/\/(server|web|media|bench)\/(.*?)\//);
  return own ? `${own[1]}/${own[2]}` : url;
};

const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
const add = (map, key, v) => map.set(key, (map.get(key) ?? 0) + v);
const bySelf = new Map();
const byPackage = new Map();
const inclusive = new Map();
for (const [id, us] of selfUs) {
  const n = byId.get(id);
  add(bySelf, label(n), us);
  add(byPackage, packageOf(n), us);
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const l = label(byId.get(cur));
    if (seen.has(l)) continue;
    seen.add(l);
    add(inclusive, l, us);
  }
}
const print = (title, map) => {
  console.log(`\n${title}`);
  for (const [k, v] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${(v / 1000).toFixed(1).padStart(9)} ms ${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
};
console.log(`${file}: ${(total / 1000).toFixed(1)} ms sampled`);
print('self time by package', byPackage);
print('self time by function', bySelf);
print('total time by function', inclusive);
