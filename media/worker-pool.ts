/**
 * mediasoup workers, one WebRtcServer each: this process's own (the local
 * media node) and those the app runs on media nodes (nodes/node-link.ts),
 * after the local ones in index order. Picks the least loaded worker for a
 * new router, on a given node when asked; replaces a worker that dies (same
 * index, same ports when they are fixed) and says so through events, so rooms
 * can move their peers. A node's workers come back when its link does.
 */
import { EventEmitter } from 'node:events';
import { createWorker } from 'mediasoup';
import type * as ms from 'mediasoup/types';
import { silentLogger, type MediaConfig, type MediaLogger } from './config.ts';
import { MediaError } from './errors.ts';
import type { NodeLink } from './nodes/node-link.ts';

export type WorkerAppData = { index: number };

/** Where a worker runs: the node's name and the addresses its transports listen on and announce. */
export type SlotNode = Readonly<{ name: string; listenIp: string; announcedAddress: string | undefined; remote: boolean }>;

/** How an index is filled: a local worker, or one on a media node. */
type SlotPlan = { kind: 'local' } | { kind: 'node'; link: NodeLink };

/** One live worker and its WebRtcServer. A replaced worker gets a new slot object. */
export class WorkerSlot {
  readonly index: number;
  readonly worker: ms.Worker<WorkerAppData>;
  readonly webRtcServer: ms.WebRtcServer;
  readonly node: SlotNode;
  #load = 0;

  constructor(index: number, worker: ms.Worker<WorkerAppData>, webRtcServer: ms.WebRtcServer, node: SlotNode) {
    this.index = index;
    this.worker = worker;
    this.webRtcServer = webRtcServer;
    this.node = node;
  }

  /** the address a pipe or plain transport on this worker listens on (and announces) */
  get transportListen(): ms.TransportListenInfo {
    return { protocol: 'udp', ip: this.node.listenIp, ...(this.node.announcedAddress ? { announcedAddress: this.node.announcedAddress } : {}) };
  }

  get pid(): number {
    return this.worker.pid;
  }

  get alive(): boolean {
    return !this.worker.closed;
  }

  /** peers placed on this worker (all rooms) */
  get load(): number {
    return this.#load;
  }

  retain(): void {
    this.#load++;
  }

  release(): void {
    if (this.#load > 0) this.#load--;
  }
}

export type WorkerPoolEvents = {
  /** the worker process died; its routers and transports are gone already */
  workerDied: [{ index: number; pid: number; error: Error }];
  /** a new worker (and WebRtcServer) serves this index again */
  workerReplaced: [{ index: number; oldPid: number; pid: number }];
  /** re-creating the worker failed; it is tried again after a back-off */
  workerReplaceFailed: [{ index: number; attempt: number; error: Error }];
};

export class WorkerPool extends EventEmitter<WorkerPoolEvents> {
  readonly #config: MediaConfig;
  readonly #logger: MediaLogger;
  readonly #plan: SlotPlan[];
  readonly #slots: (WorkerSlot | undefined)[];
  /** node slots being started (not yet in #slots) */
  readonly #filling = new Set<number>();
  readonly #respawnTimers = new Set<NodeJS.Timeout>();
  #next = 0;
  #closed = false;

