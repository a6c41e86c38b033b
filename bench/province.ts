/**
 * bench:province — one province conference: the province hall and N commune
 * points (BENCH_POINTS, 150) in one room, through our media/ layer and, in
 * the same run, through mediasoup used directly doing the same forwarding
 * (bench/province/{app,bare}-side.ts), one after the other; first on one
 * media node (one worker), then on two cascaded nodes (the hall on the
 * province node, the communes on a regional media node linked as
 * `npm run media-node` is, the stage piped between them with SRTP; bare:
 * two workers and pipeToRouter with SRTP).
 *
 * The hall sends a camera (VP8 simulcast, three layers, 30 fps) and a mic as
 * bench:sfu's generator does; each commune sends a mic held muted by the
 * chair (communes join muted) and a small camera (VP8, 15 fps, key frames on
 * request); every point consumes the stage's camera and mic into its own UDP
 * socket in a sink process (bench/province/sink.ts). Plain RTP on loopback.
 *
 * Figures per side:
 * - worker CPU (user + system, /proc) with the hall alone and with every
 *   commune in, each the median of BENCH_READINGS intervals of
 *   BENCH_MEASURE_MS; per point = CPU with N points / N;
 * - forwarded packets lost at one sink in BENCH_SAMPLE (10), by RTP sequence
 *   gaps, over the CPU interval, less the gaps the hall's stream already had
 *   on reaching the worker (its producers' packetsLost; on a starved machine
 *   the worker's own receive buffer overflows), expect 0; the machine's UDP
 *   buffer drops are printed beside it;
 * - "give the floor" (ours: room.giveFloor, then every point consumes the new
 *   speaker; bare: resume the mic producer, then the same consumers made by
 *   hand) to the moment every other point's sink has a VP8 key frame of the
 *   new speaker's camera; p95 over BENCH_SWITCHES (5) switches, target ≤ 1 s;
 * - points served at 70% of the cores: a line through the two CPU readings
 *   (hall alone, N points) up to 70% × cores (as bench:sfu derives consumers
 *   per worker; it assumes one worker per core scales alike), target ours ≥
 *   0.9 × bare.
 * CPU per point on two nodes counts both nodes' workers (and, on ours, the
 * stub that relays the regional worker's channel).
 *
 * Each side runs BENCH_ROUNDS times (2: app, bare, bare, app); its runs are
 * pooled (CPU averaged, packets and switches together).
 *
 * Environment: BENCH_LAYOUTS (one,two), BENCH_POINTS (150), BENCH_ROUNDS (2), BENCH_MEASURE_MS (3000), BENCH_READINGS
 * (3 CPU intervals, the median counts), BENCH_SWITCHES (5), BENCH_SAMPLE
 * (10), BENCH_FLOOR_TIMEOUT_MS (5000).
 */
import os from 'node:os';
import { percentile, resultLine, round } from './lib/stats.ts';
import { appProvince } from './province/app-side.ts';
import { bareProvince } from './province/bare-side.ts';
import { measureSide, type SideFigures } from './province/measure.ts';
import type { ProvinceSide } from './province/side.ts';
import { startSinks, type Sinks } from './province/sink-client.ts';

