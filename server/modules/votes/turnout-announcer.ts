/**
 * Turnout announcements of a poll, coalesced. In a vote storm every ballot
 * changes the count; announcing each one would send 500 × 500 messages to the
 * hall's tablets for nothing anyone can read. So a poll announces at most once
 * per interval, at the interval's end, with the latest count by then: the
 * first counted ballot starts an interval, and intervals go on while counts
 * come. The first count waits for its interval too (it used to go out as soon
 * as the first batch committed): in a storm that message to every tablet,
 * sent while the bulk of the hall's ballots were still being read and
 * acknowledged, cost the app and the tablets as much work as all the
 * acknowledgements together (bench:votes at 1,600: 1,600 more writes in the
 * middle of the storm); a quarter of a second later the storm is over.
 * A status change (opened, closed, published) goes out at once and drops any
 * count still waiting, so no stale "open" can follow a "closed".
 */
import type { ServerToClientEvents } from '../../contract/realtime.ts';

export type PollUpdate = Parameters<ServerToClientEvents['poll:update']>[0];

type Timers = { set: (run: () => void, ms: number) => unknown; clear: (handle: unknown) => void };
const realTimers: Timers = { set: (run, ms) => setTimeout(run, ms).unref(), clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>) };

export class TurnoutAnnouncer {
  readonly #emit: (update: PollUpdate) => void;
  readonly #intervalMs: number;
  readonly #timers: Timers;
  /** per poll: the interval under way, and the latest count waiting for its end */
  readonly #pending = new Map<string, { timer: unknown; waiting: PollUpdate | null }>();

  constructor(emit: (update: PollUpdate) => void, intervalMs = 250, timers: Timers = realTimers) {
    this.#emit = emit;
    this.#intervalMs = intervalMs;
    this.#timers = timers;
  }

  /** A ballot was counted. Counts read by concurrent transactions may arrive out of order: keep the highest. */
  ballot(update: PollUpdate): void {
    const pending = this.#pending.get(update.pollId);
    if (pending === undefined) {
      this.#schedule(update.pollId, update);
      return;
    }
    if (pending.waiting === null || update.cast >= pending.waiting.cast) pending.waiting = update;
  }

  /** The poll's status changed: say so now; counts still waiting are superseded. */
  status(update: PollUpdate): void {
    const pending = this.#pending.get(update.pollId);
    if (pending !== undefined) this.#timers.clear(pending.timer);
    this.#pending.delete(update.pollId);
    this.#emit(update);
  }

  /** At the interval's end, announce what is waiting then (if anything) and keep the intervals going while counts come. */
  #schedule(pollId: string, waiting: PollUpdate | null): void {
    const entry: { timer: unknown; waiting: PollUpdate | null } = { timer: null, waiting };
    entry.timer = this.#timers.set(() => {
      this.#pending.delete(pollId);
      if (entry.waiting !== null) {
        this.#emit(entry.waiting);
        this.#schedule(pollId, null);
      }
    }, this.#intervalMs);
    this.#pending.set(pollId, entry);
  }
}
