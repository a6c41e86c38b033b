/**
 * Settings of the media layer (mediasoup workers, WebRtcServers, routers,
 * transports, rooms). `resolveMediaConfig()` fills defaults and validates;
 * the server reads its environment and passes the few values it overrides.
 */
import os from 'node:os';
import type * as ms from 'mediasoup/types';

/** pino-compatible subset; the default logger says nothing. */
export type MediaLogger = {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
};

const noop = (): void => {};
export const silentLogger: MediaLogger = { debug: noop, info: noop, warn: noop, error: noop };

export type VideoCodecName = 'VP8' | 'H264' | 'VP9';

/**
 * Where each worker's WebRtcServer listens (one UDP socket and one TCP server):
 * - a number: worker i uses basePort + i for both UDP and TCP (production: open these in the firewall);
 * - a range: each socket takes a free port from the range (tests, several instances on one machine).
 */
export type WebRtcServerPorts = number | { min: number; max: number };

export type MediaConfig = Readonly<{
  /** mediasoup worker processes (default: available cores) */
  numWorkers: number;
  /** worker binary; undefined = mediasoup's own default (MEDIASOUP_WORKER_BIN or worker/out/Release) */
  workerBin: string | undefined;
  logLevel: ms.WorkerLogLevel;
  logTags: ms.WorkerLogTag[];
  /** Ports for PipeTransports between workers and PlainTransports (never used by browsers). */
  rtcMinPort: number;
  rtcMaxPort: number;
  webRtcServer: Readonly<{
    listenIp: string;
    /** address put in ICE candidates (public or LAN address when listenIp is 0.0.0.0) */
    announcedAddress: string | undefined;
    ports: WebRtcServerPorts;
  }>;
  webRtcTransport: Readonly<{
    initialAvailableOutgoingBitrate: number;
    /** cap on what one endpoint may send us (bits/s); 0 = no cap */
    maxIncomingBitrate: number;
    /** seconds without ICE consent before a transport turns 'disconnected' */
    iceConsentTimeoutSec: number;
  }>;
  mediaCodecs: ms.RouterRtpCodecCapability[];
  /** A room opens a router on another worker once each of its routers holds this many peers. */
  peersPerRouter: number;
  /** A peer with no connected transport for this long is removed (peerLeft, reason 'timeout'). */
  peerTimeoutMs: number;
  activeSpeaker: Readonly<{
    /** ActiveSpeakerObserver interval */
    intervalMs: number;
    /** a new dominant speaker must hold for this long before the stage follows */
    debounceMs: number;
  }>;
  /** Listen address of PipeTransports between workers of this process (an address other nodes reach, when there are media nodes). */
  pipeListenIp: string;
  /** the name this process goes by as a media node */
  localNodeName: string;
  /** where a peer goes when no placement rule names a node, or its node is down; and where a room's first router opens */
  defaultNode: string;
  /** PlainTransports (recording, tests, generated RTP). Off unless asked for. */
  allowPlainTransports: boolean;
  /** Back-off for re-creating a dead worker. */
  respawnMinDelayMs: number;
  respawnMaxDelayMs: number;
}>;

export type MediaConfigInput = Partial<
  Omit<MediaConfig, 'webRtcServer' | 'webRtcTransport' | 'activeSpeaker' | 'mediaCodecs'>
> & {
  webRtcServer?: Partial<MediaConfig['webRtcServer']>;
  webRtcTransport?: Partial<MediaConfig['webRtcTransport']>;
  activeSpeaker?: Partial<MediaConfig['activeSpeaker']>;
  /** video codecs offered by routers, in order of preference (default VP8, H264); Opus is always on */
  videoCodecs?: VideoCodecName[];
  /** full codec list instead of videoCodecs */
  mediaCodecs?: ms.RouterRtpCodecCapability[];
};

export class MediaConfigError extends Error {
  readonly setting: string;
  constructor(setting: string, problem: string) {
    super(`Invalid media configuration: ${setting} ${problem}`);
    this.name = 'MediaConfigError';
    this.setting = setting;
  }
}

export const DEFAULT_WEBRTC_PORT = 40000;

/** Router codecs: Opus 48 kHz stereo, then the video codecs asked for. */
export function routerMediaCodecs(video: readonly VideoCodecName[] = ['VP8', 'H264']): ms.RouterRtpCodecCapability[] {
  const codecs: ms.RouterRtpCodecCapability[] = [
    { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  ];
  for (const name of new Set(video)) {
    if (name === 'VP8') {
      codecs.push({ kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: { 'x-google-start-bitrate': 600 } });
    } else if (name === 'H264') {
      codecs.push({
        kind: 'video',
        mimeType: 'video/H264',
        clockRate: 90000,
        parameters: {
          'packetization-mode': 1,
          'profile-level-id': '42e01f',
          'level-asymmetry-allowed': 1,
          'x-google-start-bitrate': 600,
        },
      });
    } else {
      codecs.push({
        kind: 'video',
        mimeType: 'video/VP9',
        clockRate: 90000,
        parameters: { 'profile-id': 0, 'x-google-start-bitrate': 600 },
      });
    }
  }
  return codecs;
}

/** First non-internal IPv4 address of this machine, for ICE candidates when listening on 0.0.0.0. */
export function firstLanAddress(): string | undefined {
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === 'IPv4' && !address.internal) return address.address;
    }
  }
  return undefined;
}

