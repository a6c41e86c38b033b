/**
 * Natural batching for reads that come in bursts: a hall of tablets opening
 * the document the presenter has just put up sends hundreds of identical
 * questions ("is this session valid?", "may this user read this version?") in
 * the same few milliseconds, and answering each with its own query is what kept
 * the last tablet waiting (on the embedded database, one connection, one query
 * at a time).
 *
 * The first question of a quiet moment is asked at the end of this turn of the
 * event loop, with every other question that arrived in that turn; while
 * `concurrency` batches are being answered, newcomers gather and go together
 * in the next one. So a lone request waits for nothing, and a burst costs a
 * handful of queries instead of one per request. Each answer still comes from
 * a query that started after its question was asked: a change committed before
 * (a revocation, a logout) is always seen. Nothing is remembered between
 * batches (DataLoader's cache is off).
 */
import DataLoader from 'dataloader';

export type NaturalBatchOptions = {
  /** Batches answered at once (the embedded database has one connection: 1 is as fast). */
  concurrency?: number;
  /** Questions in one batch at most (one query's size stays bounded). */
  maxBatchSize?: number;
};

/**
 * `loadMany` answers every key it is given, in order: a value, or an Error for
 * that key alone; when it throws, every question of the batch gets its error.
 */
export function naturalBatch<K, V>(loadMany: (keys: readonly K[]) => Promise<readonly (V | Error)[]>, options: NaturalBatchOptions = {}): (key: K) => Promise<V> {
  const concurrency = Math.max(1, options.concurrency ?? 1);
  let running = 0;
  const waiting: (() => void)[] = [];
  const next = () => {
    running -= 1;
    const dispatch = waiting.shift();
    if (dispatch !== undefined) start(dispatch);
  };
  // Counted as running from the moment it is scheduled, so no second batch overtakes it.
  const start = (dispatch: () => void) => {
    running += 1;
    setImmediate(dispatch);
  };
  const loader = new DataLoader<K, V, K>(
    async (keys) => {
      try {
        return await loadMany(keys);
      } finally {
        next();
      }
    },
    {
      cache: false,
      maxBatchSize: options.maxBatchSize ?? 500,
      batchScheduleFn: (dispatch) => {
        if (running < concurrency) start(dispatch);
        else waiting.push(dispatch);
      },
    },
  );
  return (key) => loader.load(key);
}
