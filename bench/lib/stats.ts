/** Small helpers every benchmark shares: percentiles and the closing RESULT line. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The one line each benchmark ends with. */
export function resultLine(name: string, figure: string, value: number, baseline: number, unit: string): string {
  return `RESULT ${name}: ${figure}=${round(value)} ${unit}; baseline=${round(baseline)} ${unit}; ratio=${round(value / baseline, 3)}`;
}
