/**
 * A clock for the console's running timers (agenda item, speaker). The live
 * meeting computes elapsed times from the server's clock, which is not rune
 * state; reading `now` next to it makes the text re-render every tick.
 */
export class Ticker {
  now = $state(Date.now());

  /** Starts ticking; returns the stop function (fits an $effect's cleanup). */
  start(intervalMs = 500): () => void {
    const timer = setInterval(() => (this.now = Date.now()), intervalMs);
    return () => clearInterval(timer);
  }
}
