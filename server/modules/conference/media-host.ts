/**
 * The process's one MediaService, started lazily on the first conference join
 * (so `npm start` and the many tests that never open a conference spawn no
 * mediasoup workers) and closed with the app. Concurrent first joins share
 * one start; a failed start is forgotten so the next join tries again.
 * With MEDIA_NODES, the links to the media nodes are opened at the same time
 * (the first start waits a moment for them, so the first joins land on their
 * own nodes) and kept open, relinking by themselves.
 */
import os from 'node:os';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { MediaService, NodeLink, resolveMediaConfig, type MediaConfig, type MediaConfigInput, type MediaLogger } from '../../../media/index.ts';
import type { MediaNodesSettings, MediaSettings } from '../../config.ts';
import { AppError } from '../../errors.ts';

export function mediaConfigFrom(settings: MediaSettings): MediaConfigInput {
  return {
    numWorkers: settings.workers,
    peerTimeoutMs: settings.peerTimeoutMs,
    allowPlainTransports: settings.allowPlainTransports,
    localNodeName: settings.nodes.localName,
    defaultNode: settings.nodes.defaultNode,
    pipeListenIp: settings.nodes.pipeIp,
    webRtcServer: {
      listenIp: settings.listenIp,
      ...(settings.announcedAddress === undefined ? {} : { announcedAddress: settings.announcedAddress }),
      ports: typeof settings.webRtcPort === 'number' ? settings.webRtcPort : { ...settings.webRtcPort },
    },
    ...(process.env.MEDIASOUP_WORKER_BIN ? { workerBin: process.env.MEDIASOUP_WORKER_BIN } : {}),
  };
}

/** how long the first start waits for media nodes to link */
const FIRST_LINK_WAIT_MS = 3_000;

export class MediaHost {
  readonly #config: MediaConfig;
  readonly #log: FastifyBaseLogger;
  readonly #nodes: MediaNodesSettings | undefined;
  #links: NodeLink[] = [];
  #service: MediaService | undefined;
  #starting: Promise<MediaService> | undefined;
  #closed = false;

  /** Checks the settings at once (a bad MEDIA_* combination stops start-up), starts nothing. */
  constructor(input: MediaConfigInput, log: FastifyBaseLogger, nodes?: MediaNodesSettings) {
    this.#config = resolveMediaConfig(input);
    this.#log = log;
    this.#nodes = nodes;
  }

  /** the links to media nodes (diagnostics, tests) */
  get links(): readonly NodeLink[] {
    return this.#links;
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
    this.#starting ??= this.#link()
      .then((links) => MediaService.start(this.#config, this.#mediaLogger(), links))
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

  /** Idempotent: closes rooms and workers, and the links to media nodes. */
  close(): void {
    this.#closed = true;
    this.#service?.close();
    this.#service = undefined;
    for (const link of this.#links) void link.close();
    this.#links = [];
  }

  /** Opens the links to the media nodes once, waiting a moment for each to come up. */
  async #link(): Promise<NodeLink[]> {
    const nodes = this.#nodes;
    if (!nodes || nodes.list.length === 0 || nodes.secret === undefined) return [];
    if (this.#links.length > 0) return this.#links;
    const runDir = path.join(os.tmpdir(), `phong-hop-so-media-${process.getuid?.() ?? 'user'}`);
    const links = nodes.list.map((node) => new NodeLink(node, nodes.secret!, runDir));
    this.#links = links;
    for (const link of links) {
      link.on('up', (address) => this.#log.info({ node: address.name, listenIp: address.listenIp }, 'media node linked'));
      link.on('down', ({ reason }) => this.#log.warn({ node: link.target.name, reason }, 'media node link lost'));
    }
    await Promise.all(links.map((link) => link.start()));
    await Promise.all(links.map((link) => link.whenUp(FIRST_LINK_WAIT_MS).catch(() => this.#log.warn({ node: link.target.name }, 'media node not linked yet'))));
    return links;
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