const POINTS = Number(process.env.BENCH_POINTS ?? 150);
const MEASURE_MS = Number(process.env.BENCH_MEASURE_MS ?? 3000);
const READINGS = Number(process.env.BENCH_READINGS ?? 3);
const SWITCHES = Number(process.env.BENCH_SWITCHES ?? 5);
const SAMPLE = Number(process.env.BENCH_SAMPLE ?? 10);
const FLOOR_TIMEOUT_MS = Number(process.env.BENCH_FLOOR_TIMEOUT_MS ?? 5000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const LIMIT = 70;
const LAYOUTS = (process.env.BENCH_LAYOUTS ?? 'one,two').split(',').map((l) => l.trim());
const CORES = os.cpus().length;

const log = (line: string) => console.log(line);
const loadAverage = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
let sinks: Sinks | undefined;

async function measure(make: () => Promise<ProvinceSide>): Promise<SideFigures> {
  const side = await make();
  try {
    return await measureSide(side, sinks!, { points: POINTS, sampleEvery: SAMPLE, measureMs: MEASURE_MS, readings: READINGS, switches: SWITCHES, timeoutMs: FLOOR_TIMEOUT_MS, log });
  } finally {
    side.close();
  }
}

/** one side's runs as one: CPU averaged, packets and switches pooled */
function merge(list: SideFigures[]): SideFigures {
  const mean = (pick: (f: SideFigures) => number) => list.reduce((sum, f) => sum + pick(f), 0) / list.length;
  const sum = (pick: (f: SideFigures) => number) => list.reduce((total, f) => total + pick(f), 0);
  return {
    ...list[0]!,
    joinMs: mean((f) => f.joinMs),
    idleCpu: mean((f) => f.idleCpu),
    cpu: mean((f) => f.cpu),
    received: sum((f) => f.received),
    lost: sum((f) => f.lost),
    ingressGaps: sum((f) => f.ingressGaps),
    udp: { rcvbuf: sum((f) => f.udp.rcvbuf), sndbuf: sum((f) => f.udp.sndbuf), in: sum((f) => f.udp.in) },
    floorMs: list.flatMap((f) => f.floorMs),
    keyRequests: sum((f) => f.keyRequests),
  };
}

/** points at LIMIT% of every core, from the line through (0 points, idle) and (N points, cpu) */
function pointsAtLimit(f: SideFigures): number {
  const slope = (f.cpu - f.idleCpu) / f.points;
  return slope > 0 ? (LIMIT * CORES - f.idleCpu) / slope : Infinity;
}

/** p95 of the switches; one that timed out counts as the timeout (so the figure is a lower bound then) */
const floorP95 = (f: SideFigures) => percentile(f.floorMs.map((ms) => ms ?? FLOOR_TIMEOUT_MS), 95);

/** Both sides on one layout, ROUNDS times each, alternating which goes first; prints their figures and RESULT lines. */
async function compare(layout: 'one' | 'two'): Promise<void> {
  const cascade = layout === 'two';
  const name = cascade ? 'province_cascaded' : 'province';
  log(cascade ? `two cascaded media nodes: hall on the province node, ${POINTS} communes on a regional node, the stage piped between them (SRTP)` : `one node, one worker per side: province hall + ${POINTS} commune points in one room`);
  const runs: { app: SideFigures[]; bare: SideFigures[] } = { app: [], bare: [] };
  for (let r = 0; r < ROUNDS; r++) {
    // app, bare, then bare, app: neither side always goes first on a machine whose load drifts
    for (const which of r % 2 === 0 ? (['app', 'bare'] as const) : (['bare', 'app'] as const)) {
      const ssrcBase = (cascade ? 50_000 : 10_000) + (2 * r + (which === 'app' ? 0 : 1)) * 1_000;
      runs[which].push(await measure(() => (which === 'app' ? appProvince : bareProvince)(sinks!.ports, ssrcBase, cascade)));
    }
  }
  const app = merge(runs.app);
  const bare = merge(runs.bare);

  for (const f of [app, bare]) {
    const floors = f.floorMs.map((ms) => (ms === null ? 'timeout' : ms.toFixed(0))).join(', ');
    log(
      `  ${f.label}: ${round(f.cpu / f.points, 3)}% of a core per point; ${round(pointsAtLimit(f), 0)} points at ${LIMIT}% of ${CORES} cores ` +
        `(${round((LIMIT - f.idleCpu) / ((f.cpu - f.idleCpu) / f.points), 0)} per worker at ${LIMIT}% of one); lost ${f.lost} of ${f.received + f.lost} sampled packets, ${f.ingressGaps} of them lost before the SFU (machine-wide UDP receive buffer drops meanwhile: ${f.udp.rcvbuf}); ` +
        `floor → key frame everywhere: ${floors} ms; ${f.keyRequests} key frame requests reached the communes`,
    );
  }
  console.log(resultLine(name, 'cpu_per_point', app.cpu / app.points, bare.cpu / bare.points, '%core'));
  // forwarded loss: the sinks' gaps less those the hall's stream already had when it reached the worker (the raw counts are printed above);
  // 0 on both sides is the expected outcome, and 0/0 is reported as ratio 1 rather than NaN
  const forwardedLost = (f: SideFigures) => Math.max(0, f.lost - f.ingressGaps);
  console.log(resultLine(name, 'packets_lost', forwardedLost(app), forwardedLost(bare), 'packets').replace(/ratio=NaN$/, 'ratio=1'));
  console.log(resultLine(name, 'floor_to_keyframe_p95', floorP95(app), floorP95(bare), 'ms'));
  console.log(resultLine(name, 'points_at_70pct_cores', round(pointsAtLimit(app), 0), round(pointsAtLimit(bare), 0), 'points'));
}

async function main(): Promise<void> {
  log(`bench:province on ${CORES} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; load average before: ${loadAverage()}`);
  log(`plain RTP, loopback; ${ROUNDS} round(s) per layout, order app/bare then bare/app`);
  sinks = await startSinks(POINTS + 1, SAMPLE);
  for (const layout of LAYOUTS) {
    if (layout !== 'one' && layout !== 'two') throw new Error(`BENCH_LAYOUTS: "one" or "two", got "${layout}"`);
    await compare(layout);
  }
  log(`load average after: ${loadAverage()}`);
}

const killChildren = () => {
  if (sinks?.child.exitCode === null) sinks.child.kill('SIGTERM');
};
const deadline = setTimeout(() => {
  console.error('bench:province: 15 minute limit reached, stopping');
  killChildren();
  process.exit(2);
}, 900_000);
deadline.unref();

main()
  .then(() => {
    killChildren();
    process.exit(0);
  })
  .catch((error: unknown) => {
    console.error(error);
    killChildren();
    process.exit(1);
  });
