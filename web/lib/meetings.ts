/**
 * Meeting helpers shared by the list, the calendar and the meeting page:
 * times shown in Vietnam's zone whatever the device's zone is, conversion
 * to and from <input type="datetime-local">, durations, status colours.
 */
import type { MeetingStatus } from '$contract/meetings.ts';
import { format, i18n } from '$lib/i18n/locale.svelte.ts';

export const TIME_ZONE = 'Asia/Ho_Chi_Minh';
/** Vietnam keeps UTC+7 all year (no daylight saving), so local wall time is a fixed shift. */
const OFFSET_MS = 7 * 3_600_000;

export type BadgeTone = 'neutral' | 'brand' | 'navy' | 'info' | 'success' | 'warning' | 'danger';

export const STATUS_TONES: Record<MeetingStatus, BadgeTone> = {
  draft: 'neutral',
  published: 'info',
  in_session: 'success',
  closed: 'navy',
};

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${i18n.tag}|${JSON.stringify(options)}`;
  let found = formatters.get(key);
  if (found === undefined) {
    found = new Intl.DateTimeFormat(i18n.tag, { timeZone: TIME_ZONE, ...options });
    formatters.set(key, found);
  }
  return found;
}

/** "Thứ Hai, 12/05/2026" */
export function formatDate(iso: string | Date, weekday = true): string {
  return formatter({ ...(weekday ? { weekday: 'long' } : {}), day: '2-digit', month: '2-digit', year: 'numeric' }).format(new Date(iso));
}

/** "08:30" */
export function formatTime(iso: string | Date): string {
  return formatter({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
}

/** "12/05/2026 08:30" */
export function formatDateTime(iso: string | Date): string {
  return `${formatDate(iso, false)} ${formatTime(iso)}`;
}

/** "Thứ Hai, 12/05/2026 · 08:30 – 16:00" (the end's date only when it differs). */
export function formatRange(startsAt: string, endsAt: string | null): string {
  const start = `${formatDate(startsAt)} · ${formatTime(startsAt)}`;
  if (endsAt === null) return start;
  const sameDay = dayKey(startsAt) === dayKey(endsAt);
  return sameDay ? `${start} – ${formatTime(endsAt)}` : `${start} – ${formatDateTime(endsAt)}`;
}

/** "tháng 5 năm 2026" / "May 2026" for a month index in Vietnam time. */
export function formatMonth(year: number, month: number): string {
  return new Intl.DateTimeFormat(i18n.tag, { timeZone: 'UTC', month: 'long', year: 'numeric' }).format(new Date(Date.UTC(year, month, 1)));
}

/** Wall-clock parts in Vietnam. */
export function vnParts(value: string | Date | number): { year: number; month: number; day: number; hour: number; minute: number; weekday: number } {
  const shifted = new Date(new Date(value).getTime() + OFFSET_MS);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth(),
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
    // Monday = 0 … Sunday = 6
    weekday: (shifted.getUTCDay() + 6) % 7,
  };
}

/** "2026-05-12": the calendar day in Vietnam. */
export function dayKey(value: string | Date | number): string {
  const p = vnParts(value);
  return `${p.year}-${String(p.month + 1).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** The instant a Vietnam wall-clock time stands for. */
export function fromVnWallTime(year: number, month: number, day: number, hour = 0, minute = 0): Date {
  return new Date(Date.UTC(year, month, day, hour, minute) - OFFSET_MS);
}

/** ISO instant → "2026-05-12T08:30" for <input type="datetime-local">, in Vietnam time. */
export function toLocalInput(iso: string | null | undefined): string {
  if (iso === null || iso === undefined || iso === '') return '';
  const p = vnParts(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${pad(p.month + 1)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

/** "2026-05-12T08:30" (Vietnam time) → ISO instant; undefined when empty or malformed. */
export function fromLocalInput(value: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value.trim());
  if (match === null) return undefined;
  const [, y, mo, d, h, mi] = match.map(Number) as [number, number, number, number, number, number];
  const date = fromVnWallTime(y, mo - 1, d, h, mi);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** 95 → "1 giờ 35 phút" */
export function formatMinutes(total: number): string {
  const d = i18n.m.duration;
  const h = Math.floor(total / 60);
  const m = total % 60;
  if (h === 0) return format(d.minutes, { m });
  if (m === 0) return format(d.hours, { h });
  return format(d.hoursMinutes, { h, m });
}

/** 12_345_678 → "11,8 MB" */
export function formatBytes(bytes: number): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return new Intl.NumberFormat(i18n.tag, {
    style: 'unit',
    unit: units[unit],
    unitDisplay: 'short',
    maximumFractionDigits: unit >= 2 ? 1 : 0,
  }).format(value);
}

/** "5 phút trước" */
export function formatRelative(iso: string, now = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const rtf = new Intl.RelativeTimeFormat(i18n.tag, { numeric: 'auto' });
  const abs = Math.abs(seconds);
  if (abs < 60) return rtf.format(seconds, 'second');
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), 'minute');
  if (abs < 86_400) return rtf.format(Math.round(seconds / 3600), 'hour');
  if (abs < 7 * 86_400) return rtf.format(Math.round(seconds / 86_400), 'day');
  return formatDateTime(iso);
}

export type CalendarDay = { key: string; year: number; month: number; day: number; inMonth: boolean; today: boolean };

/** The weeks (Monday first) that cover one month, six rows at most. */
export function monthGrid(year: number, month: number, now = Date.now()): CalendarDay[][] {
  const first = new Date(Date.UTC(year, month, 1));
  const lead = (first.getUTCDay() + 6) % 7;
  const daysInMonth = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const rows = Math.ceil((lead + daysInMonth) / 7);
  const todayKey = dayKey(now);
  const weeks: CalendarDay[][] = [];
  for (let row = 0; row < rows; row += 1) {
    const week: CalendarDay[] = [];
    for (let col = 0; col < 7; col += 1) {
      const date = new Date(Date.UTC(year, month, 1 - lead + row * 7 + col));
      const y = date.getUTCFullYear();
      const mo = date.getUTCMonth();
      const d = date.getUTCDate();
      const key = `${y}-${String(mo + 1).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
      week.push({ key, year: y, month: mo, day: d, inMonth: mo === month, today: key === todayKey });
    }
    weeks.push(week);
  }
  return weeks;
}
