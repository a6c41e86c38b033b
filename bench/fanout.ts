/**
 * bench:fanout — the chair turns a page; how long until every tablet in the
 * hall has it? N = 100, 500 and 1,600 tablet sockets (Socket.io clients spread
 * over several processes, bench/fanout/tablets.ts) follow a meeting in
 * session on the real app; a presenter socket in this process (the chair)
 * sends `presentation:page`, and the tablets report when each received the
 * matching `live:update`. In the same run and with the same tablet processes,
 * a bare Socket.io server (bench/fanout/bare-server.ts: no auth, no database)
 * does the same broadcast of a message of the same bytes. Also: the idle
 * app's memory with each database (idle-memory.ts) and the server memory per
 * connected tablet.
 *
 * The parts: options.ts (knobs), cleanup.ts (what must stop), meeting-setup.ts
 * (the meeting over REST), subjects.ts (the two servers seen alike),
 * tablet-pool.ts (the client processes), measure.ts (timing), profiling.ts,
 * report.ts (table and RESULT lines).
 *
 * Knobs (environment): BENCH_SIZES (default "100,500,1600"), BENCH_CHANGES
 * (timed page changes per N and server, default 300: the p99 of 100 is the
 * second-worst change, so one hiccup of either server decided the ratio),
 * BENCH_WARMUP (default 5), BENCH_SPACING_MS (minimum time between two
 * changes, default 50; the app allows 30 calls/s per socket),
 * BENCH_TABLET_PROCS (tablet processes, default 4), BENCH_TIMEOUT_S (whole
 * run, default 900), BENCH_GC (default 1:
 * force a full GC in each server before reading its memory — the app through
 * an inspector session on 127.0.0.1, the bare server with --expose-gc; 0: raw
 * RSS), BENCH_PROFILE (diagnosis, skews the figures: "1" prints where the
 * app's CPU time goes while the first tablets connect and during the page
 * changes at the largest N; a directory also gets the .cpuprofile/.heapprofile
 * files), BENCH_IDLE_MEMORY (default 1; 0 skips the idle-memory servers),
 * BENCH_POSTGRES_URL (a PostgreSQL for the idle figure; default DATABASE_URL),
 * DATABASE_URL (the app under load uses it; otherwise its embedded database).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort, startServerProcess } from './lib/server-process.ts';
import { round } from './lib/stats.ts';
import { forkChild, killChild } from './fanout/children.ts';
import { cleanup, cleaningUp, guardRun, onCleanup } from './fanout/cleanup.ts';
import { reportIdleMemory } from './fanout/idle-memory.ts';
import { openInspector, type Inspector } from './fanout/inspector.ts';
import { measureAt, type Phase, type Rig } from './fanout/measure.ts';
import { setUpMeeting } from './fanout/meeting-setup.ts';
import { DELEGATES, options, PAGES, SETTLE_MS, sleep } from './fanout/options.ts';
import type { FromBareServer, ToBareServer } from './fanout/protocol.ts';
import { describe, printTable, resultLines } from './fanout/report.ts';
import { appSubject, bareSubject } from './fanout/subjects.ts';
import { calibrate, startTabletProcesses } from './fanout/tablet-pool.ts';

const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
const mb = (bytes: number) => round(bytes / 1024 / 1024, 1);

/** Runs the whole benchmark; returns the RESULT lines, printed last, once every child is gone (they may still write to stderr while stopping). */
async function main(): Promise<string[]> {
  console.log(`• load average before: ${load()} (other work on this machine skews both servers alike; their changes alternate)`);
  if (options.profile !== undefined) console.log('! BENCH_PROFILE is set: the app runs under its profiler at times, so its figures are not comparable');
  console.log(
    `• fan-out of a page change to ${options.sizes.join(' / ')} tablets; ${options.changes} timed changes per N (after ${options.warmup} warm-up), ≥ ${options.spacingMs} ms apart; ${options.tabletProcs} tablet processes; ${os.availableParallelism()} CPUs`,
  );
  if (options.idleMemory) await reportIdleMemory(options.postgresUrl);

  const work = await mkdtemp(path.join(os.tmpdir(), 'phs-bench-fanout-'));
  onCleanup(() => rm(work, { recursive: true, force: true }));
  const database = process.env.DATABASE_URL === undefined ? 'embedded PGlite (in a temp data dir; PGlite runs with fsync off)' : 'PostgreSQL from DATABASE_URL';
  console.log(`• starting the app (demo data; database: ${database}), the bare Socket.io server and the tablet processes…`);
  const inspectPort = await freePort();
  const server = await startServerProcess({
    DEMO_DATA: 'true',
    MAX_SOCKETS_PER_USER: '1000', // 1,600 tablets on six demo delegates
    ...(options.gc ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --inspect=127.0.0.1:${inspectPort}`.trim() } : {}),
  });
  onCleanup(() => rm(server.dataDir, { recursive: true, force: true }));
  onCleanup(() => killChild(server.child, 10_000));
  let inspector: Inspector | undefined;
  if (options.gc) {
    const opened = await openInspector(inspectPort);
    onCleanup(() => opened.close());
    inspector = opened;
  }
  const bare = forkChild<FromBareServer, ToBareServer>('bare-server.ts', 'bare server', options.gc ? ['--expose-gc'] : []);
  onCleanup(() => bare.kill());
  const procs = startTabletProcesses(options.tabletProcs);
  const barePort = (await bare.next((m): m is Extract<FromBareServer, { type: 'listening' }> => m.type === 'listening', 30_000, 'listening')).port;

  const meeting = await setUpMeeting(server.url, work);
  console.log(`• meeting in session; ${PAGES}-page document; tablets log in as ${DELEGATES.length} delegates (one session each, shared by their tablets)`);
  const { subject: app, template } = await appSubject(server.url, server.child.pid!, meeting, inspector);
  const { subject: baseline, message } = await bareSubject(`http://127.0.0.1:${barePort}`, bare, template);
  // The same bytes on the wire: the bare server's message is the app's, field for field.
  console.log(`• live:update payload: app ${JSON.stringify(template).length} bytes of JSON, bare ${JSON.stringify({ ...message, version: template.version, serverTime: template.serverTime }).length} bytes`);

  const offsets: number[] = [];
  for (const tablets of procs) {
    const { offset, rtt } = await calibrate(tablets);
    offsets.push(offset);
    console.log(`• ${tablets.name}: clock offset ${round(offset, 3)} ms (IPC round trip ${round(rtt, 3)} ms)`);
  }

  await sleep(SETTLE_MS);
  for (const subject of [app, baseline]) {
    subject.memory0 = await subject.memory();
    console.log(`• ${subject.target} with 0 tablets: RSS ${mb(subject.memory0.rss)} MB${options.gc ? `, V8 heap in use ${mb(subject.memory0.heap)} MB (after a full GC)` : ''}`);
  }

  let page = 2;
  const rig: Rig = { procs, offsets, inspector, nextPage: () => (page = (page % PAGES) + 1) };
  const phases: Phase[] = [];
  for (const n of options.sizes) {
    const profile = { connect: n === options.sizes[0], changes: n === options.sizes.at(-1) };
    for (const phase of await measureAt(rig, [app, baseline], n, profile)) {
      phases.push(phase);
      console.log(`  ${describe(phase)}`);
    }
  }
  printTable(phases);
  console.log(`• load average after: ${load()}`);
  const missing = phases.reduce((sum, phase) => sum + phase.missing, 0);
  if (missing > 0) console.log(`! ${missing} expected updates never arrived (within 10 s); their changes count the tablets that did receive them`);
  return resultLines(phases);
}

const timer = guardRun('fanout', options.timeoutS);
let results: string[] = [];
try {
  results = await main();
} catch (error) {
  // After a global timeout or a signal, the run fails because its children were stopped: nothing more to say.
  if (!cleaningUp()) console.error('✗ fanout failed:', error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
} finally {
  await cleanup();
  clearTimeout(timer);
}
for (const line of results) console.log(line);
