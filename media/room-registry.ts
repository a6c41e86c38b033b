/** One ConferenceRoom per id: concurrent getOrCreate() calls for the same id get the same room. */
import { silentLogger, type MediaConfig, type MediaLogger } from './config.ts';
import { ConferenceRoom } from './conference-room.ts';
import { MediaError } from './errors.ts';
import { KeyedQueue } from './queue.ts';
import type { WorkerPool } from './worker-pool.ts';

export class RoomRegistry {
  readonly #pool: WorkerPool;
  readonly #config: MediaConfig;
  readonly #logger: MediaLogger;
  readonly #rooms = new Map<string, ConferenceRoom>();
  readonly #queue = new KeyedQueue();
  #closed = false;

  constructor(pool: WorkerPool, config: MediaConfig, logger: MediaLogger = silentLogger) {
    this.#pool = pool;
    this.#config = config;
    this.#logger = logger;
  }

  get closed(): boolean {
    return this.#closed;
  }

  async getOrCreate(roomId: string): Promise<ConferenceRoom> {
    if (this.#closed) throw new MediaError('closed', 'media is shutting down');
    if (typeof roomId !== 'string' || roomId === '') throw new MediaError('invalid', 'roomId is required');
    const existing = this.#rooms.get(roomId);
    if (existing && !existing.closed) return existing;
    return this.#queue.push(roomId, async () => {
      if (this.#closed) throw new MediaError('closed', 'media is shutting down');
      const current = this.#rooms.get(roomId);
      if (current && !current.closed) return current;
      const room = await ConferenceRoom.create({ id: roomId, pool: this.#pool, config: this.#config, logger: this.#logger });
      if (this.#closed) {
        room.close();
        throw new MediaError('closed', 'media is shutting down');
      }
      this.#rooms.set(roomId, room);
      room.once('closed', () => {
        if (this.#rooms.get(roomId) === room) this.#rooms.delete(roomId);
      });
      this.#logger.info({ roomId }, 'room created');
      return room;
    });
  }

  get(roomId: string): ConferenceRoom | undefined {
    const room = this.#rooms.get(roomId);
    return room && !room.closed ? room : undefined;
  }

  rooms(): ConferenceRoom[] {
    return [...this.#rooms.values()].filter((room) => !room.closed);
  }

  /** Idempotent: closes every room. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const room of [...this.#rooms.values()]) room.close();
    this.#rooms.clear();
  }
}
