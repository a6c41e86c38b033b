/**
 * Records one conference room into one file: the stage's video and the audio
 * that goes with it, each consumed into a PlainTransport (comedia off,
 * rtcp-mux) that sends RTP to an ffmpeg child reading an SDP and writing WebM
 * (VP8 + Opus copied, never re-encoded: the SFU's own streams, played by
 * Chromium's <video> as they are).
 *
 * What is recorded follows the room: video = the stage peer's screen share or
 * camera (else the last one recorded while it lasts, else any camera); audio =
 * the stage peer's mic (else the active speaker's, else the last one while it
 * is unmuted, else any unmuted mic). A switch closes the consumer and makes a
 * new one on the same transport; ffmpeg is told to stamp packets with the wall
 * clock and not to reorder, so a new stream (other SSRC, sequence numbers and
 * RTP timestamps) continues the same track without a jump. Key frames are
 * asked for at the start, at every video switch and whenever ffmpeg reports
 * a broken VP8 sequence; each time several, spread over a few seconds (see
 * DEFAULT_KEY_FRAME_DELAYS for why one is not enough).
 *
 * While no video is recorded (an audio-only room, cameras off), ffmpeg gets a
 * black picture instead (filler-video.ts): without one it could not start,
 * and held the sound back in its memory.
 *
 * Mixing several open mics needs decoding and re-encoding (ffmpeg amix), and
 * ffmpeg's mixer stalls on an input that sends nothing: left for later, the
 * stage's audio is what the hall hears loudest anyway.
 */
import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import { rm, writeFile } from 'node:fs/promises';
import type * as ms from 'mediasoup/types';
import { silentLogger, type MediaLogger } from '../config.ts';
import type { ConferenceRoom } from '../conference-room.ts';
import { MediaError, toMediaError } from '../errors.ts';
import { SerialQueue } from '../queue.ts';
import type { ProducerInfo } from '../types.ts';
import { FfmpegProcess, type FfmpegExit } from './ffmpeg.ts';
import { FILLER_INTERVAL_MS, FillerVideo } from './filler-video.ts';
import { recordingSdp } from './sdp.ts';
import { freeUdpPortPair } from './udp-ports.ts';

export type RoomRecorderOptions = {
  /** the WebM file ffmpeg writes (its SDP is written beside it) */
  output: string;
  ffmpeg: string;
  /** where the plain transports listen (media config's pipeListenIp) */
  listenIp: string;
  logger?: MediaLogger;
  /** when to ask for key frames after the start, a switch or a loss (ffmpeg may not listen yet at 0) */
  keyFrameDelaysMs?: number[];
};

/**
 * ffmpeg's RTP input gives up after this long without a datagram. While the
 * recorder lives it sends ffmpeg a keep-alive (an empty RTCP receiver report,
 * which ffmpeg reads and ignores) every KEEP_ALIVE_MS, so a silent stretch
 * (everyone muted, cameras off) does not end the recording; if this process
 * dies, ffmpeg hears nothing, closes the file and exits by itself.
 */
const FFMPEG_SILENCE_TIMEOUT_S = 5;
const KEEP_ALIVE_MS = 1000;
const KEEP_ALIVE_PACKET = Buffer.from([0x80, 201, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01]);

/**
 * An RTP packet of Opus's 20 ms silence frame. After SIGINT ffmpeg closes
 * the file only once a media packet reaches its read loop (an RTCP packet
 * does not), and none comes when the room's transports closed first or
 * everyone is muted: these nudge it, and add at most a few ms of silence.
 */
function silencePacket(payloadType: number, seq: number): Buffer {
  const header = Buffer.alloc(12);
  header[0] = 0x80;
  header[1] = payloadType & 0x7f;
  header.writeUInt16BE(seq & 0xffff, 2);
  header.writeUInt32BE((seq * 960) >>> 0, 4);
  header.writeUInt32BE(0x5245434f, 8);
  return Buffer.concat([header, Buffer.from([0xf8, 0xff, 0xfe])]);
}

export type RecorderEndReason = 'stopped' | 'ffmpeg-exited' | 'room-closed' | 'router-closed';
export type RecorderEvents = { ended: [{ reason: RecorderEndReason; exit: FfmpegExit }] };

type Track = { kind: ms.MediaKind; transport: ms.PlainTransport; consumer: ms.Consumer | undefined; producerId: string | undefined };

