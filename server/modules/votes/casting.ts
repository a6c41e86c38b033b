/**
 * Casting: every ballot of an open poll goes through that poll's writer
 * (poll-writer.ts), one per poll in this process, made on its first ballot
 * and let go when the poll leaves "open". Each batch goes through up to three
 * stages, each taking what the one before handed back:
 *  1. one statement (cast-statement.ts): the first ballot of each voting
 *     member cast by themselves, judged against the poll's facts, read at its
 *     opening or first ballot and kept while ballots come (open-poll.ts): the
 *     bulk of a storm;
 *  2. one transaction for the rest (cast-batch.ts): proxies, second ballots,
 *     retries, changes, refusals;
 *  3. one ballot at a time (ballots.ts) for what the transaction could not
 *     judge exactly, and for every ballot of a stage that failed: it is
 *     idempotent by key, so a ballot is never written twice whatever failed.
 */
import type { SessionUser } from '../../contract/identity.ts';
import type { CastBallot, CastReceipt } from '../../contract/votes.ts';
import type { BallotBox } from './ballots.ts';
import { decideBatch, type Ballot, type BatchDeps, type CastOutcome } from './cast-batch.ts';
import { castInOneStatement } from './cast-statement.ts';
import { loadOpenPoll, type OpenPoll } from './open-poll.ts';
import { PollWriter, type Queued } from './poll-writer.ts';

type Writer = PollWriter<Ballot, CastOutcome>;
type Batch = Queued<Ballot, CastOutcome>[];
/**
 * A poll being cast in: its writer, and its facts (undefined: not read yet,
 * or let go) with the timer that lets them go once no ballot has come for a
 * while.
 */
type Casting = { writer: Writer; facts: Promise<OpenPoll | null> | undefined; idle: ReturnType<typeof setTimeout> | undefined };

/**
 * How long a poll's facts are kept after its opening or its last ballot.
 * A hall votes within minutes of the opening; a poll left open longer reads
 * them again on its next ballot (one round trip). Keeping the poll's key in
 * memory meanwhile adds no exposure: the process holds the master key that
 * unwraps it all along, and the key file exists until the close. What the
 * limit bounds is how long a process that did not close the poll (another
 * app process) keeps them after it has stopped hearing ballots.
 */
const FACTS_KEPT_IDLE_MS = 5 * 60_000;

export class CastingDesk {
  readonly #deps: BatchDeps;
  readonly #single: BallotBox;
  readonly #polls = new Map<string, Casting>();

  constructor(deps: BatchDeps, single: BallotBox) {
    this.#deps = deps;
    this.#single = single;
  }

  cast(user: SessionUser, input: CastBallot): Promise<CastOutcome> {
    return this.#casting(input.meetingId, input.pollId).writer.submit({ user, input });
  }

  /**
   * The poll has just opened here: its facts are read now, while the hall is
   * still reading the question, not under the storm of its first ballots.
   */
  prepare(meetingId: string, pollId: string): void {
    const casting = this.#casting(meetingId, pollId);
    void this.#facts(casting, meetingId, pollId);
    this.#letFactsGoLater(casting);
  }

  /** Before a poll is closed, counted on paper or cancelled: every ballot already submitted here is answered first. */
  async drain(meetingId: string, pollId: string): Promise<void> {
    await this.#polls.get(`${meetingId}/${pollId}`)?.writer.drain();
  }

  /** The poll is no longer open: its facts (and key) go now, its writer once nothing waits in it. */
  forget(meetingId: string, pollId: string): void {
    const id = `${meetingId}/${pollId}`;
    const casting = this.#polls.get(id);
    if (casting === undefined) return;
    casting.facts = undefined;
    clearTimeout(casting.idle);
    if (casting.writer.idle) this.#polls.delete(id);
  }

