/**
 * Saves one agenda item's note as it is typed: a save starts once typing
 * pauses, one save at a time, and the newest text always wins (a save that
 * finishes after more typing is followed by another). The server is the
 * source of truth: a reload shows what it holds.
 */
import { recordApi } from '$lib/api/record.ts';

export type SaveState = 'idle' | 'saving' | 'saved' | 'failed';

export class NoteSaver {
  state = $state<SaveState>('idle');
  readonly #meetingId: string;
  readonly #itemId: string;
  readonly #delayMs: number;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #pending: { note: string; concluded: boolean } | null = null;
  #inFlight = false;

  constructor(meetingId: string, itemId: string, delayMs = 600) {
    this.#meetingId = meetingId;
    this.#itemId = itemId;
    this.#delayMs = delayMs;
  }

  /** Typing or ticking "concluded": saved after a pause (now, when `immediately`). */
  change(note: string, concluded: boolean, immediately = false): void {
    this.#pending = { note, concluded };
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#flush(), immediately ? 0 : this.#delayMs);
  }

  async #flush(): Promise<void> {
    this.#timer = null;
    if (this.#inFlight || this.#pending === null) return;
    const body = this.#pending;
    this.#pending = null;
    this.#inFlight = true;
    this.state = 'saving';
    try {
      await recordApi.saveNote(this.#meetingId, this.#itemId, body);
      this.state = this.#pending === null ? 'saved' : 'saving';
    } catch {
      // kept for the next keystroke: nothing typed is dropped
      this.#pending ??= body;
      this.state = 'failed';
    } finally {
      this.#inFlight = false;
    }
    if (this.#pending !== null && this.state !== 'failed') void this.#flush();
  }

  dispose(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    if (this.#pending !== null) void this.#flush();
  }
}
