/** A recording row as the API shows it, and the mapping of wall-clock agenda marks onto the file's timeline. */
import type { Chapter } from '../../../../media/index.ts';
import type { RecordingDto } from '../../../contract/recording.ts';
import type { RecordingMark } from '../../../db/schema/conference-state.ts';
import type { RecordingRow } from './recording-store.ts';

/** A file people may play: finished, or closed after a restart, with a known length. */
export const playable = (row: RecordingRow) => (row.status === 'ready' || row.status === 'interrupted') && row.durationMs !== null;

export function recordingDto(row: RecordingRow): RecordingDto {
  return {
    id: row.id,
    meetingId: row.meetingId,
    status: row.status,
    startedAt: row.startedAt.toISOString(),
    stoppedAt: row.stoppedAt?.toISOString() ?? null,
    stopReason: row.stopReason,
    durationMs: row.durationMs,
    chapters: row.chapters,
    fileUrl: playable(row) ? `/api/v1/meetings/${row.meetingId}/recordings/${row.id}/file` : null,
  };
}

/**
 * The file begins when ffmpeg's first packet arrived, a little after the
 * chair pressed start: that lag is what the wall-clock span (start → stop)
 * has beyond the file's duration, and every mark moves back by it.
 */
export function chaptersFromMarks(marks: readonly RecordingMark[], startedAt: Date, stoppedAt: Date, durationMs: number): Chapter[] {
  const lag = Math.max(0, stoppedAt.getTime() - startedAt.getTime() - durationMs);
  return marks.map((mark) => ({ title: mark.title, startMs: Math.max(0, new Date(mark.at).getTime() - startedAt.getTime() - lag) }));
}
