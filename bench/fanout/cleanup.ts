/**
 * Everything the run started must stop, whatever happens: a registry of undo
 * steps run once (on success, failure, a signal or the global timeout).
 */
type Undo = () => Promise<unknown> | unknown;

const undos: Undo[] = [];
let cleaning: Promise<void> | undefined;

/** Registers an undo step; later steps run first (what was started last stops first). */
export function onCleanup(undo: Undo): void {
  undos.unshift(undo);
}

export function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const undo of undos.splice(0)) {
      try {
        await undo();
      } catch {
        // keep undoing the rest
      }
    }
  })();
  return cleaning;
}

export const cleaningUp = () => cleaning !== undefined;

/** Stops the run after `timeoutS`, on SIGINT/SIGTERM and on a stray rejection; returns the timer to clear at the end. */
export function guardRun(name: string, timeoutS: number): NodeJS.Timeout {
  const timer = setTimeout(() => {
    console.error(`✗ ${name}: global timeout (${timeoutS} s); stopping`);
    void cleanup().finally(() => process.exit(2));
  }, timeoutS * 1000);
  // A promise nobody waits for any more (the run is already failing) must not crash us before the children are gone.
  process.on('unhandledRejection', (error) => {
    if (cleaningUp()) return;
    console.error(`✗ ${name}: unhandled rejection:`, error);
    void cleanup().finally(() => process.exit(1));
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void cleanup().finally(() => process.exit(130));
    });
  }
  return timer;
}
