/**
 * Turning the file ffmpeg wrote while recording into the one people play.
 *
 * While recording, ffmpeg writes WebM (Matroska) clusters as they come: a
 * file cut short by a crash or a kill is still readable up to its last
 * cluster, but has no index (Cues), no duration and no chapters, so a
 * browser cannot seek in it. Finalising remuxes it once (no re-encoding)
 * with an ffmetadata file that carries the chapters: the result has Cues, a
 * duration and a Chapters element. The same step closes a recording left
 * behind by a restart.
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import { runTool } from './ffmpeg.ts';

export type Chapter = { title: string; startMs: number };
export type ChapterSpan = Chapter & { endMs: number };

export type RecordingTools = { ffmpeg: string; ffprobe: string };

/** Escape per ffmpeg's ffmetadata format ('=', ';', '#', '\' and newlines). */
function escapeMeta(value: string): string {
  return value.replace(/[=;#\\\n]/g, (c) => `\\${c}`);
}

/** Chapters sorted, clipped to the duration, each ending where the next starts (empty ones dropped). */
export function chapterSpans(chapters: readonly Chapter[], durationMs: number): ChapterSpan[] {
  const sorted = chapters
    .map((c) => ({ title: c.title, startMs: Math.max(0, Math.min(Math.round(c.startMs), durationMs)) }))
    .sort((a, b) => a.startMs - b.startMs);
  return sorted
    .map((c, i) => ({ ...c, endMs: sorted[i + 1]?.startMs ?? durationMs }))
    .filter((c) => c.endMs > c.startMs);
}

export function ffmetadata(title: string, spans: readonly ChapterSpan[]): string {
  const lines = [';FFMETADATA1', `title=${escapeMeta(title)}`];
  for (const span of spans) {
    lines.push('[CHAPTER]', 'TIMEBASE=1/1000', `START=${span.startMs}`, `END=${span.endMs}`, `title=${escapeMeta(span.title)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Duration of a media file in milliseconds, as ffprobe reads it from its header (0 if it cannot tell). */
export async function probeDurationMs(ffprobe: string, file: string): Promise<number> {
  const out = await runTool(ffprobe, ['-v', 'error', '-show_entries', 'format=duration', '-of', 'json', file]);
  const parsed = JSON.parse(out) as { format?: { duration?: string } };
  const seconds = Number(parsed.format?.duration);
  return Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds * 1000) : 0;
}

/**
 * Duration from the packets themselves (the end of the last one): a file cut
 * short has no duration in its header, and reading it costs no disk, where a
 * first remux to learn it would need a second copy of the recording.
 */
export async function packetsDurationMs(ffprobe: string, file: string): Promise<number> {
  const out = await runTool(ffprobe, ['-v', 'error', '-show_entries', 'packet=pts_time,duration_time', '-of', 'csv=p=0', file]);
  let end = 0;
  for (const line of out.split('\n')) {
    const [pts, duration] = line.split(',').map(Number);
    if (pts !== undefined && Number.isFinite(pts)) end = Math.max(end, pts + (duration !== undefined && Number.isFinite(duration) ? duration : 0));
  }
  return Math.round(end * 1000);
}

/**
 * Remux `raw` into `output` with chapters (given the file's duration, so
 * wall-clock marks can be placed on its timeline), replacing `output` only
 * once the new file is complete. Returns the duration and the chapters
 * written. Needs free space for one more copy of the recording, for a moment.
 */
export async function finaliseRecording(tools: RecordingTools, raw: string, output: string, title: string, chapters: (durationMs: number) => readonly Chapter[]): Promise<{ durationMs: number; chapters: ChapterSpan[] }> {
  const meta = `${output}.ffmeta`;
  const partial = `${output}.part`;
  try {
    const durationMs = await packetsDurationMs(tools.ffprobe, raw);
    if (durationMs === 0) throw new Error(`nothing recorded in ${raw}`);
    const spans = chapterSpans(chapters(durationMs), durationMs);
    await writeFile(meta, ffmetadata(title, spans));
    await runTool(tools.ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', '-i', raw, '-i', meta, '-map', '0', '-map_metadata', '1', '-map_chapters', '1', '-c', 'copy', '-f', 'webm', partial]);
    await rename(partial, output);
    return { durationMs, chapters: spans };
  } finally {
    await rm(meta, { force: true });
    await rm(partial, { force: true });
  }
}
