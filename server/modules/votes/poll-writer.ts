/**
 * Group commit for one open poll: ballots that arrive while a batch is being
 * written wait, and the next batch takes all of them at once. One batch is in
 * flight per poll, so the ballots of one voter are decided in arrival order;
 * each ballot is answered only after its batch has committed (the write
 * function resolves or rejects each one).
 */

export type Queued<Ballot, Outcome> = { ballot: Ballot; resolve: (outcome: Outcome) => void; reject: (error: unknown) => void; settled: Promise<void> };

/** Large enough for a hall of 1,600 in a couple of batches, small enough for one statement's parameters. */
const MAX_BATCH = 1000;

export class PollWriter<Ballot, Outcome> {
  readonly #write: (batch: Queued<Ballot, Outcome>[]) => Promise<void>;
  #queue: Queued<Ballot, Outcome>[] = [];
  #inFlight: Queued<Ballot, Outcome>[] = [];
  #running = false;

  constructor(write: (batch: Queued<Ballot, Outcome>[]) => Promise<void>) {
    this.#write = write;
  }

  submit(ballot: Ballot): Promise<Outcome> {
    let resolve!: (outcome: Outcome) => void;
    let reject!: (error: unknown) => void;
    const outcome = new Promise<Outcome>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const settled = outcome.then(
      () => undefined,
      () => undefined,
    );
    this.#queue.push({ ballot, resolve, reject, settled });
    if (!this.#running) {
      this.#running = true;
      // Wait for the rest of this turn of the event loop: the ballots read from the same sockets join this batch.
      setImmediate(() => void this.#run());
    }
    return outcome;
  }

  /** Whether nothing is waiting or being written (the writer can be let go). */
  get idle(): boolean {
    return !this.#running && this.#queue.length === 0;
  }

  /** Settles once every ballot submitted before this call has been answered (later ones are not waited for). */
  async drain(): Promise<void> {
    await Promise.all([...this.#inFlight, ...this.#queue].map((q) => q.settled));
  }

  async #run(): Promise<void> {
    while (this.#queue.length > 0) {
      this.#inFlight = this.#queue.splice(0, MAX_BATCH);
      try {
        await this.#write(this.#inFlight);
      } catch (error) {
        // The write function answers every ballot itself; this only guards against a bug leaving some unanswered.
        for (const q of this.#inFlight) q.reject(error);
      }
      this.#inFlight = [];
    }
    this.#running = false;
  }
}