/**
 * When to ask for key frames after the start, a video switch or a loss. One
 * is not enough: ffmpeg's RTP demuxer drops the first packet of a stream
 * whose sequence numbers jump (RFC 3550: it resyncs on the second packet in
 * a row), and a new consumer starts at other sequence numbers with the key
 * frame it waited for, so the key frame asked at a switch loses its
 * first packet. ffmpeg's VP8 depacketizer then drops every frame until the
 * next key frame, which a WebRTC sender only sends when asked; and while
 * the video has no packets, ffmpeg's muxer holds the audio back too (its
 * interleaver waits for a VP8 stream with nothing queued whatever
 * max_interleave_delta says): with a single request, the file stopped
 * growing at the first video switch after the start's requests, for good.
 */
const DEFAULT_KEY_FRAME_DELAYS = [0, 500, 1500, 3000];

/** What ffmpeg's VP8 depacketizer warns when it lost data and waits for a key frame (libavformat/rtpdec_vp8.c). */
const VP8_SEQUENCE_BROKEN = /Keyframe missing|sequence broken|no start marker/;

/** Opus and VP8 only, without feedback or header extensions: what ffmpeg's SDP says and needs. */
function recordingCapabilities(router: ms.Router): { caps: ms.RtpCapabilities; opus: number; vp8: number } {
  const codecs = router.rtpCapabilities.codecs ?? [];
  const opus = codecs.find((c) => c.mimeType.toLowerCase() === 'audio/opus');
  const vp8 = codecs.find((c) => c.mimeType.toLowerCase() === 'video/vp8');
  if (opus?.preferredPayloadType === undefined || vp8?.preferredPayloadType === undefined) {
    throw new MediaError('unavailable', 'the router offers no Opus or no VP8 to record');
  }
  const bare = (codec: ms.RtpCodecCapability): ms.RtpCodecCapability => ({ ...codec, rtcpFeedback: [] });
  return { caps: { codecs: [bare(opus), bare(vp8)], headerExtensions: [] }, opus: opus.preferredPayloadType, vp8: vp8.preferredPayloadType };
}

export class RoomRecorder extends EventEmitter<RecorderEvents> {
  readonly #room: ConferenceRoom;
  readonly #reach: (producerId: string) => Promise<void>;
  readonly #caps: ms.RtpCapabilities;
  readonly #ffmpeg: FfmpegProcess;
  readonly #sdpFile: string;
  readonly #logger: MediaLogger;
  readonly #tracks: { audio: Track; video: Track };
  readonly #queue = new SerialQueue();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #keyFrameDelays: number[];
  readonly #unfollow: (() => void)[] = [];
  readonly #keepAlive = dgram.createSocket('udp4');
  #nudge: { port: number; payloadType: number } | undefined;
  /** until when the key frames asked after ffmpeg's last loss warning are still coming */
  #lossRequestsUntil = 0;
  #ended = false;

