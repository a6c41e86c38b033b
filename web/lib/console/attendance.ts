/** Attendance rows as the console shows them: who matches the filter, and what their status reads. */
import type { AttendanceEntry } from '$contract/live.ts';
import { foldVietnamese } from '$contract/text.ts';
import { format } from '$lib/i18n/locale.svelte.ts';
import type { consoleVi } from './i18n.ts';

type Words = (typeof consoleVi)['attendance'];

/** "nguyen van a" finds "Nguyễn Văn A": both sides folded the way the server folds search columns. */
export function filterByName(entries: readonly AttendanceEntry[], query: string): AttendanceEntry[] {
  const folded = foldVietnamese(query);
  if (folded === '') return [...entries];
  return entries.filter((entry) => foldVietnamese(entry.fullName).includes(folded));
}

export type RowStatus = 'unmarked' | 'present' | 'absent' | 'proxy';

export const rowStatus = (entry: AttendanceEntry): RowStatus => entry.status ?? 'unmarked';

/** "Chưa điểm danh", "Có mặt", "Vắng (đi công tác)", "Ủy quyền cho Nguyễn Văn B". */
export function statusText(entry: AttendanceEntry, names: ReadonlyMap<string, string>, words: Words): string {
  switch (entry.status) {
    case null:
      return words.notChecked;
    case 'present':
      return words.present;
    case 'absent':
      return entry.reason ? format(words.absentWithReason, { reason: entry.reason }) : words.absent;
    case 'proxy':
      return format(words.proxy, { name: (entry.proxyUserId !== null ? names.get(entry.proxyUserId) : undefined) ?? '…' });
  }
}
