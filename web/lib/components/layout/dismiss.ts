/**
 * How a panel opened from the top bar goes away: a pointer down anywhere
 * outside it (and its button) closes it; Escape closes it and gives focus
 * back to the button that opened it. Handlers for <svelte:window>.
 */
export class Dismiss {
  readonly #isOpen: () => boolean;
  readonly #close: () => void;
  readonly #root: () => HTMLElement | undefined;

  constructor(isOpen: () => boolean, close: () => void, root: () => HTMLElement | undefined) {
    this.#isOpen = isOpen;
    this.#close = close;
    this.#root = root;
  }

  readonly pointer = (event: PointerEvent): void => {
    const root = this.#root();
    if (this.#isOpen() && root && !root.contains(event.target as Node)) this.#close();
  };

  readonly keydown = (event: KeyboardEvent): void => {
    if (this.#isOpen() && event.key === 'Escape') {
      this.#close();
      this.#root()?.querySelector<HTMLButtonElement>('.trigger')?.focus();
    }
  };
}
