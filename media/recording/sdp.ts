/**
 * The SDP ffmpeg reads to receive the recorder's two RTP streams. One audio
 * (Opus) and one video (VP8) line whose payload types are the router's, so
 * every consumer the recorder makes (whichever producer it follows) sends
 * the payload type ffmpeg expects: ffmpeg's RTP demuxer drops any other.
 */
export type RecordingSdpInput = {
  ip: string;
  audio: { port: number; payloadType: number };
  video: { port: number; payloadType: number };
};

export function recordingSdp({ ip, audio, video }: RecordingSdpInput): string {
  return [
    'v=0',
    `o=- 0 0 IN IP4 ${ip}`,
    's=phong-hop-so recording',
    `c=IN IP4 ${ip}`,
    't=0 0',
    `m=audio ${audio.port} RTP/AVP ${audio.payloadType}`,
    `a=rtpmap:${audio.payloadType} opus/48000/2`,
    'a=rtcp-mux',
    'a=recvonly',
    `m=video ${video.port} RTP/AVP ${video.payloadType}`,
    `a=rtpmap:${video.payloadType} VP8/90000`,
    'a=rtcp-mux',
    'a=recvonly',
    '',
  ].join('\n');
}
