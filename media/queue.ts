/**
 * Promise queues: tasks run one after another, so two concurrent joins cannot
 * both decide to create the same room or the same router.
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();
  #length = 0;

  get idle(): boolean {
    return this.#length === 0;
  }

  push<T>(task: () => Promise<T>): Promise<T> {
    this.#length++;
    const result = this.#tail.then(task).finally(() => {
      this.#length--;
    });
    this.#tail = result.catch(() => undefined);
    return result;
  }
}

/** One SerialQueue per key, dropped when it runs dry. */
export class KeyedQueue {
  readonly #queues = new Map<string, SerialQueue>();

  push<T>(key: string, task: () => Promise<T>): Promise<T> {
    let queue = this.#queues.get(key);
    if (!queue) {
      queue = new SerialQueue();
      this.#queues.set(key, queue);
    }
    const owner = queue;
    return owner.push(task).finally(() => {
      if (owner.idle && this.#queues.get(key) === owner) this.#queues.delete(key);
    });
  }

  get size(): number {
    return this.#queues.size;
  }
}
