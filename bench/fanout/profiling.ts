/**
 * BENCH_PROFILE: runs a step under the app's CPU profiler (and allocation
 * sampler) and prints where the time (and memory) went; with a directory,
 * also writes the .cpuprofile/.heapprofile files there.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { round } from '../lib/stats.ts';
import { summariseCpu, summariseHeap, type Inspector } from './inspector.ts';

export async function profiled<T>(inspector: Inspector | undefined, setting: string | undefined, label: string, heap: boolean, run: () => Promise<T>): Promise<T> {
  if (setting === undefined || inspector === undefined) return run();
  await inspector.startProfiling(heap);
  const result = await run();
  const profile = await inspector.stopProfiling();
  const cpu = summariseCpu(profile.cpu);
  const pct = (ms: number) => `${((ms / cpu.total) * 100).toFixed(1)}%`;
  console.log(`  ┌ profile of the app, ${label}: ${Math.round(cpu.total)} ms of CPU (not idle)`);
  console.log(`  │ by area:     ${cpu.areas.map(([area, ms]) => `${area} ${pct(ms)}`).join(', ')}`);
  for (const [name, ms] of cpu.functions) console.log(`  │ ${pct(ms).padStart(6)}  ${name}`);
  if (profile.heap !== null) {
    const memory = summariseHeap(profile.heap);
    console.log(`  │ live allocations (sampled) still held afterwards: ${round(memory.total / 1024 / 1024, 1)} MB, by the app code that made them:`);
    for (const [site, bytes] of memory.sites) console.log(`  │ ${String(Math.round(bytes / 1024)).padStart(7)} KB  ${site}`);
  }
  console.log('  └');
  if (setting !== '1') {
    await mkdir(setting, { recursive: true });
    const base = path.join(setting, `app-${label.replaceAll(/[^a-z0-9]+/gi, '-')}`);
    await writeFile(`${base}.cpuprofile`, JSON.stringify(profile.cpu));
    if (profile.heap !== null) await writeFile(`${base}.heapprofile`, JSON.stringify(profile.heap));
  }
  return result;
}