  #casting(meetingId: string, pollId: string): Casting {
    const id = `${meetingId}/${pollId}`;
    let casting = this.#polls.get(id);
    if (casting === undefined) {
      const entry: Casting = {
        writer: new PollWriter(
          (batch) => this.#write(entry, meetingId, pollId, batch),
          (ballot) => (ballot.input.voterUserId ?? ballot.user.id).toLowerCase(),
        ),
        facts: undefined,
        idle: undefined,
      };
      casting = entry;
      this.#polls.set(id, casting);
    }
    return casting;
  }

  /** The poll's facts, read once and shared by every batch until they are let go. */
  #facts(casting: Casting, meetingId: string, pollId: string): Promise<OpenPoll | null> {
    if (casting.facts === undefined) {
      const facts = loadOpenPoll(this.#deps.db, this.#deps.keys, meetingId, pollId);
      casting.facts = facts;
      // A failed read is not kept: the next batch reads again (and this one goes on without them).
      facts.catch(() => {
        if (casting.facts === facts) casting.facts = undefined;
      });
    }
    return casting.facts;
  }

  /** Once the writer has had nothing to do for a while, the facts go. */
  #letFactsGoLater(casting: Casting): void {
    clearTimeout(casting.idle);
    casting.idle = setTimeout(() => {
      if (casting.writer.idle) casting.facts = undefined;
      else this.#letFactsGoLater(casting);
    }, FACTS_KEPT_IDLE_MS);
    casting.idle.unref();
  }

  async #write(casting: Casting, meetingId: string, pollId: string, batch: Batch): Promise<void> {
    try {
      const left = await this.#inOneStatement(casting, meetingId, pollId, batch);
      const unjudged = left.length === 0 ? [] : await this.#inOneTransaction(meetingId, pollId, left);
      await this.#oneByOne(unjudged);
    } finally {
      this.#letFactsGoLater(casting);
    }
  }

  /** Stage 1; answers what it wrote and returns the rest. */
  async #inOneStatement(casting: Casting, meetingId: string, pollId: string, batch: Batch): Promise<Batch> {
    const facts = this.#facts(casting, meetingId, pollId);
    let open: OpenPoll | null;
    try {
      open = await facts;
    } catch {
      return batch;
    }
    if (open === null) {
      // Not open (any more, or not yet seen open): the transaction answers with the exact codes; read again next time.
      if (casting.facts === facts) casting.facts = undefined;
      return batch;
    }
    let outcome: Awaited<ReturnType<typeof castInOneStatement>>;
    try {
      outcome = await castInOneStatement(this.#deps.db, open, batch.map((q) => q.ballot));
    } catch {
      // Committed or not, unknown: each ballot on its own, idempotent by its key.
      await this.#oneByOne(batch);
      return [];
    }
    if (!outcome.stillOpen && casting.facts === facts) casting.facts = undefined;
    for (const [index, receipt] of outcome.written) batch[index]!.resolve({ result: receipt, poll: open.poll, cast: outcome.cast });
    return outcome.handedBack.map((index) => batch[index]!);
  }

  /** Stage 2; answers what it decided and returns what only the single path can answer. */
  async #inOneTransaction(meetingId: string, pollId: string, batch: Batch): Promise<Batch> {
    try {
      const decision = await decideBatch(this.#deps, meetingId, pollId, batch.map((q) => q.ballot));
      for (const [index, answer] of decision.answered) answerWith(batch[index]!, answer, decision.poll!, decision.cast);
      if (decision.poll?.status !== 'open') setImmediate(() => this.forget(meetingId, pollId));
      return decision.unjudged.map((index) => batch[index]!);
    } catch {
      // The batch did not commit (or its outcome is unknown): each ballot on its own, idempotent by its key.
      return batch;
    }
  }

  /** Stage 3. */
  async #oneByOne(batch: Batch): Promise<void> {
    await Promise.all(batch.map((q) => this.#single.cast(q.ballot.user, q.ballot.input).then(q.resolve, q.reject)));
  }
}

function answerWith(q: Queued<Ballot, CastOutcome>, answer: CastReceipt | Error, poll: CastOutcome['poll'], cast: number): void {
  if (answer instanceof Error) q.reject(answer);
  else q.resolve({ result: answer, poll, cast });
}
