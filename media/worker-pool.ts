/**
 * mediasoup workers, one WebRtcServer each. Picks the least loaded worker for
 * a new router, replaces a worker that dies (same index, same ports when they
 * are fixed) and says so through events, so rooms can move their peers.
 */
import { EventEmitter } from 'node:events';
import { createWorker } from 'mediasoup';
import type * as ms from 'mediasoup/types';
import { silentLogger, type MediaConfig, type MediaLogger } from './config.ts';
import { MediaError } from './errors.ts';

export type WorkerAppData = { index: number };

/** One live worker and its WebRtcServer. A replaced worker gets a new slot object. */
export class WorkerSlot {
  readonly index: number;
  readonly worker: ms.Worker<WorkerAppData>;
  readonly webRtcServer: ms.WebRtcServer;
  #load = 0;

  constructor(index: number, worker: ms.Worker<WorkerAppData>, webRtcServer: ms.WebRtcServer) {
    this.index = index;
    this.worker = worker;
    this.webRtcServer = webRtcServer;
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
  readonly #slots: (WorkerSlot | undefined)[];
  readonly #respawnTimers = new Set<NodeJS.Timeout>();
  #next = 0;
  #closed = false;

  static async create(config: MediaConfig, logger: MediaLogger = silentLogger): Promise<WorkerPool> {
    const pool = new WorkerPool(config, logger);
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
    return pool;
  }

  private constructor(config: MediaConfig, logger: MediaLogger) {
    super();
    this.#config = config;
    this.#logger = logger;
    this.#slots = Array.from({ length: config.numWorkers }, () => undefined);
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
   * The live worker with the least load, skipping `exclude` when another is
   * alive; ties go round-robin.
   */
  pick(exclude?: ReadonlySet<number>): WorkerSlot {
    if (this.#closed) throw new MediaError('closed', 'media worker pool is closed');
    const alive = this.slots();
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
    const config = this.#config;
    const worker = await createWorker<WorkerAppData>({
      logLevel: config.logLevel,
      logTags: config.logTags,
      rtcMinPort: config.rtcMinPort,
      rtcMaxPort: config.rtcMaxPort,
      appData: { index },
      ...(config.workerBin ? { workerBin: config.workerBin } : {}),
    });
    let webRtcServer: ms.WebRtcServer;
    try {
      const { listenIp, announcedAddress, ports } = config.webRtcServer;
      const listenInfos = (['udp', 'tcp'] as const).map(
        (protocol): ms.TransportListenInfo => ({
          protocol,
          ip: listenIp,
          ...(announcedAddress ? { announcedAddress } : {}),
          ...(typeof ports === 'number' ? { port: ports + index } : { portRange: { min: ports.min, max: ports.max } }),
        }),
      );
      webRtcServer = await worker.createWebRtcServer({ listenInfos });
    } catch (error) {
      worker.close();
      throw error;
    }
    const slot = new WorkerSlot(index, worker, webRtcServer);
    worker.on('died', (error) => this.#onDied(slot, error));
    return slot;
  }

  #onDied(slot: WorkerSlot, error: Error): void {
    if (this.#closed) return;
    if (this.#slots[slot.index] === slot) this.#slots[slot.index] = undefined;
    this.#logger.error({ index: slot.index, pid: slot.pid, err: error }, 'mediasoup worker died');
    this.emit('workerDied', { index: slot.index, pid: slot.pid, error });
    this.#respawn(slot.index, slot.pid, 1, 0);
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
