/** A recording's chapters as a WebVTT file, for <track kind="chapters"> (or any player that reads VTT chapters). */
import type { RecordingChapter } from '../../../contract/recording.ts';

function timestamp(ms: number): string {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const rest = ms % 1000;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(h)}:${two(m)}:${two(s)}.${String(rest).padStart(3, '0')}`;
}

export function chaptersVtt(chapters: readonly RecordingChapter[]): string {
  const cues = chapters.map((c, i) => `${i + 1}\n${timestamp(c.startMs)} --> ${timestamp(c.endMs)}\n${c.title.replace(/-->/g, '→').replace(/\n+/g, ' ')}\n`);
  return ['WEBVTT', '', ...cues].join('\n');
}
