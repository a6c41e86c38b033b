/**
 * bench:sfu — how many consumers one mediasoup worker serves through our
 * media/ layer, against mediasoup used directly, in the same run; and how
 * long an endpoint waits from its click to the first decoded frame.
 *
 * Fan-out: one producer (generated RTP: Opus 50 packets/s + VP8 simulcast in
 * three layers at 30 fps, 210 packets/s; see bench/sfu/rtp.ts) through a
 * PlainTransport, consumed (audio + the highest video layer, 170 packets/s
 * per consumer) by N PlainTransports that send to local UDP sinks in another
 * process. N grows in steps; at each step the worker's CPU (user + system
 * from /proc/<pid>/stat) is read over an interval. Plain RTP, no SRTP, on
 * both sides, so the figures compare forwarding work only.
 *
 * "Consumers per worker" = N at which the worker reaches 70% of one core,
 * from a least-squares line through the steps where the sampled sink got
 * ≥95% of its packets (steps that lose packets measure this machine's other
 * processes, not the worker); the measured crossing is printed beside it.
 * One consumer in ten sends to a counting sink in another process, the rest
 * to a closed port, so receiving does not take the cores the worker needs.
 *
 * Join time: headless chromium against the real app (bench/sfu/join-time.ts).
 *
 * Environment: BENCH_STEP (consumers per step, 40), BENCH_MAX_CONSUMERS (800),
 * BENCH_MEASURE_MS (2500), BENCH_FANOUT_BUDGET_S (75 per side), BENCH_JOINS (10;
 * 0 skips the browser part). Loopback only; children are killed at the end.
 */
import { fork, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuPercent } from './sfu/cpu.ts';
import { appFanOut, baselineFanOut, type FanOut } from './sfu/fanout.ts';
import { measureJoinTimes } from './sfu/join-time.ts';
import { AUDIO_PPS, FPS, LAYERS, RtpGenerator } from './sfu/rtp.ts';
import { percentile, resultLine, round } from './lib/stats.ts';

const STEP = Number(process.env.BENCH_STEP ?? 40);
const MAX_CONSUMERS = Number(process.env.BENCH_MAX_CONSUMERS ?? 800);
const MEASURE_MS = Number(process.env.BENCH_MEASURE_MS ?? 2500);
const BUDGET_S = Number(process.env.BENCH_FANOUT_BUDGET_S ?? 75);
const JOINS = Number(process.env.BENCH_JOINS ?? 10);
const LIMIT = 70;
/** one consumer in SAMPLE sends to the counting sink; the others to a closed port (the kernel drops it), so receiving does not eat the cores the worker needs */
const SAMPLE = 10;
const PER_CONSUMER_PPS = AUDIO_PPS + FPS * LAYERS[LAYERS.length - 1]!.packetsPerFrame;

const here = path.dirname(fileURLToPath(import.meta.url));
const children: ChildProcess[] = [];
const log = (line: string) => console.log(line);

async function closedPort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

function startSink(): Promise<{ child: ChildProcess; ports: number[]; count(): Promise<number> }> {
  const child = fork(path.join(here, 'sfu/sink.ts'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.push(child);
  return new Promise((resolve) => {
    child.once('message', (message: { ports: number[] }) =>
      resolve({
        child,
        ports: message.ports,
        count: () =>
          new Promise((done) => {
            child.once('message', (m: { packets: number }) => done(m.packets));
            child.send({ type: 'count' });
          }),
      }),
    );
    child.send({ type: 'open', count: 1 });
  });
}

type Point = { consumers: number; cpu: number; deliveredPct: number };

async function ramp(make: () => Promise<FanOut>, sink: Awaited<ReturnType<typeof startSink>>): Promise<{ label: string; points: Point[] }> {
  const fan = await make();
  const blackHole = await closedPort();
  const targets = Array.from({ length: SAMPLE }, (_, i) => (i === 0 ? sink.ports[0]! : blackHole));
  const points: Point[] = [];
  const started = performance.now();
  try {
    for (let n = 0; n <= MAX_CONSUMERS; n += STEP) {
      await fan.grow(n, targets);
      await new Promise((resolve) => setTimeout(resolve, 700)); // let the new consumers settle (key frames, layers)
      const before = await sink.count();
      const t0 = performance.now();
      const cpu = await cpuPercent(fan.workerPid, MEASURE_MS);
      const received = (await sink.count()) - before;
      const sampled = Math.ceil(n / SAMPLE);
      const expected = (sampled * PER_CONSUMER_PPS * (performance.now() - t0)) / 1000;
      const deliveredPct = expected === 0 ? 100 : (100 * received) / expected;
      points.push({ consumers: n, cpu, deliveredPct });
      log(`  ${fan.label.padEnd(26)} ${String(n).padStart(4)} consumers: worker ${cpu.toFixed(1).padStart(5)}% of a core, sampled sink got ${deliveredPct.toFixed(0)}% of the expected packets`);
      if (cpu >= LIMIT || deliveredPct < 80 || (performance.now() - started) / 1000 > BUDGET_S) break;
    }
  } finally {
    fan.close();
  }
  return { label: fan.label, points };
}

/** Least-squares line through the points: CPU% = intercept + slope × consumers. */
function fit(points: Point[]): { intercept: number; slope: number } {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.consumers, 0) / n;
  const my = points.reduce((s, p) => s + p.cpu, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.consumers - mx) ** 2, 0);
  const sxy = points.reduce((s, p) => s + (p.consumers - mx) * (p.cpu - my), 0);
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return { intercept: my - slope * mx, slope };
}

