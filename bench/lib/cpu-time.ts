/**
 * CPU time spent by processes over a short span (a vote storm of ~200 ms), in
 * nanoseconds from /proc/<pid>/task/<tid>/schedstat: /proc/<pid>/stat counts
 * in ticks of 10 ms, too coarse for that span. All threads of a process are
 * summed (the app's libuv pool, PostgreSQL's backends are processes of their own).
 */
import os from 'node:os';
import { readdir, readFile } from 'node:fs/promises';

/** CPU time of all threads of a process so far, in milliseconds (0 once it has ended). */
export async function processCpuMs(pid: number): Promise<number> {
  const tasks = await readdir(`/proc/${pid}/task`).catch(() => [] as string[]);
  const times = await Promise.all(tasks.map((tid) => readFile(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').then((s) => Number(s.split(' ')[0]) / 1e6, () => 0)));
  return times.reduce((sum, t) => sum + t, 0);
}

/** Pids of the processes whose command name is `comm` (e.g. every `postgres` backend of a local server). */
export async function pidsNamed(comm: string): Promise<number[]> {
  const entries = await readdir('/proc');
  const named = await Promise.all(
    entries.filter((e) => /^\d+$/.test(e)).map(async (pid) => ((await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim() === comm ? Number(pid) : null)),
  );
  return named.filter((pid): pid is number => pid !== null);
}

export type CpuGroups = Record<string, () => Promise<number[]>>;

/**
 * Starts counting the CPU of named groups of processes; `stop` gives each
 * group's milliseconds since. Groups are listed again at the stop, so a
 * process started meanwhile (a new database backend) counts from zero.
 */
export async function countCpu(groups: CpuGroups): Promise<{ stop(): Promise<Record<string, number>> }> {
  const sample = async () => {
    const out = new Map<string, Map<number, number>>();
    for (const [name, list] of Object.entries(groups)) {
      const pids = await list();
      out.set(name, new Map(await Promise.all(pids.map(async (pid) => [pid, await processCpuMs(pid)] as const))));
    }
    return out;
  };
  const before = await sample();
  return {
    async stop() {
      const after = await sample();
      const spent: Record<string, number> = {};
      for (const [name, pids] of after) {
        let sum = 0;
        for (const [pid, ms] of pids) sum += Math.max(0, ms - (before.get(name)?.get(pid) ?? 0));
        spent[name] = sum;
      }
      return spent;
    },
  };
}

/** Cores this machine has for the processes counted. */
export const cores = (): number => os.availableParallelism();