function wholeNumber(setting: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new MediaConfigError(setting, `must be a whole number between ${min} and ${max}, got ${value}`);
  }
  return value;
}

/**
 * Defaults: one worker per core; WebRtcServer on 0.0.0.0, UDP+TCP port 40000 + worker index,
 * announcing the first LAN address; pipes and plain transports on 41000-49999.
 */
export function resolveMediaConfig(input: MediaConfigInput = {}): MediaConfig {
  const numWorkers = wholeNumber('numWorkers', input.numWorkers ?? os.availableParallelism(), 1, 64);
  const rtcMinPort = wholeNumber('rtcMinPort', input.rtcMinPort ?? 41000, 1024, 65535);
  const rtcMaxPort = wholeNumber('rtcMaxPort', input.rtcMaxPort ?? 49999, rtcMinPort, 65535);

  const listenIp = input.webRtcServer?.listenIp ?? '0.0.0.0';
  const wildcard = listenIp === '0.0.0.0' || listenIp === '::';
  const announcedAddress =
    input.webRtcServer?.announcedAddress ?? (wildcard ? (firstLanAddress() ?? '127.0.0.1') : undefined);
  const ports = input.webRtcServer?.ports ?? DEFAULT_WEBRTC_PORT;
  if (typeof ports === 'number') {
    wholeNumber('webRtcServer.ports', ports, 1024, 65535 - (numWorkers - 1));
    if (ports + numWorkers - 1 >= rtcMinPort && ports <= rtcMaxPort) {
      throw new MediaConfigError(
        'webRtcServer.ports',
        `${ports}-${ports + numWorkers - 1} overlaps the pipe/plain range ${rtcMinPort}-${rtcMaxPort}`,
      );
    }
  } else {
    wholeNumber('webRtcServer.ports.min', ports.min, 1024, 65535);
    wholeNumber('webRtcServer.ports.max', ports.max, ports.min, 65535);
    if (ports.max - ports.min + 1 < 2 * numWorkers) {
      throw new MediaConfigError('webRtcServer.ports', 'range is too small for one UDP and one TCP port per worker');
    }
  }

  const transport = input.webRtcTransport ?? {};
  const speaker = input.activeSpeaker ?? {};
  const respawnMinDelayMs = wholeNumber('respawnMinDelayMs', input.respawnMinDelayMs ?? 500, 0, 600_000);

  return Object.freeze({
    numWorkers,
    workerBin: input.workerBin,
    logLevel: input.logLevel ?? 'warn',
    logTags: input.logTags ?? [],
    rtcMinPort,
    rtcMaxPort,
    webRtcServer: Object.freeze({ listenIp, announcedAddress, ports }),
    webRtcTransport: Object.freeze({
      initialAvailableOutgoingBitrate: wholeNumber(
        'webRtcTransport.initialAvailableOutgoingBitrate',
        transport.initialAvailableOutgoingBitrate ?? 600_000,
        100_000,
        100_000_000,
      ),
      maxIncomingBitrate: wholeNumber(
        'webRtcTransport.maxIncomingBitrate',
        transport.maxIncomingBitrate ?? 2_500_000,
        0,
        100_000_000,
      ),
      iceConsentTimeoutSec: wholeNumber('webRtcTransport.iceConsentTimeoutSec', transport.iceConsentTimeoutSec ?? 20, 0, 3600),
    }),
    mediaCodecs: input.mediaCodecs ?? routerMediaCodecs(input.videoCodecs),
    peersPerRouter: wholeNumber('peersPerRouter', input.peersPerRouter ?? 8, 1, 10_000),
    peerTimeoutMs: wholeNumber('peerTimeoutMs', input.peerTimeoutMs ?? 30_000, 1, 3_600_000),
    activeSpeaker: Object.freeze({
      intervalMs: wholeNumber('activeSpeaker.intervalMs', speaker.intervalMs ?? 300, 100, 10_000),
      debounceMs: wholeNumber('activeSpeaker.debounceMs', speaker.debounceMs ?? 1500, 0, 60_000),
    }),
    pipeListenIp: input.pipeListenIp ?? '127.0.0.1',
    localNodeName: input.localNodeName ?? 'local',
    defaultNode: input.defaultNode ?? input.localNodeName ?? 'local',
    allowPlainTransports: input.allowPlainTransports ?? false,
    respawnMinDelayMs,
    respawnMaxDelayMs: wholeNumber('respawnMaxDelayMs', input.respawnMaxDelayMs ?? 30_000, respawnMinDelayMs, 3_600_000),
  });
}
