import type { AttendanceSummary } from '$contract/live.ts';

/**
 * The data attributes every quorum read-out carries (tablet bar, console
 * header, hall display), so tests and tools read present / required / met
 * the same way wherever it is shown.
 */
export function quorumAttributes(attendance: AttendanceSummary): { 'data-present': number; 'data-required': number; 'data-met': 'true' | 'false' } {
  return { 'data-present': attendance.present, 'data-required': attendance.quorumRequired, 'data-met': attendance.quorumMet ? 'true' : 'false' };
}
