/** CPU time of a process from /proc/<pid>/stat (user + system), in seconds. */
import { readFile } from 'node:fs/promises';

const CLOCK_TICKS = 100; // sysconf(_SC_CLK_TCK) on Linux x86-64 and arm64

export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // fields after the command name, which may contain spaces, in parentheses
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / CLOCK_TICKS;
}

/** Percent of one core the process used over `ms`. */
export async function cpuPercent(pid: number, ms: number): Promise<number> {
  const before = await cpuSeconds(pid);
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = await cpuSeconds(pid);
  return (100 * (after - before)) / ((performance.now() - started) / 1000);
}
