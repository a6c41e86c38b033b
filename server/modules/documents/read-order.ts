/**
 * Small reads before large ones. A hall opening a document asks, from every
 * tablet at once, for the 64 KiB ranges pdf.js needs to draw the first page;
 * a delegate saving the whole file, or a client reading the rest in one
 * range, asks for megabytes. When the first tablets served go straight on to
 * megabytes, those bytes take the cores (and, without nginx in front, the
 * app's one thread) from the checks and first ranges of the tablets still
 * waiting. So while any small read is being answered, and for a moment
 * after the last, a large one waits before its checks run and its bytes
 * start: at most MAX_LARGE_WAIT_MS, so a steady trickle of small reads never
 * starves it. The checks run after the wait, so a revocation made meanwhile
 * is still seen.
 */

/** Largest read counted as small: pdf.js asks for 64 KiB at a time; a few of them joined stay far below this. */
export const SMALL_READ_BYTES = 1024 * 1024;
/** Longest a large read waits for small ones. */
export const MAX_LARGE_WAIT_MS = 500;
/**
 * How long after the last small read a large one still waits: a hall's
 * tablets do not all ask within the same millisecond, and between two of
 * their first reads the count of small reads can touch zero.
 */
export const QUIET_MS = 20;

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

/** What `admit` needs of a response (Node's ServerResponse): whether it has closed, and its 'close' event. */
export type ClosingResponse = { readonly closed: boolean; once(event: 'close', listener: () => void): unknown };

export class ReadOrder {
  readonly #maxWaitMs: number;
  readonly #quietMs: number;
  #small = 0;
  /** when the last small read ended (performance.now()) */
  #lastSmallEnd = Number.NEGATIVE_INFINITY;
  #quietTimer: NodeJS.Timeout | undefined;
  #waiting = new Set<() => void>();

  constructor(maxWaitMs = MAX_LARGE_WAIT_MS, quietMs = QUIET_MS) {
    this.#maxWaitMs = maxWaitMs;
    this.#quietMs = quietMs;
  }

  /** Whether small reads are being answered, or one ended too recently for large ones to go. */
  get #busy(): boolean {
    return this.#small > 0 || performance.now() - this.#lastSmallEnd < this.#quietMs;
  }

  /**
   * Where a read goes in line: a small one is counted until `response`
   * closes (however it ends: sent, failed, or the client gone, even before
   * this call), a large one waits for its turn.
   */
  admit(range: string | undefined, response: ClosingResponse): Promise<void> {
    if (!isSmallRead(range)) return this.largeTurn();
    const end = this.beginSmall();
    // A client that left while the request waited for its session check closed the response already: no 'close' follows.
    if (response.closed) end();
    else response.once('close', end);
    return Promise.resolve();
  }

  /** A small read is being answered: call the function returned once it has been (calling it again does nothing). */
  beginSmall(): () => void {
    this.#small += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.#small -= 1;
      if (this.#small > 0) return;
      this.#lastSmallEnd = performance.now();
      clearTimeout(this.#quietTimer);
      // Let the waiting go once the quiet period has passed with no new small read.
      this.#quietTimer = setTimeout(() => {
        // A small read begun meanwhile schedules this again when it ends.
        if (this.#small === 0) for (const go of [...this.#waiting]) go();
      }, this.#quietMs);
    };
  }

  /** Settles once no small read has been answered for QUIET_MS, or after the longest wait. */
  largeTurn(): Promise<void> {
    if (!this.#busy) return Promise.resolve();
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
