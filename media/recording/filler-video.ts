/**
 * The picture a recording shows while the room shows none: a black 640×360
 * VP8 key frame, sent to ffmpeg's video port twice a second while no camera
 * or screen is being recorded.
 *
 * Without it, a room with no video could not be recorded, or not safely:
 * - at the start, ffmpeg learns the video's size from its first frame; with
 *   none within its analysis time (10 s) it gave up ("Could not find codec
 *   parameters ... unspecified size") and the recording ended;
 * - later, ffmpeg's muxer holds the audio back while the video track has
 *   nothing queued (its interleaver waits for the VP8 stream), so the sound
 *   of a stretch without video stayed in ffmpeg's memory, not in the file,
 *   until a camera came back, and was lost if the process died meanwhile.
 * A key frame every time: ffmpeg's RTP input takes a stream only from its
 * second packet in sequence (and drops the first after a switch), and each
 * frame must be decodable on its own. Made by libvpx (ffmpeg -f lavfi -i
 * color=c=black:s=640x360 -frames:v 1 -c:v libvpx -f ivf), one RTP packet.
 */
const BLACK_KEY_FRAME = Buffer.from(
  'UDMAnQEqgAJoAQWHCIWFiJmEiB2CAAYWBPcGgWSfa9ubJzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7Jzh7JzeA/vEYQA==',
  'base64',
);

/** How often, while no video is recorded: the audio ffmpeg holds back is at most this much. */
export const FILLER_INTERVAL_MS = 500;

/** 'FILL': an SSRC no endpoint's stream has (mediasoup's consumers pick random ones). */
const SSRC = 0x46494c4c;

/** RTP packets of the black frame, one per call, in sequence; timestamps on the 90 kHz clock from `now` (ms). */
export class FillerVideo {
  readonly #payloadType: number;
  #seq = 1;
  #pictureId = 1;

  constructor(payloadType: number) {
    this.#payloadType = payloadType;
  }

  packet(nowMs: number): Buffer {
    const header = Buffer.alloc(16);
    header[0] = 0x80;
    header[1] = 0x80 | (this.#payloadType & 0x7f); // marker: the frame ends in this packet
    header.writeUInt16BE(this.#seq++ & 0xffff, 2);
    header.writeUInt32BE(Math.round(nowMs * 90) >>> 0, 4);
    header.writeUInt32BE(SSRC, 8);
    // VP8 payload descriptor (RFC 7741): extensions present, start of partition 0; a 15-bit picture id, as browsers send.
    const pictureId = this.#pictureId++ & 0x7fff;
    header[12] = 0x90;
    header[13] = 0x80;
    header[14] = 0x80 | (pictureId >> 8);
    header[15] = pictureId & 0xff;
    return Buffer.concat([header, BLACK_KEY_FRAME]);
  }
}
