/**
 * Small reads before large ones. A hall opening a document asks, from every
 * tablet at once, for the 64 KiB ranges pdf.js needs to draw the first page;
 * a delegate saving the whole file, or a client reading the rest in one
 * range, asks for megabytes. When the first tablets served go straight on to
 * megabytes, those bytes take the cores (and, without nginx in front, the
 * app's one thread) from the checks and first ranges of the tablets still
 * waiting. So while any small read is being answered, a large one waits
 * before its checks run and its bytes start: at most MAX_LARGE_WAIT_MS, so a
 * steady trickle of small reads never starves it. The checks run after the
 * wait, so a revocation made meanwhile is still seen.
 */

/** Largest read counted as small: pdf.js asks for 64 KiB at a time; a few of them joined stay far below this. */
export const SMALL_READ_BYTES = 1024 * 1024;
/** Longest a large read waits for small ones. */
export const MAX_LARGE_WAIT_MS = 500;

/**
 * Whether a Range header asks for at most SMALL_READ_BYTES: one closed range
 * (`bytes=0-65535`) or a suffix (`bytes=-65536`). No header (the whole file),
 * an open range (`bytes=65536-`) or several ranges are large.
 */
export function isSmallRead(range: string | undefined): boolean {
  if (range === undefined) return false;
  const closed = /^bytes=(\d{1,15})-(\d{1,15})$/.exec(range.trim());
  if (closed !== null) {
    const span = Number(closed[2]) - Number(closed[1]) + 1;
    return span > 0 && span <= SMALL_READ_BYTES;
  }
  const suffix = /^bytes=-(\d{1,15})$/.exec(range.trim());
  return suffix !== null && Number(suffix[1]) <= SMALL_READ_BYTES;
}

export class ReadOrder {
  readonly #maxWaitMs: number;
  #small = 0;
  #waiting = new Set<() => void>();

  constructor(maxWaitMs = MAX_LARGE_WAIT_MS) {
    this.#maxWaitMs = maxWaitMs;
  }

  /** A small read is being answered: call the function returned once it has been (calling it again does nothing). */
  beginSmall(): () => void {
    this.#small += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.#small -= 1;
      if (this.#small === 0) for (const go of [...this.#waiting]) go();
    };
  }

  /** Settles once no small read is being answered, or after the longest wait. */
  largeTurn(): Promise<void> {
    if (this.#small === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const go = () => {
        clearTimeout(timer);
        this.#waiting.delete(go);
        resolve();
      };
      const timer = setTimeout(go, this.#maxWaitMs);
      this.#waiting.add(go);
    });
  }
}
