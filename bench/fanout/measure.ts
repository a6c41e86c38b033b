/**
 * The measurement: one page change timed from the presenter's emit to every
 * tablet's receipt, and a whole phase at N tablets per server (grow both,
 * read their memory, then alternate their page changes so that whatever
 * else the machine does falls on both alike; CPU read from /proc around the
 * timed changes).
 */
import { percentile } from '../lib/stats.ts';
import { cpuMs } from './children.ts';
import type { Inspector } from './inspector.ts';
import { CHANGE_TIMEOUT_MS, options, SETTLE_MS, sleep } from './options.ts';
import { profiled } from './profiling.ts';
import { clock, type FromTablets, type Target } from './protocol.ts';
import type { Memory, Subject } from './subjects.ts';
import { growTo, type TabletChannel } from './tablet-pool.ts';

export type Change = { all: number; median: number; first: number; ack: number };

export type Phase = {
  target: Target;
  n: number;
  changes: Change[];
  /** tablets connected in this phase (the others stayed from the previous N), how long that took */
  added: number;
  connectMs: number;
  /** server CPU spent per tablet that connected and joined in this phase */
  joinCpuMs: number;
  rssKbPerTablet: number;
  heapKbPerTablet: number;
  cpuMsPerChange: number;
  missing: number;
};

export type Rig = { procs: TabletChannel[]; offsets: number[]; inspector: Inspector | undefined; nextPage: () => number };

let lastEmit = 0;

/** One page change on one server: arm the tablets, emit, wait for the ack and for every tablet (or the timeout). */
async function pageChange(rig: Rig, subject: Subject, page: number): Promise<Change & { missing: number }> {
  const wait = lastEmit + options.spacingMs - clock();
  if (wait > 0) await sleep(wait);
  const pending = await Promise.all(
    rig.procs.map(async (tablets) => {
      const armed = tablets.next((m): m is Extract<FromTablets, { type: 'armed' }> => m.type === 'armed' && m.target === subject.target && m.page === page, 5_000, 'armed');
      const done = tablets.next((m): m is Extract<FromTablets, { type: 'done' }> => m.type === 'done' && m.target === subject.target && m.page === page, CHANGE_TIMEOUT_MS + 5_000, 'done');
      done.catch(() => {}); // awaited below, unless arming fails first
      tablets.send({ type: 'arm', target: subject.target, page, timeoutMs: CHANGE_TIMEOUT_MS });
      await armed;
      return { done }; // wrapped: an async function returning the promise itself would wait for it
    }),
  );
  const t0 = clock();
  lastEmit = t0;
  const acked = subject.present(page).then(() => clock());
  const [ackAt, reports] = await Promise.all([acked, Promise.all(pending.map((p) => p.done))]);
  const received: number[] = [];
  let missing = 0;
  reports.forEach((report, p) => {
    for (const at of report.times) if (at !== 0) received.push(at - rig.offsets[p]! - t0);
    missing += report.missing;
  });
  if (received.length === 0) throw new Error(`${subject.target}: no tablet received page ${page}`);
  return { all: Math.max(...received), median: percentile(received, 50), first: Math.min(...received), ack: ackAt - t0, missing };
}

/** Both servers at N tablets each, then their timed page changes, alternating (app, bare, bare, app, …). */
export async function measureAt(rig: Rig, subjects: Subject[], n: number, profile: { connect: boolean; changes: boolean }): Promise<Phase[]> {
  const connectMs: number[] = [];
  const joinCpuMs: number[] = [];
  const added: number[] = [];
  for (const subject of subjects) {
    const before = { cpu: await cpuMs(subject.pid), connected: subject.connected };
    const grow = () => growTo(rig.procs, subject, n);
    connectMs.push(await (profile.connect && subject.target === 'app' ? profiled(rig.inspector, options.profile, `${n - subject.connected} tablets connecting and joining`, true, grow) : grow()));
    added.push(n - before.connected);
    joinCpuMs.push(((await cpuMs(subject.pid)) - before.cpu) / Math.max(1, n - before.connected));
  }
  await sleep(SETTLE_MS);
  const memory: Memory[] = [];
  for (const subject of subjects) memory.push(await subject.memory());
  const changes: Change[][] = subjects.map(() => []);
  const missing = subjects.map(() => 0);
  let cpuStart: number[] = [];
  const loop = async () => {
    for (let i = 0; i < options.warmup + options.changes; i++) {
      if (i === options.warmup) cpuStart = await Promise.all(subjects.map((s) => cpuMs(s.pid)));
      const order = i % 2 === 0 ? subjects.map((_, k) => k) : subjects.map((_, k) => subjects.length - 1 - k);
      for (const k of order) {
        const change = await pageChange(rig, subjects[k]!, rig.nextPage());
        if (i < options.warmup) continue;
        changes[k]!.push(change);
        missing[k]! += change.missing;
      }
    }
  };
  await (profile.changes ? profiled(rig.inspector, options.profile, `${options.warmup + options.changes} page changes at N=${n}`, false, loop) : loop());
  const cpuEnd = await Promise.all(subjects.map((s) => cpuMs(s.pid)));
  return subjects.map((subject, k) => ({
    target: subject.target,
    n,
    changes: changes[k]!,
    added: added[k]!,
    connectMs: connectMs[k]!,
    joinCpuMs: joinCpuMs[k]!,
    rssKbPerTablet: (memory[k]!.rss - subject.memory0.rss) / 1024 / n,
    heapKbPerTablet: (memory[k]!.heap - subject.memory0.heap) / 1024 / n,
    cpuMsPerChange: (cpuEnd[k]! - cpuStart[k]!) / options.changes,
    missing: missing[k]!,
  }));
}
