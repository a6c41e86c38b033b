/**
 * A report's period in the hall's calendar: days are Vietnamese days (UTC+7,
 * no daylight saving), so a meeting at 07:30 on 1 January counts in January
 * whatever the server's own time zone.
 */
import { AppError } from '../../errors.ts';

const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;
/** Ten years of months is plenty for a report, and bounds the work a query can ask for. */
const MAX_DAYS = 3_660;

export type Period = { from: string; to: string; start: Date; until: Date };

/** Today's date in Vietnam, as YYYY-MM-DD. */
export const vietnamDay = (instant: Date): string => new Date(instant.getTime() + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);

/** Midnight in Vietnam at the start of the day. */
const startOfDay = (day: string): Date => new Date(Date.parse(`${day}T00:00:00Z`) - VIETNAM_OFFSET_MS);

export function reportPeriod(query: { from?: string; to?: string }, now: Date = new Date()): Period {
  const today = vietnamDay(now);
  const from = query.from ?? `${today.slice(0, 4)}-01-01`;
  const to = query.to ?? today;
  const start = startOfDay(from);
  const until = new Date(startOfDay(to).getTime() + 24 * 60 * 60 * 1000);
  if (Number.isNaN(start.getTime()) || Number.isNaN(until.getTime())) throw new AppError(400, 'reportPeriodInvalid', { field: 'from' });
  if (until <= start) throw new AppError(400, 'reportPeriodInvalid', { field: 'to' });
  if (until.getTime() - start.getTime() > MAX_DAYS * 24 * 60 * 60 * 1000) throw new AppError(400, 'reportPeriodTooLong', { field: 'to' });
  return { from, to, start, until };
}

/** The months the period touches, as YYYY-MM, in order. */
export function monthsOf(period: Period): string[] {
  const months: string[] = [];
  let [year, month] = period.from.split('-').map(Number) as [number, number];
  const last = period.to.slice(0, 7);
  for (;;) {
    const key = `${year}-${String(month).padStart(2, '0')}`;
    months.push(key);
    if (key >= last) return months;
    month += 1;
    if (month > 12) [year, month] = [year + 1, 1];
  }
}
