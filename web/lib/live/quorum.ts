import type { AttendanceSummary } from '$contract/live.ts';
import { format } from '$lib/i18n/locale.svelte.ts';

/**
 * The data attributes every quorum read-out carries (tablet bar, console
 * header, hall display), so tests and tools read present / required / met
 * the same way wherever it is shown.
 */
export function quorumAttributes(attendance: AttendanceSummary): {
  'data-present': number;
  'data-represented': number;
  'data-required': number;
  'data-met': 'true' | 'false';
} {
  return {
    'data-present': attendance.present,
    'data-represented': attendance.represented,
    'data-required': attendance.quorumRequired,
    'data-met': attendance.quorumMet ? 'true' : 'false',
  };
}

/**
 * Members represented by a proxy, said beside the count: whether they are in
 * it depends on the meeting's rule, and a chair reading "9/15" must know which
 * it is. Null when nobody is represented.
 */
export function representedNote(attendance: AttendanceSummary, words: { counted: string; notCounted: string }): string | null {
  if (attendance.represented === 0) return null;
  return format(attendance.proxiesCountForQuorum ? words.counted : words.notCounted, { count: attendance.represented });
}
