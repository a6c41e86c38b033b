/**
 * The process's one MediaService, started lazily on the first conference join
 * (so `npm start` and the many tests that never open a conference spawn no
 * mediasoup workers) and closed with the app. Concurrent first joins share
 * one start; a failed start is forgotten so the next join tries again.
 */
import type { FastifyBaseLogger } from 'fastify';
import { MediaService, resolveMediaConfig, type MediaConfig, type MediaConfigInput, type MediaLogger } from '../../../media/index.ts';
import type { MediaSettings } from '../../config.ts';
import { AppError } from '../../errors.ts';

export function mediaConfigFrom(settings: MediaSettings): MediaConfigInput {
  return {
    numWorkers: settings.workers,
    peerTimeoutMs: settings.peerTimeoutMs,
    allowPlainTransports: settings.allowPlainTransports,
    webRtcServer: {
      listenIp: settings.listenIp,
      ...(settings.announcedAddress === undefined ? {} : { announcedAddress: settings.announcedAddress }),
      ports: typeof settings.webRtcPort === 'number' ? settings.webRtcPort : { ...settings.webRtcPort },
    },
    ...(process.env.MEDIASOUP_WORKER_BIN ? { workerBin: process.env.MEDIASOUP_WORKER_BIN } : {}),
  };
}

export class MediaHost {
  readonly #config: MediaConfig;
  readonly #log: FastifyBaseLogger;
  #service: MediaService | undefined;
  #starting: Promise<MediaService> | undefined;
  #closed = false;

  /** Checks the settings at once (a bad MEDIA_* combination stops start-up), starts nothing. */
  constructor(input: MediaConfigInput, log: FastifyBaseLogger) {
    this.#config = resolveMediaConfig(input);
    this.#log = log;
  }

  /** the resolved media settings (the recorder listens on its pipeListenIp) */
  get config(): MediaConfig {
    return this.#config;
  }

  /** the running service, if a conference started it (diagnostics, tests) */
  get current(): MediaService | undefined {
    return this.#service;
  }

  /** The running MediaService, starting it on first use. */
  async get(): Promise<MediaService> {
    if (this.#service) return this.#service;
    if (this.#closed) throw new AppError(503, 'internal');
    this.#starting ??= MediaService.start(this.#config, this.#mediaLogger())
      .then((media) => {
        if (this.#closed) {
          media.close();
          throw new AppError(503, 'internal');
        }
        this.#service = media;
        this.#log.info({ workers: media.pool.slots().map((s) => s.pid) }, 'media service started');
        return media;
      })
      .catch((error: unknown) => {
        this.#log.error({ err: error }, 'media service could not start');
        throw error instanceof AppError ? error : new AppError(503, 'internal');
      })
      .finally(() => {
        this.#starting = undefined;
      });
    return this.#starting;
  }

  /** Idempotent: closes rooms and workers. */
  close(): void {
    this.#closed = true;
    this.#service?.close();
    this.#service = undefined;
  }

  #mediaLogger(): MediaLogger {
    const child = this.#log.child({ module: 'media' });
    return {
      debug: (obj, msg) => child.debug(obj, msg),
      info: (obj, msg) => child.info(obj, msg),
      warn: (obj, msg) => child.warn(obj, msg),
      error: (obj, msg) => child.error(obj, msg),
    };
  }
}
