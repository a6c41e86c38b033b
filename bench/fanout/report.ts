/** What bench:fanout prints: one line per phase, the table, and the RESULT lines (p99 and CPU per change against bare Socket.io at each N). */
import { percentile, resultLine, round } from '../lib/stats.ts';
import type { Change, Phase } from './measure.ts';
import { options } from './options.ts';

const p99 = (phase: Phase) => percentile(phase.changes.map((c) => c.all), 99);

export function describe(phase: Phase): string {
  const all = phase.changes.map((c) => c.all);
  const f = (v: number) => round(v, 2).toFixed(2).padStart(7);
  const worst = phase.changes.reduce((a, b) => (b.all > a.all ? b : a));
  return (
    `${phase.target.padEnd(4)} N=${String(phase.n).padStart(4)}: every tablet p50 ${f(percentile(all, 50))} ms, p99 ${f(p99(phase))} ms (worst ${round(worst.all, 1)} ms, its ack ${round(worst.ack, 1)} ms); ` +
    `median tablet p50 ${f(percentile(phase.changes.map((c) => c.median), 50))} ms; first tablet p50 ${f(percentile(phase.changes.map((c) => c.first), 50))} ms; ` +
    `presenter ack p50 ${f(percentile(phase.changes.map((c) => c.ack), 50))} ms; server CPU ${round(phase.cpuMsPerChange, 1)} ms/change; ` +
    `${round(phase.rssKbPerTablet, 1)} KB RSS${options.gc ? ` and ${round(phase.heapKbPerTablet, 1)} KB heap` : ''} per tablet; connect+join ${Math.round(phase.connectMs)} ms for ${phase.added} more tablets (server CPU ${round(phase.joinCpuMs, 1)} ms each)` +
    (phase.missing > 0 ? `; ${phase.missing} updates MISSING` : '')
  );
}

const twinOf = (phases: Phase[], phase: Phase) => phases.find((o) => o.n === phase.n && o.target !== phase.target)!;

export function printTable(phases: Phase[]): void {
  const p = (phase: Phase, pick: (c: Change) => number, q: number) => round(percentile(phase.changes.map(pick), q), 2).toFixed(2);
  const header = ['N', 'server', 'all p50 ms', 'all p99 ms', 'median-tablet p50 ms', 'ack p50 ms', 'CPU ms/change', 'RSS KB/tablet', 'heap KB/tablet', 'p99 app/bare', 'CPU app/bare'];
  const rows = phases.map((phase) => {
    const twin = twinOf(phases, phase);
    const app = phase.target === 'app';
    return [
      String(phase.n),
      phase.target,
      p(phase, (c) => c.all, 50),
      p(phase, (c) => c.all, 99),
      p(phase, (c) => c.median, 50),
      p(phase, (c) => c.ack, 50),
      round(phase.cpuMsPerChange, 2).toFixed(2),
      round(phase.rssKbPerTablet, 1).toFixed(1),
      options.gc ? round(phase.heapKbPerTablet, 1).toFixed(1) : '-',
      app ? (p99(phase) / p99(twin)).toFixed(2) : '',
      app ? (phase.cpuMsPerChange / twin.cpuMsPerChange).toFixed(2) : '',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ');
  console.log('');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const row of rows) console.log(line(row));
  console.log('');
}

/** RESULT lines for every N (p99 of every tablet, then server CPU per change), the largest N's p99 last. */
export function resultLines(phases: Phase[]): string[] {
  const apps = phases.filter((phase) => phase.target === 'app');
  const cpu = apps.map((app) => resultLine('fanout', `cpu_per_change_${app.n}`, app.cpuMsPerChange, twinOf(phases, app).cpuMsPerChange, 'ms'));
  const latency = apps.map((app) => resultLine('fanout', `p99_${app.n}`, p99(app), p99(twinOf(phases, app)), 'ms'));
  return [...cpu, ...latency];
}
