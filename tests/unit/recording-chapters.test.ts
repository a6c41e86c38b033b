/** Chapters of a recording: wall-clock agenda marks onto the file's timeline, ffmetadata and WebVTT. */
import { describe, expect, it } from 'vitest';
import { chapterSpans, ffmetadata } from '../../media/recording/finalise.ts';
import { recordingSdp } from '../../media/recording/sdp.ts';
import { chaptersVtt } from '../../server/modules/conference/recording/chapters-vtt.ts';
import { chaptersFromMarks } from '../../server/modules/conference/recording/recording-dto.ts';

describe('recording chapters', () => {
  const startedAt = new Date('2026-12-06T02:00:00.000Z');
  const at = (seconds: number) => new Date(startedAt.getTime() + seconds * 1000).toISOString();

  it('moves marks back by the lag before the file began, never before 0', () => {
    // 60 s between start and stop, 59.2 s of file: the file began 0.8 s late
    const chapters = chaptersFromMarks(
      [
        { itemId: null, title: 'Khai mạc', at: at(0) },
        { itemId: null, title: 'Thảo luận', at: at(20) },
      ],
      startedAt,
      new Date(startedAt.getTime() + 60_000),
      59_200,
    );
    expect(chapters).toEqual([
      { title: 'Khai mạc', startMs: 0 },
      { title: 'Thảo luận', startMs: 19_200 },
    ]);
  });

  it('sorts, clips to the duration, ends each where the next starts and drops empty ones', () => {
    expect(
      chapterSpans(
        [
          { title: 'B', startMs: 5000 },
          { title: 'A', startMs: 0 },
          { title: 'A again', startMs: 0 },
          { title: 'after the end', startMs: 90_000 },
        ],
        60_000,
      ),
    ).toEqual([
      { title: 'A again', startMs: 0, endMs: 5000 },
      { title: 'B', startMs: 5000, endMs: 60_000 },
    ]);
  });

  it('escapes what ffmetadata treats as syntax', () => {
    const text = ffmetadata('Họp #1; tổng kết', [{ title: 'Mục = 1\\2\nmới', startMs: 0, endMs: 1000 }]);
    expect(text).toContain('title=Họp \\#1\\; tổng kết');
    expect(text).toContain('[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=1000\ntitle=Mục \\= 1\\\\2\\\nmới');
    expect(text.startsWith(';FFMETADATA1\n')).toBe(true);
  });

  it('writes WebVTT cues a chapters track reads, keeping Vietnamese titles', () => {
    const vtt = chaptersVtt([
      { title: 'Khai mạc', startMs: 0, endMs: 61_500 },
      { title: 'Báo cáo --> kết luận', startMs: 61_500, endMs: 3_725_004 },
    ]);
    expect(vtt).toBe('WEBVTT\n\n1\n00:00:00.000 --> 00:01:01.500\nKhai mạc\n\n2\n00:01:01.500 --> 01:02:05.004\nBáo cáo → kết luận\n');
  });

  it('gives ffmpeg an SDP with the router payload types and rtcp-mux', () => {
    const sdp = recordingSdp({ ip: '127.0.0.1', audio: { port: 50000, payloadType: 100 }, video: { port: 50002, payloadType: 101 } });
    expect(sdp).toContain('m=audio 50000 RTP/AVP 100\na=rtpmap:100 opus/48000/2\na=rtcp-mux');
    expect(sdp).toContain('m=video 50002 RTP/AVP 101\na=rtpmap:101 VP8/90000\na=rtcp-mux');
  });
});