/**
 * Consumers at LIMIT% of a core from a least-squares line through the points
 * where delivery held (same method for both sides); the measured crossing,
 * when the ramp got there, is reported beside it.
 */
function capacity(all: Point[]): { consumers: number; perConsumer: number; how: string } {
  // Points where packets went missing measure the machine (generator, sinks), not the worker.
  const points = all.filter((p) => p.deliveredPct >= 95);
  const { intercept, slope } = fit(points);
  const consumers = slope > 0 ? (LIMIT - intercept) / slope : Infinity;
  const over = points.findIndex((p) => p.cpu >= LIMIT);
  let how = `linear fit over ${points.length} steps, idle ${intercept.toFixed(1)}%`;
  if (over > 0) {
    const a = points[over - 1]!;
    const b = points[over]!;
    how += `; measured crossing ≈${Math.round(a.consumers + ((LIMIT - a.cpu) * (b.consumers - a.consumers)) / (b.cpu - a.cpu))}`;
  } else {
    how += `; highest step ${points.at(-1)?.consumers ?? 0} at ${points.at(-1)?.cpu.toFixed(1) ?? 0}%`;
  }
  return { consumers, perConsumer: slope, how };
}

async function main(): Promise<void> {
  log(`bench:sfu on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`);
  log(`producer: ${RtpGenerator.packetsPerSecond} packets/s (Opus ${AUDIO_PPS}/s + VP8 ${LAYERS.length} layers at ${FPS} fps); each consumer gets ${PER_CONSUMER_PPS} packets/s; plain RTP, loopback`);
  const sink = await startSink();

  log('fan-out, one worker each (same run):');
  const app = await ramp(() => appFanOut(10_000), sink);
  const baseline = await ramp(() => baselineFanOut(20_000), sink);
  const appCap = capacity(app.points);
  const baseCap = capacity(baseline.points);
  for (const [label, cap] of [
    [app.label, appCap],
    [baseline.label, baseCap],
  ] as const) {
    log(`  ${label}: ${round(cap.consumers, 0)} consumers per worker at ≤${LIMIT}% of a core (${cap.how}); ${round(cap.perConsumer, 3)}% of a core per consumer`);
  }

  if (JOINS > 0) {
    log(`join time in headless chromium (click → first decoded frame), ${JOINS} joins:`);
    try {
      const times = await measureJoinTimes(JOINS, log);
      log(`  median ${round(percentile(times, 50), 0)} ms, p95 ${round(percentile(times, 95), 0)} ms (min ${round(Math.min(...times), 0)}, max ${round(Math.max(...times), 0)})`);
    } catch (error) {
      log(`  join time not measured: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  console.log(resultLine('sfu', 'consumers_per_worker', round(appCap.consumers, 0), round(baseCap.consumers, 0), 'consumers'));
}

const killChildren = () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
};
const deadline = setTimeout(() => {
  console.error('bench:sfu: 5 minute limit reached, stopping');
  killChildren();
  process.exit(2);
}, 295_000);
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
