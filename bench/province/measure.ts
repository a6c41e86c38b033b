/**
 * One side of bench:province, measured: worker CPU with the hall alone and
 * with every commune in (user + system of the worker processes over an
 * interval, /proc), forwarded packets lost at the sampled sinks over the same
 * interval, then "give the floor" to a few communes in turn, each time from
 * the call to the moment every other point's sink has a VP8 key frame of the
 * new speaker's camera.
 */
import { percentile } from '../lib/stats.ts';
import { cpuSeconds } from '../sfu/cpu.ts';
import type { ProvinceSide } from './side.ts';
import { udpErrors, udpErrorsSince, type UdpErrors } from './udp-errors.ts';
import type { Sinks } from './sink-client.ts';

export type SideFigures = {
  label: string;
  points: number;
  joinMs: number;
  idleCpu: number;
  cpu: number;
  received: number;
  lost: number;
  /** packets of the hall's consumed streams lost before the SFU, times the sampled sinks that consume the hall */
  ingressGaps: number;
  /** the machine's UDP buffer drops over the same interval (any process) */
  udp: UdpErrors;
  /** ms from giving the floor to the last point's key frame; null when some point never got one */
  floorMs: (number | null)[];
  keyRequests: number;
};

export type MeasureOptions = { points: number; sampleEvery: number; measureMs: number; readings: number; switches: number; timeoutMs: number; log: (line: string) => void };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const epochNow = () => performance.timeOrigin + performance.now();

/** Percent of one core the processes used together over `ms`. */
async function cpuOf(pids: number[], ms: number): Promise<number> {
  const total = async () => (await Promise.all(pids.map(cpuSeconds))).reduce((a, b) => a + b, 0);
  const before = await total();
  const started = performance.now();
  await sleep(ms);
  return (100 * ((await total()) - before)) / ((performance.now() - started) / 1000);
}

/** the median of `readings` intervals: one interval on a shared machine can catch a neighbour's burst */
async function cpuMedian(pids: number[], ms: number, readings: number): Promise<{ median: number; all: number[] }> {
  const all: number[] = [];
  for (let i = 0; i < readings; i++) all.push(await cpuOf(pids, ms));
  return { median: percentile(all, 50), all };
}

const show = (all: number[]) => all.map((v) => v.toFixed(1)).join(', ');

async function floorOnce(side: ProvinceSide, sinks: Sinks, commune: number, timeoutMs: number): Promise<{ ms: number | null; controlMs: number; floorCallMs: number; missing: number }> {
  await sinks.arm(side.videoPt);
  const t0 = epochNow();
  const { watch, floorCallMs } = await side.giveFloor(commune);
  const controlMs = epochNow() - t0;
  for (;;) {
    const times = await sinks.keyFrames(watch);
    const missing = times.filter((t) => t === null).length;
    if (missing === 0) return { ms: Math.max(...(times as number[])) - t0, controlMs, floorCallMs, missing };
    if (epochNow() - t0 > timeoutMs) return { ms: null, controlMs, floorCallMs, missing };
    await sleep(20);
  }
}

export async function measureSide(side: ProvinceSide, sinks: Sinks, options: MeasureOptions): Promise<SideFigures> {
  const { log } = options;
  const name = side.label.padEnd(26);
  await sleep(1000);
  const idle = await cpuMedian(side.workerPids, options.measureMs, options.readings);
  const idleCpu = idle.median;
  log(`  ${name} hall alone: worker ${idleCpu.toFixed(1)}% of a core (median of ${show(idle.all)})`);

  const joinStarted = performance.now();
  await side.grow(options.points);
  const joinMs = performance.now() - joinStarted;
  log(`  ${name} ${options.points} communes joined in ${(joinMs / 1000).toFixed(1)} s`);
  await sleep(1500); // let the new consumers settle (key frames, layers)

  await sinks.lossStart();
  const udpBefore = await udpErrors();
  const ingressBefore = await side.hallIngressLost();
  const loaded = await cpuMedian(side.workerPids, options.measureMs, options.readings);
  const cpu = loaded.median;
  const { received, lost } = await sinks.lossRead();
  // every sampled commune consumes the hall while these intervals run (index 0, the hall's own sink, consumes nothing)
  const ingressGaps = ((await side.hallIngressLost()) - ingressBefore) * Math.floor(options.points / options.sampleEvery);
  const udp = udpErrorsSince(udpBefore, await udpErrors());
  log(
    `  ${name} ${options.points} communes: worker ${cpu.toFixed(1)}% of a core (median of ${show(loaded.all)}); sampled sinks got ${received} packets, lost ${lost} (${ingressGaps} of them gaps the hall's stream already had on arrival); ` +
      `machine-wide UDP drops meanwhile: ${udp.rcvbuf} receive buffer full, ${udp.sndbuf} send buffer full`,
  );

  const floorMs: (number | null)[] = [];
  for (let s = 0; s < options.switches; s++) {
    const commune = Math.floor(((s + 0.5) * options.points) / options.switches);
    const result = await floorOnce(side, sinks, commune, options.timeoutMs);
    floorMs.push(result.ms);
    log(
      `  ${name} floor → commune ${commune + 1}: ` +
        (result.ms === null ? `${result.missing} points had no key frame after ${options.timeoutMs} ms` : `every point had its key frame after ${result.ms.toFixed(0)} ms`) +
        ` (floor call ${result.floorCallMs.toFixed(0)} ms, consumer switches done after ${result.controlMs.toFixed(0)} ms)`,
    );
    await sleep(300);
  }
  return { label: side.label, points: options.points, joinMs, idleCpu, cpu, received, lost, ingressGaps, udp, floorMs, keyRequests: side.keyRequests() };
}
