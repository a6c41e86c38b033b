/**
 * The answer to the latest of a fetch that follows its inputs: each change of
 * what `fetch` reads starts a new request and aborts the one before, so a
 * slow answer to an old filter never overwrites a newer one. `fetch` returns
 * null when there is nothing to ask (the value is then cleared). Construct it
 * while a component initialises: its effect lives as long as the component.
 */
import { untrack } from 'svelte';
import { errorMessage } from '$lib/api/client.ts';

export class LatestFetch<T> {
  value = $state<T | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);

  constructor(fetch: (signal: AbortSignal) => Promise<T> | null) {
    $effect(() => {
      const controller = new AbortController();
      const pending = fetch(controller.signal);
      untrack(() => {
        this.loading = pending !== null;
        if (pending === null) [this.value, this.error] = [null, null];
      });
      pending?.then(
        (value) => {
          if (controller.signal.aborted) return;
          [this.value, this.error, this.loading] = [value, null, false];
        },
        (caught: unknown) => {
          if (controller.signal.aborted) return;
          [this.error, this.loading] = [errorMessage(caught), false];
        },
      );
      return () => controller.abort();
    });
  }
}