  /** Starts the local workers (a failure stops start-up) and begins filling the nodes' slots as their links come up. */
  static async create(config: MediaConfig, logger: MediaLogger = silentLogger, links: readonly NodeLink[] = []): Promise<WorkerPool> {
    const pool = new WorkerPool(config, logger, links);
    const started = await Promise.allSettled(Array.from({ length: config.numWorkers }, (_, index) => pool.#spawn(index)));
    const failure = started.find((result) => result.status === 'rejected');
    if (failure) {
      pool.close();
      throw failure.reason;
    }
    started.forEach((result, index) => {
      if (result.status === 'fulfilled') pool.#slots[index] = result.value;
    });
    logger.info({ workers: pool.#slots.map((slot) => slot?.pid) }, 'mediasoup workers started');
    for (const link of links) link.on('up', () => void pool.#fillNode(link));
    // nodes linked already: their workers are there before the first room opens
    await Promise.all(links.filter((link) => link.up).map((link) => pool.#fillNode(link)));
    return pool;
  }

  private constructor(config: MediaConfig, logger: MediaLogger, links: readonly NodeLink[]) {
    super();
    this.#config = config;
    this.#logger = logger;
    this.#plan = [
      ...Array.from({ length: config.numWorkers }, (): SlotPlan => ({ kind: 'local' })),
      ...links.flatMap((link) => Array.from({ length: link.target.workers }, (): SlotPlan => ({ kind: 'node', link }))),
    ];
    this.#slots = this.#plan.map(() => undefined);
  }

  /** names of the nodes with at least one live worker */
  liveNodes(): Set<string> {
    return new Set(this.slots().map((slot) => slot.node.name));
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** configured number of workers (some may be being replaced) */
  get size(): number {
    return this.#slots.length;
  }

  /** live workers */
  slots(): WorkerSlot[] {
    return this.#slots.filter((slot): slot is WorkerSlot => slot !== undefined && slot.alive);
  }

  slot(index: number): WorkerSlot | undefined {
    const slot = this.#slots[index];
    return slot?.alive ? slot : undefined;
  }

  /**
   * The live worker with the least load, on `node` when it has one alive,
   * skipping `exclude` when another is alive; ties go round-robin.
   */
  pick(exclude?: ReadonlySet<number>, node?: string): WorkerSlot {
    if (this.#closed) throw new MediaError('closed', 'media worker pool is closed');
    const all = this.slots();
    const onNode = node === undefined ? [] : all.filter((slot) => slot.node.name === node);
    const alive = onNode.length > 0 ? onNode : all;
    if (alive.length === 0) throw new MediaError('unavailable', 'no live media worker');
    const preferred = exclude ? alive.filter((slot) => !exclude.has(slot.index)) : alive;
    const candidates = preferred.length > 0 ? preferred : alive;
    const size = this.#slots.length;
    let best: WorkerSlot | undefined;
    let bestRank = Infinity;
    for (const slot of candidates) {
      const rank = slot.load * size + ((slot.index - this.#next + size) % size);
      if (rank < bestRank) {
        best = slot;
        bestRank = rank;
      }
    }
    const picked = best!;
    this.#next = (picked.index + 1) % size;
    return picked;
  }

  /** Idempotent: closes every worker (their routers and transports go with them). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#respawnTimers) clearTimeout(timer);
    this.#respawnTimers.clear();
    for (const slot of this.#slots) slot?.worker.close();
    this.#slots.fill(undefined);
  }

  async #spawn(index: number): Promise<WorkerSlot> {
    const plan = this.#plan[index];
    if (plan?.kind === 'node') return this.#spawnOnNode(index, plan.link);
    const config = this.#config;
    const worker = await createWorker<WorkerAppData>({
      logLevel: config.logLevel,
      logTags: config.logTags,
      rtcMinPort: config.rtcMinPort,
      rtcMaxPort: config.rtcMaxPort,
      appData: { index },
      ...(config.workerBin ? { workerBin: config.workerBin } : {}),
    });
    const { listenIp, announcedAddress, ports } = config.webRtcServer;
    const node: SlotNode = { name: config.localNodeName, listenIp: config.pipeListenIp, announcedAddress: undefined, remote: false };
    return this.#withWebRtcServer(index, worker, node, { listenIp, announcedAddress, ports: typeof ports === 'number' ? ports + index : ports });
  }

  async #spawnOnNode(index: number, link: NodeLink): Promise<WorkerSlot> {
    const { worker, webRtcPort, address } = await link.spawnWorker<WorkerAppData>({ logLevel: this.#config.logLevel, appData: { index } });
    const node: SlotNode = { name: address.name, listenIp: address.listenIp, announcedAddress: address.announcedAddress, remote: true };
    return this.#withWebRtcServer(index, worker, node, { listenIp: address.listenIp, announcedAddress: address.announcedAddress, ports: webRtcPort });
  }

  async #withWebRtcServer(
    index: number,
    worker: ms.Worker<WorkerAppData>,
    node: SlotNode,
    listen: { listenIp: string; announcedAddress: string | undefined; ports: number | { min: number; max: number } },
  ): Promise<WorkerSlot> {
    let webRtcServer: ms.WebRtcServer;
    try {
      const { listenIp, announcedAddress, ports } = listen;
      const listenInfos = (['udp', 'tcp'] as const).map(
        (protocol): ms.TransportListenInfo => ({
          protocol,
          ip: listenIp,
          ...(announcedAddress ? { announcedAddress } : {}),
          ...(typeof ports === 'number' ? { port: ports } : { portRange: { min: ports.min, max: ports.max } }),
        }),
      );
      webRtcServer = await worker.createWebRtcServer({ listenInfos });
    } catch (error) {
      worker.close();
      throw error;
    }
    const slot = new WorkerSlot(index, worker, webRtcServer, node);
    worker.on('died', (error) => this.#onDied(slot, error));
    return slot;
  }

  /** Starts the node's missing workers (its link just came up, or one of them died while it stays up); never rejects. */
  async #fillNode(link: NodeLink): Promise<void> {
    const starting = this.#plan.map((plan, index) => {
      if (this.#closed || plan.kind !== 'node' || plan.link !== link || this.#slots[index] || this.#filling.has(index)) return undefined;
      this.#filling.add(index);
      return this.#spawnOnNode(index, link)
        .then(
          (slot) => {
            if (this.#closed) {
              slot.worker.close();
              return;
            }
            this.#slots[index] = slot;
            this.#logger.info({ index, node: link.target.name, pid: slot.pid }, 'media node worker started');
            this.emit('workerReplaced', { index, oldPid: 0, pid: slot.pid });
          },
          (error: unknown) => {
            if (this.#closed) return;
            this.#logger.warn({ index, node: link.target.name, err: error }, 'could not start a worker on the media node');
            // tried again when the link comes back, or shortly if it is up
            const timer = setTimeout(() => {
              this.#respawnTimers.delete(timer);
              if (link.up) void this.#fillNode(link);
            }, this.#config.respawnMinDelayMs);
            timer.unref();
            this.#respawnTimers.add(timer);
          },
        )
        .finally(() => this.#filling.delete(index));
    });
    await Promise.all(starting);
  }

  #onDied(slot: WorkerSlot, error: Error): void {
    if (this.#closed) return;
    if (this.#slots[slot.index] === slot) this.#slots[slot.index] = undefined;
    this.#logger.error({ index: slot.index, pid: slot.pid, err: error }, 'mediasoup worker died');
    this.emit('workerDied', { index: slot.index, pid: slot.pid, error });
    const plan = this.#plan[slot.index];
    if (plan?.kind === 'node') void this.#fillNode(plan.link);
    else this.#respawn(slot.index, slot.pid, 1, 0);
  }

  #respawn(index: number, oldPid: number, attempt: number, delayMs: number): void {
    const timer = setTimeout(() => {
      this.#respawnTimers.delete(timer);
      if (this.#closed) return;
      this.#spawn(index).then(
        (slot) => {
          if (this.#closed) {
            slot.worker.close();
            return;
          }
          this.#slots[index] = slot;
          this.#logger.warn({ index, oldPid, pid: slot.pid }, 'mediasoup worker replaced');
          this.emit('workerReplaced', { index, oldPid, pid: slot.pid });
        },
        (error: unknown) => {
          if (this.#closed) return;
          const err = error instanceof Error ? error : new Error(String(error));
          this.#logger.error({ index, attempt, err }, 'could not replace mediasoup worker');
          this.emit('workerReplaceFailed', { index, attempt, error: err });
          const next = Math.min(this.#config.respawnMaxDelayMs, Math.max(this.#config.respawnMinDelayMs, delayMs * 2));
          this.#respawn(index, oldPid, attempt + 1, next);
        },
      );
    }, delayMs);
    timer.unref();
    this.#respawnTimers.add(timer);
  }
}
