/**
 * Page turns that feel instant. The preview shows the wanted page and zoom
 * at once; the server is told the latest wish, one call at a time (two turns
 * in flight could commit out of order, and the hall would land on the older
 * one). Once the ack's version has arrived in the live snapshot, the
 * presented view is the truth again; a refusal puts the preview back on it.
 */
export type View = { page: number; zoom: number };

/** Sends one view; resolves with the version it produced, or null if refused. */
export type SendView = (view: View) => Promise<number | null>;

export class PageTurner {
  /** what the presenter asked for and the hall may not show yet */
  wanted = $state<View | null>(null);
  sending = $state(false);
  /** the version that carries the last sent wish */
  #confirmedAt = $state<number | null>(null);
  readonly #send: SendView;

  constructor(send: SendView) {
    this.#send = send;
  }

  /** What the preview should show, given what the live snapshot says is presented. */
  view(presented: View, liveVersion: number): View {
    if (this.wanted === null) return presented;
    if (!this.sending && this.#confirmedAt !== null && liveVersion >= this.#confirmedAt) return presented;
    return this.wanted;
  }

  turn(view: View): void {
    this.wanted = view;
    this.#confirmedAt = null;
    if (!this.sending) void this.#flush();
  }

  /** Forget any wish (another document is shown, or presenting stopped). */
  reset(): void {
    this.wanted = null;
    this.#confirmedAt = null;
  }

  async #flush(): Promise<void> {
    this.sending = true;
    try {
      for (;;) {
        const target = this.wanted;
        if (target === null) return;
        const version = await this.#send(target);
        if (version === null) {
          this.wanted = null;
          return;
        }
        // A newer wish came while this one was on its way: send that one too.
        if (this.wanted !== target) continue;
        this.#confirmedAt = version;
        return;
      }
    } finally {
      this.sending = false;
    }
  }
}