  static async start(room: ConferenceRoom, options: RoomRecorderOptions): Promise<RoomRecorder> {
    const tap = await room.tap();
    const { caps, opus, vp8 } = recordingCapabilities(tap.router);
    const transports: ms.PlainTransport[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        transports.push(await tap.router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: options.listenIp }, rtcpMux: true, comedia: false, appData: { recorder: room.id } }));
      }
    } catch (error) {
      for (const t of transports) t.close();
      throw toMediaError(error, 'create recorder transport');
    }
    const [audioT, videoT] = transports as [ms.PlainTransport, ms.PlainTransport];
    const audioPort = await freeUdpPortPair();
    const videoPort = await freeUdpPortPair();
    const sdpFile = `${options.output}.sdp`;
    await writeFile(sdpFile, recordingSdp({ ip: '127.0.0.1', audio: { port: audioPort, payloadType: opus }, video: { port: videoPort, payloadType: vp8 } }));
    // ffmpeg says when it lost VP8 data and drops frames until a key frame: then ask for key frames
    let vp8Lost = (): void => undefined;
    const ffmpeg = new FfmpegProcess(options.ffmpeg, ffmpegArgs(sdpFile, options.output), (line) => {
      if (VP8_SEQUENCE_BROKEN.test(line)) vp8Lost();
    });
    try {
      await ffmpeg.started;
    } catch (error) {
      for (const t of transports) t.close();
      await rm(sdpFile, { force: true });
      throw new MediaError('unavailable', `ffmpeg could not start: ${error instanceof Error ? error.message : String(error)}`);
    }
    await audioT.connect({ ip: '127.0.0.1', port: audioPort });
    await videoT.connect({ ip: '127.0.0.1', port: videoPort });
    const recorder = new RoomRecorder(room, tap.reach, caps, ffmpeg, sdpFile, options.logger ?? silentLogger, audioT, videoT, options.keyFrameDelaysMs ?? DEFAULT_KEY_FRAME_DELAYS);
    vp8Lost = () => recorder.#keyFramesAfterLoss();
    recorder.#startKeepAlive([audioPort, videoPort]);
    recorder.#nudge = { port: audioPort, payloadType: opus };
    // the first video consumer asks for its key frames (#follow)
    await recorder.#refresh();
    // After the first choice: a room that has video starts the file with it, not with one black frame.
    recorder.#startFiller(videoPort, vp8);
    return recorder;
  }

  private constructor(room: ConferenceRoom, reach: (id: string) => Promise<void>, caps: ms.RtpCapabilities, ffmpeg: FfmpegProcess, sdpFile: string, logger: MediaLogger, audio: ms.PlainTransport, video: ms.PlainTransport, keyFrameDelays: number[]) {
    super();
    this.#keyFrameDelays = keyFrameDelays;
    this.#room = room;
    this.#reach = reach;
    this.#caps = caps;
    this.#ffmpeg = ffmpeg;
    this.#sdpFile = sdpFile;
    this.#logger = logger;
    this.#tracks = { audio: { kind: 'audio', transport: audio, consumer: undefined, producerId: undefined }, video: { kind: 'video', transport: video, consumer: undefined, producerId: undefined } };
    const refresh = () => void this.#refresh().catch((err: unknown) => this.#logger.warn({ roomId: room.id, err }, 'recorder could not follow the stage'));
    for (const event of ['stageChanged', 'activeSpeaker', 'producerAdded', 'producerClosed', 'producerPaused', 'producerResumed'] as const) {
      room.on(event, refresh);
      this.#unfollow.push(() => room.off(event, refresh));
    }
    const onClosed = () => void this.#end('room-closed');
    room.once('closed', onClosed);
    this.#unfollow.push(() => room.off('closed', onClosed));
    for (const track of [audio, video]) track.observer.once('close', () => void this.#end('router-closed'));
    void ffmpeg.exited.then(() => this.#end('ffmpeg-exited'));
  }

  /** ffmpeg's process id (tests kill it to prove a cut-short file is still closed) */
  get pid(): number | undefined {
    return this.#ffmpeg.pid;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** the producers being recorded now (diagnostics, tests) */
  get sources(): { audio: string | undefined; video: string | undefined } {
    return { audio: this.#tracks.audio.producerId, video: this.#tracks.video.producerId };
  }

  requestKeyFrame(): void {
    const consumer = this.#tracks.video.consumer;
    if (!consumer || consumer.closed || this.#ended) return;
    consumer.requestKeyFrame().catch((err: unknown) => this.#logger.debug({ roomId: this.#room.id, err }, 'key frame request failed'));
  }

  /**
   * ffmpeg warns for every frame it drops while it waits, up to dozens a
   * second: one series of requests at a time is enough.
   */
  #keyFramesAfterLoss(): void {
    const now = performance.now();
    if (now < this.#lossRequestsUntil) return;
    this.#lossRequestsUntil = now + Math.max(0, ...this.#keyFrameDelays);
    this.#askKeyFrames();
  }

  /** A key frame now and again at each of the key frame delays (see DEFAULT_KEY_FRAME_DELAYS for why). */
  #askKeyFrames(): void {
    if (this.#ended) return;
    for (const delay of this.#keyFrameDelays) {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        this.requestKeyFrame();
      }, delay);
      timer.unref();
      this.#timers.add(timer);
    }
  }

  /** Stops ffmpeg gracefully (the file is closed) and releases the transports. Idempotent. */
  async stop(): Promise<FfmpegExit> {
    return this.#end('stopped');
  }

  #startKeepAlive(ports: number[]): void {
    this.#keepAlive.on('error', (err) => this.#logger.debug({ roomId: this.#room.id, err }, 'recorder keep-alive'));
    const timer = setInterval(() => {
      for (const port of ports) this.#keepAlive.send(KEEP_ALIVE_PACKET, port, '127.0.0.1');
    }, KEEP_ALIVE_MS);
    timer.unref();
    this.#timers.add(timer);
  }

  /** The black picture, while no video is consumed (see filler-video.ts); from now, so ffmpeg learns the size at once. */
  #startFiller(port: number, payloadType: number): void {
    const filler = new FillerVideo(payloadType);
    const send = () => {
      if (this.#ended || this.#tracks.video.consumer !== undefined) return;
      this.#keepAlive.send(filler.packet(performance.now()), port, '127.0.0.1');
    };
    send();
    const timer = setInterval(send, FILLER_INTERVAL_MS);
    timer.unref();
    this.#timers.add(timer);
  }

  async #end(reason: RecorderEndReason): Promise<FfmpegExit> {
    if (this.#ended) return this.#ffmpeg.exited;
    this.#ended = true;
    for (const timer of this.#timers) clearTimeout(timer);
    for (const off of this.#unfollow) off();
    const stopping = this.#ffmpeg.stop();
    const nudge = this.#nudge;
    let seq = 1;
    const nudging = nudge && setInterval(() => this.#keepAlive.send(silencePacket(nudge.payloadType, seq++), nudge.port, '127.0.0.1'), 100);
    const exit = await stopping;
    clearInterval(nudging);
    this.#keepAlive.close();
    for (const track of Object.values(this.#tracks)) track.transport.close();
    await rm(this.#sdpFile, { force: true });
    if (reason !== 'stopped') this.#logger.warn({ roomId: this.#room.id, reason, code: exit.code, stderr: exit.stderr.slice(-500) }, 'recording ended');
    this.emit('ended', { reason, exit });
    return exit;
  }

  #refresh(): Promise<void> {
    return this.#queue.push(async () => {
      if (this.#ended || this.#room.closed) return;
      const choice = this.#choose(this.#room.producers().filter((p) => !p.paused));
      await this.#follow(this.#tracks.video, choice.video);
      await this.#follow(this.#tracks.audio, choice.audio);
    });
  }

  #choose(live: ProducerInfo[]): { audio: string | undefined; video: string | undefined } {
    const of = (peerId: string | null, source: ProducerInfo['source']) => (peerId === null ? undefined : live.find((p) => p.peerId === peerId && p.source === source)?.id);
    const still = (id: string | undefined) => (id !== undefined && live.some((p) => p.id === id) ? id : undefined);
    const stage = this.#room.stage.peerId;
    return {
      video: of(stage, 'screen') ?? of(stage, 'camera') ?? still(this.#tracks.video.producerId) ?? live.find((p) => p.source === 'camera')?.id,
      audio: of(stage, 'mic') ?? of(this.#room.activeSpeakerId, 'mic') ?? still(this.#tracks.audio.producerId) ?? live.find((p) => p.source === 'mic')?.id,
    };
  }

  async #follow(track: Track, producerId: string | undefined): Promise<void> {
    if (track.producerId === producerId && track.consumer && !track.consumer.closed) return;
    track.consumer?.close();
    track.consumer = undefined;
    track.producerId = undefined;
    if (producerId === undefined) return;
    try {
      await this.#reach(producerId);
      const consumer = await track.transport.consume({ producerId, rtpCapabilities: this.#caps, paused: false });
      if (this.#ended) {
        consumer.close();
        return;
      }
      track.consumer = consumer;
      track.producerId = producerId;
      consumer.observer.once('close', () => {
        if (track.consumer === consumer) {
          track.consumer = undefined;
          track.producerId = undefined;
        }
      });
      if (track.kind === 'video') this.#askKeyFrames();
    } catch (err) {
      // e.g. a producer in a codec ffmpeg's SDP does not name (H264): nothing recorded from it
      this.#logger.warn({ roomId: this.#room.id, producerId, err }, 'recorder could not consume');
    }
  }
}

/** Read the SDP, copy both streams into WebM; see the file comment for the timestamp options. */
function ffmpegArgs(sdpFile: string, output: string): string[] {
  return [
    '-hide_banner',
    '-loglevel',
    'warning',
    '-nostdin',
    '-protocol_whitelist',
    'file,udp,rtp',
    '-reorder_queue_size',
    '0',
    '-use_wallclock_as_timestamps',
    '1',
    '-listen_timeout',
    String(FFMPEG_SILENCE_TIMEOUT_S),
    '-analyzeduration',
    '10000000',
    '-f',
    'sdp',
    '-i',
    sdpFile,
    '-map',
    '0',
    '-c',
    'copy',
    '-f',
    'webm',
    '-cluster_time_limit',
    '2000',
    '-flush_packets',
    '1',
    '-y',
    output,
  ];
}
