/**
 * "Follow the presenter" on one tablet: which document the viewer shows and
 * whether it tracks the presented page. Following is the default; a page
 * change the reader makes leaves it (only here: nothing is sent, the private
 * view stays private) and one tap on "follow again" returns. Opening a
 * document alone also leaves it while something is presented.
 */
import type { Presentation } from '$contract/live.ts';

export type ShownDocument = { documentId: string; version: number };

export class FollowPresenter {
  following = $state(true);
  /** the document read alone (or the presented one the reader stayed on); null: none */
  privateDoc = $state<ShownDocument | null>(null);

  readonly #presentation: () => Presentation | null;

  /** `presentation` reads the live snapshot's presentation (reactively). */
  constructor(presentation: () => Presentation | null) {
    this.#presentation = presentation;
  }

  get presentation(): Presentation | null {
    return this.#presentation();
  }

  /** What the viewer shows: the presented document while following, else the private one. */
  readonly shown: ShownDocument | null = $derived.by(() => {
    const presented = this.#presentation();
    if (this.following && presented !== null) return { documentId: presented.documentId, version: presented.version };
    return this.privateDoc;
  });

  /** True while the viewer shows the presented document at the presented version. */
  readonly showingPresented: boolean = $derived.by(() => {
    const presented = this.#presentation();
    const shown = this.shown;
    return presented !== null && shown !== null && shown.documentId === presented.documentId && shown.version === presented.version;
  });

  /** The "presenter is on page N" hint: something is presented and we are not following it. */
  readonly browsingAlone: boolean = $derived.by(() => !this.following && this.#presentation() !== null);

  /** The reader moved the view themselves: stop following, staying where they are. */
  readerMoved(): void {
    if (!this.following || this.#presentation() === null) return;
    this.privateDoc = this.shown;
    this.following = false;
  }

  /** The reader opens a document alone. */
  open(documentId: string, version: number): void {
    this.privateDoc = { documentId, version };
    if (this.#presentation() !== null) this.following = false;
  }

  /** Back to the presenter (one tap). */
  follow(): void {
    this.following = true;
    this.privateDoc = null;
  }

  /** Closes the private document (back to the list, or to the presenter when following). */
  closePrivate(): void {
    this.privateDoc = null;
    if (this.#presentation() !== null) this.following = true;
  }
}
