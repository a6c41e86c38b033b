/**
 * A clock that ticks once a second while something on screen reads it
 * (running speaker timers, elapsed item time, the wall clock). Reading
 * `now` inside a template makes that part re-render every second.
 */
import { createSubscriber } from 'svelte/reactivity';

export class Clock {
  readonly #subscribe: () => void;
  #now = Date.now();

  constructor(intervalMs = 1_000) {
    this.#subscribe = createSubscriber((update) => {
      const timer = setInterval(() => {
        this.#now = Date.now();
        update();
      }, intervalMs);
      return () => clearInterval(timer);
    });
  }

  get now(): number {
    this.#subscribe();
    return this.#now;
  }
}
