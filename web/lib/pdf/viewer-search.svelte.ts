/**
 * Text search in the viewer's document, with or without diacritics. Text is
 * extracted page by page only when the reader searches (or an annotation
 * asks for the text under it), and kept for the next search. The first match
 * at or after the reader's page is shown as soon as it is found; the rest are
 * counted meanwhile. Highlight boxes are worked out for the pages near the
 * view only.
 */
/* eslint-disable svelte/prefer-svelte-reactivity -- the text cache holds promises; nothing renders from it. */
import type { PDFPageProxy } from './pdfjs.ts';
import { boxesFor, findInPage, foldQuery, indexPage, textInRect, type Box, type Match, type PageText, type RawTextItem } from './text-search.ts';

/** What the search asks of the viewer. */
export type SearchHost = {
  page(n: number): Promise<PDFPageProxy>;
  pageCount(): number;
  /** the pages worth highlight boxes: those near the view */
  nearPages(): Iterable<number>;
  /** scrolls the match into view: `box` is its first box on the page, when known */
  reveal(page: number, box: Box | undefined): void;
};

export class PdfSearch {
  query = $state('');
  matches = $state<Match[]>([]);
  matchIndex = $state(-1);
  searching = $state(false);
  searchedPages = $state(0);
  searchDone = $state(false);
  /** highlight boxes per page for the current search (pages near the view only) */
  highlights = $state<Record<number, { boxes: Box[]; current: boolean }[]>>({});

  readonly currentMatch: Match | null = $derived(this.matches[this.matchIndex] ?? null);

  readonly #viewer: SearchHost;
  #texts = new Map<number, Promise<PageText>>();
  #generation = 0;

  constructor(viewer: SearchHost) {
    this.#viewer = viewer;
  }

  #text(pageNumber: number): Promise<PageText> {
    let found = this.#texts.get(pageNumber);
    if (found === undefined) {
      found = (async () => {
        const page = await this.#viewer.page(pageNumber);
        const content = await page.getTextContent();
        const viewport = page.getViewport({ scale: 1 });
        const items = content.items.filter((item): item is RawTextItem & typeof item => 'str' in item);
        return indexPage(items, { width: viewport.width, height: viewport.height }, (x, y) => viewport.convertToViewportPoint(x, y) as [number, number]);
      })();
      this.#texts.set(pageNumber, found);
      found.catch(() => this.#texts.delete(pageNumber));
    }
    return found;
  }

  /**
   * The text inside a rectangle of a page (fractions of its width and
   * height: x0, y0, x1, y1), with its diacritics, for annotations anchored to
   * text; null when there is none (a scan, an empty spot).
   */
  async textAt(pageNumber: number, rect: readonly [number, number, number, number]): Promise<string | null> {
    if (pageNumber < 1 || pageNumber > this.#viewer.pageCount()) return null;
    try {
      return textInRect(await this.#text(pageNumber), rect);
    } catch {
      return null;
    }
  }

  /** Finds every occurrence, page by page; jumps to the first match at or after `fromPage` as soon as it is found. */
  async run(query: string, fromPage: number): Promise<void> {
    const generation = ++this.#generation;
    const needle = foldQuery(query);
    const pageCount = this.#viewer.pageCount();
    this.query = query;
    this.matches = [];
    this.matchIndex = -1;
    this.highlights = {};
    this.searchDone = false;
    this.searchedPages = 0;
    if (needle === '' || pageCount === 0) {
      this.searching = false;
      this.searchDone = needle !== '';
      return;
    }
    this.searching = true;
    const found: Match[] = [];
    let jumped = false;
    for (let page = 1; page <= pageCount; page += 1) {
      let text: PageText;
      try {
        text = await this.#text(page);
      } catch {
        continue;
      }
      if (generation !== this.#generation) return;
      found.push(...findInPage(page, text, needle));
      this.searchedPages = page;
      if (page % 10 === 0 || page === pageCount || (!jumped && found.some((m) => m.page >= fromPage))) {
        this.matches = [...found];
      }
      if (!jumped) {
        const first = found.findIndex((m) => m.page >= fromPage);
        if (first >= 0) {
          jumped = true;
          this.matches = [...found];
          this.#select(first);
        }
      }
    }
    if (generation !== this.#generation) return;
    this.matches = found;
    if (!jumped && found.length > 0) this.#select(0);
    this.searching = false;
    this.searchDone = true;
  }

  clear(): void {
    this.#generation += 1;
    this.query = '';
    this.matches = [];
    this.matchIndex = -1;
    this.highlights = {};
    this.searching = false;
    this.searchDone = false;
  }

  next(): void {
    if (this.matches.length === 0) return;
    this.#select((this.matchIndex + 1) % this.matches.length);
  }

  previous(): void {
    if (this.matches.length === 0) return;
    this.#select((this.matchIndex - 1 + this.matches.length) % this.matches.length);
  }

  #select(index: number): void {
    const match = this.matches[index];
    if (match === undefined) return;
    this.matchIndex = index;
    void this.#text(match.page).then((text) => {
      if (this.matches[this.matchIndex] !== match) return;
      this.#viewer.reveal(match.page, boxesFor(text, match)[0]);
      this.refreshHighlights();
    });
  }

  /** Highlight boxes for the pages near the view (call when the view moves). */
  refreshHighlights(): void {
    if (this.matches.length === 0) {
      if (Object.keys(this.highlights).length > 0) this.highlights = {};
      return;
    }
    const pages = new Set(this.#viewer.nearPages());
    const current = this.currentMatch;
    if (current) pages.add(current.page);
    const jobs = [...pages].map(async (page) => {
      const text = this.#texts.has(page) ? await this.#text(page) : null;
      if (text === null) return [page, []] as const;
      const list = this.matches.filter((m) => m.page === page).map((m) => ({ boxes: boxesFor(text, m), current: m === current }));
      return [page, list] as const;
    });
    const generation = this.#generation;
    void Promise.all(jobs).then((entries) => {
      if (generation !== this.#generation) return;
      this.highlights = Object.fromEntries(entries.filter(([, list]) => list.length > 0));
    });
  }

  /** Stops a search under way (the viewer is closing). */
  close(): void {
    this.#generation += 1;
  }
}
