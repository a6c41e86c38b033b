/**
 * Casting: every ballot of an open poll goes through that poll's writer
 * (poll-writer.ts), one per poll in this process, made on its first ballot
 * and let go when the poll leaves "open". A batch is decided and committed
 * at once (cast-batch.ts); ballots it hands back, and every ballot of a batch
 * whose transaction failed, take the single-ballot path (ballots.ts), which
 * is idempotent by key, so a ballot is never written twice whatever failed.
 */
import type { SessionUser } from '../../contract/identity.ts';
import type { CastBallot } from '../../contract/votes.ts';
import type { BallotBox } from './ballots.ts';
import { decideBatch, type Ballot, type BatchDeps, type CastOutcome } from './cast-batch.ts';
import { PollWriter, type Queued } from './poll-writer.ts';

type Writer = PollWriter<Ballot, CastOutcome>;

export class CastingDesk {
  readonly #deps: BatchDeps;
  readonly #single: BallotBox;
  readonly #writers = new Map<string, Writer>();

  constructor(deps: BatchDeps, single: BallotBox) {
    this.#deps = deps;
    this.#single = single;
  }

  cast(user: SessionUser, input: CastBallot): Promise<CastOutcome> {
    const id = `${input.meetingId}/${input.pollId}`;
    let writer = this.#writers.get(id);
    if (writer === undefined) {
      writer = new PollWriter(
        (batch) => this.#write(input.meetingId, input.pollId, batch),
        (ballot) => (ballot.input.voterUserId ?? ballot.user.id).toLowerCase(),
      );
      this.#writers.set(id, writer);
    }
    return writer.submit({ user, input });
  }

  /** Before a poll is closed, counted on paper or cancelled: every ballot already submitted here is answered first. */
  async drain(meetingId: string, pollId: string): Promise<void> {
    await this.#writers.get(`${meetingId}/${pollId}`)?.drain();
  }

  /** The poll is no longer open: its writer goes once nothing waits in it. */
  forget(meetingId: string, pollId: string): void {
    const id = `${meetingId}/${pollId}`;
    if (this.#writers.get(id)?.idle === true) this.#writers.delete(id);
  }

  async #write(meetingId: string, pollId: string, batch: Queued<Ballot, CastOutcome>[]): Promise<void> {
    let unjudged: Queued<Ballot, CastOutcome>[];
    try {
      const decision = await decideBatch(this.#deps, meetingId, pollId, batch.map((q) => q.ballot));
      for (const [index, answer] of decision.answered) {
        const q = batch[index]!;
        if (answer instanceof Error) q.reject(answer);
        else q.resolve({ result: answer, poll: decision.poll!, cast: decision.cast });
      }
      unjudged = decision.unjudged.map((index) => batch[index]!);
      if (decision.poll?.status !== 'open') setImmediate(() => this.forget(meetingId, pollId));
    } catch {
      // The batch did not commit (or its outcome is unknown): each ballot on its own, idempotent by its key.
      unjudged = batch;
    }
    await Promise.all(unjudged.map((q) => this.#single.cast(q.ballot.user, q.ballot.input).then(q.resolve, q.reject)));
  }
}
