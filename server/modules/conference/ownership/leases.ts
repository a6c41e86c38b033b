/**
 * Who owns each meeting's conference, when several app processes share one
 * Redis: a lease per meeting (`SET … NX PX`), held by one process id,
 * renewed while that process keeps the conference and released when it
 * lets it go. A killed owner stops renewing; its lease lapses after
 * `LEASE_MS` and the next process that needs the conference takes it.
 *
 * Compare-and-set in Lua: a process renews or releases only a lease that is
 * still its own, never one another process took after it lapsed.
 */
/** What the conference asks of a Redis connection (node-redis's client fits; so does a test's). */
export type RedisClient = {
  set(key: string, value: string, options: { NX: true; PX: number }): Promise<string | null>;
  get(key: string): Promise<string | null>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  publish(channel: string, message: string): Promise<number>;
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
};

/** How long a lease outlives its last renewal: the longest a killed owner keeps its conferences unreachable. */
export const LEASE_MS = 10_000;

const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export class OwnerLeases {
  readonly #redis: RedisClient;
  readonly #prefix: string;
  readonly #me: string;

  /** `scope` keeps deployments sharing one Redis apart (each names its own database). */
  constructor(redis: RedisClient, scope: string, processId: string) {
    this.#redis = redis;
    this.#prefix = `phs:${scope}:conference-owner:`;
    this.#me = processId;
  }

  get processId(): string {
    return this.#me;
  }

  /** The owner's process id: the current holder, or this process when nobody held it (it takes the lease). */
  async claim(meetingId: string): Promise<string> {
    const key = this.#prefix + meetingId;
    for (let attempt = 0; attempt < 3; attempt++) {
      const taken = await this.#redis.set(key, this.#me, { NX: true, PX: LEASE_MS });
      if (taken === 'OK') return this.#me;
      const holder = await this.#redis.get(key);
      if (holder !== null) return holder;
      // it lapsed between the two calls: try again
    }
    throw new Error(`no owner could be settled for conference ${meetingId}`);
  }

  /** The current holder, without taking it. */
  async holder(meetingId: string): Promise<string | null> {
    return this.#redis.get(this.#prefix + meetingId);
  }

  /** Extends this process's lease; false when it is no longer ours. */
  async renew(meetingId: string): Promise<boolean> {
    const result = await this.#redis.eval(RENEW, { keys: [this.#prefix + meetingId], arguments: [this.#me, String(LEASE_MS)] });
    return result === 1;
  }

  async release(meetingId: string): Promise<void> {
    await this.#redis.eval(RELEASE, { keys: [this.#prefix + meetingId], arguments: [this.#me] });
  }
}
