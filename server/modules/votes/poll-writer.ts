/**
 * Group commit for one open poll: ballots that arrive while batches are being
 * written wait, and the next batch takes all of them at once. Up to four
 * batches may be in flight, so a storm's first, small batches (the ballots
 * that arrived first, a few at a time while the hall's are still being read)
 * do not hold the bulk of the hall back while they commit. The ballots of
 * one voter are still decided in arrival order: a voter with a ballot in
 * flight has no ballot in another batch until that one is answered. Each ballot is answered only after its
 * batch has committed (the write function resolves or rejects each one).
 */

export type Queued<Ballot, Outcome> = { ballot: Ballot; resolve: (outcome: Outcome) => void; reject: (error: unknown) => void; settled: Promise<void> };

/** Large enough for a hall of 1,600 in a couple of batches, small enough for one statement's parameters. */
const MAX_BATCH = 1000;
/**
 * Batches in flight at once. Most batches are one self-committing statement
 * (cast-statement.ts) holding the poll row FOR SHARE only while it runs, so
 * they do not wait for each other; four leave the pool (10) room for the rest
 * of the app. Measured in bench:votes: two left the bulk of a 1,600 storm
 * queued behind small first batches whose answers waited ~100 ms for the busy
 * event loop.
 */
export const LANES = 4;

export class PollWriter<Ballot, Outcome> {
  readonly #write: (batch: Queued<Ballot, Outcome>[]) => Promise<void>;
  readonly #voterOf: (ballot: Ballot) => string;
  #queue: Queued<Ballot, Outcome>[] = [];
  /** ballots being written, and how many of each voter's */
  readonly #inFlight = new Set<Queued<Ballot, Outcome>>();
  readonly #busyVoters = new Map<string, number>();
  #running = 0;
  #scheduled = false;

  /** `voterOf`: whose vote a ballot is (their ballots are decided one batch after another). */
  constructor(write: (batch: Queued<Ballot, Outcome>[]) => Promise<void>, voterOf: (ballot: Ballot) => string) {
    this.#write = write;
    this.#voterOf = voterOf;
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
    if (!this.#scheduled && this.#running < LANES) {
      this.#scheduled = true;
      // Wait for the rest of this turn of the event loop: the ballots read from the same sockets join this batch.
      setImmediate(() => {
        this.#scheduled = false;
        this.#start();
      });
    }
    return outcome;
  }

  /** Whether nothing is waiting or being written (the writer can be let go). */
  get idle(): boolean {
    return this.#running === 0 && !this.#scheduled && this.#queue.length === 0;
  }

  /** Settles once every ballot submitted before this call has been answered (later ones are not waited for). */
  async drain(): Promise<void> {
    await Promise.all([...this.#inFlight, ...this.#queue].map((q) => q.settled));
  }

  /** Fill the free lanes with batches from the queue. */
  #start(): void {
    while (this.#running < LANES) {
      const batch = this.#take();
      if (batch.length === 0) return;
      this.#running += 1;
      void this.#run(batch);
    }
  }

  /**
   * Up to MAX_BATCH ballots in arrival order, skipping voters who have a
   * ballot in flight; once one of a voter's ballots is skipped, so are their
   * later ones, so their order holds.
   */
  #take(): Queued<Ballot, Outcome>[] {
    const taken: Queued<Ballot, Outcome>[] = [];
    const kept: Queued<Ballot, Outcome>[] = [];
    const held = new Set<string>();
    for (const q of this.#queue) {
      const voter = this.#voterOf(q.ballot);
      if (taken.length < MAX_BATCH && !this.#busyVoters.has(voter) && !held.has(voter)) taken.push(q);
      else {
        kept.push(q);
        held.add(voter);
      }
    }
    this.#queue = kept;
    return taken;
  }

  async #run(batch: Queued<Ballot, Outcome>[]): Promise<void> {
    const voters = batch.map((q) => this.#voterOf(q.ballot));
    for (const q of batch) this.#inFlight.add(q);
    for (const voter of voters) this.#busyVoters.set(voter, (this.#busyVoters.get(voter) ?? 0) + 1);
    try {
      await this.#write(batch);
    } catch (error) {
      // The write function answers every ballot itself; this only guards against a bug leaving some unanswered.
      for (const q of batch) q.reject(error);
    } finally {
      for (const q of batch) this.#inFlight.delete(q);
      for (const voter of voters) {
        const left = (this.#busyVoters.get(voter) ?? 1) - 1;
        if (left === 0) this.#busyVoters.delete(voter);
        else this.#busyVoters.set(voter, left);
      }
      this.#running -= 1;
      this.#start();
    }
  }
}
