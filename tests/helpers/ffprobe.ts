/** What ffprobe says of a media file: its streams, duration and chapters. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type Probe = {
  durationS: number;
  streams: { codec_type: string; codec_name: string; duration?: string }[];
  chapters: { start_time: string; end_time: string; tags?: { title?: string } }[];
};

export async function ffprobe(file: string): Promise<Probe> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_format', '-show_streams', '-show_chapters', '-of', 'json', file]);
  const parsed = JSON.parse(stdout) as { format: { duration: string }; streams: Probe['streams']; chapters: Probe['chapters'] };
  return { durationS: Number(parsed.format.duration), streams: parsed.streams, chapters: parsed.chapters };
}
