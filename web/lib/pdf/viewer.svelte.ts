/**
 * The document viewer's engine. Pages are placeholders of the right size;
 * an IntersectionObserver says which are on screen, and only those and their
 * neighbours (± 1) get a canvas. Canvases further away are released, so a
 * 300-page file costs a handful of canvases, not 300. Thumbnails work the
 * same way at a small scale. Text is extracted page by page only when the
 * reader searches.
 */
/* eslint-disable svelte/prefer-svelte-reactivity -- the maps and sets below track DOM elements, canvases,
   render tasks and pdf.js pages; nothing renders from them (what the page shows is in the $state fields). */
import { untrack } from 'svelte';
import { SvelteSet } from 'svelte/reactivity';
import { openPdf, type PDFDocumentProxy, type PDFPageProxy, type RenderTask } from './pdfjs.ts';
import { boxesFor, findInPage, foldQuery, indexPage, textInRect, type Box, type Match, type PageText, type RawTextItem } from './text-search.ts';

/** pdf.js measures in PDF points; 100 % zoom shows them at CSS size (96 / 72). */
const CSS_UNITS = 96 / 72;
export const ZOOM_STEPS = [0.5, 0.67, 0.75, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2, 2.5, 3, 4];
const MIN_ZOOM = 0.25;
const MAX_ZOOM = 5;
/** Canvas pixels above this are not worth the memory on a tablet. */
const MAX_CANVAS_PIXELS = 12_000_000;
export const THUMB_WIDTH = 112;
const PAGE_GAP = 16;

type Size = { width: number; height: number };
/** A page's drawing: the canvas shown (and its zoom), and the render under way, if any. */
type Slot = { canvas: HTMLCanvasElement | null; zoom: number; pending: { task: RenderTask; zoom: number } | null };

export type LoadError = { kind: 'notFound' | 'failed'; message: string };

/**
 * Who moved the view: the reader (scrolling, page input, thumbnail, search)
 * or the program (`show`, the initial page, keeping the spot while zooming).
 * Following a presenter needs the difference: only the reader's own moves
 * mean "I am browsing alone now".
 */
export type PageChangeSource = 'user' | 'program';

export class PdfViewer {
  /** 0 until the document is open */
  pageCount = $state(0);
  /** size of each page at scale 1 (PDF points); unknown pages take page 1's size */
  sizes = $state<Size[]>([]);
  zoom = $state(1);
  fitWidth = $state(true);
  currentPage = $state(1);
  loading = $state(true);
  error = $state<LoadError | null>(null);
  /** pages whose canvas failed to draw */
  failed = new SvelteSet<number>();
  /** pages on screen and their neighbours: those worth per-page overlays (annotation layers) */
  nearby = $state<number[]>([]);

  // search
  query = $state('');
  matches = $state<Match[]>([]);
  matchIndex = $state(-1);
  searching = $state(false);
  searchedPages = $state(0);
  searchDone = $state(false);
  /** highlight boxes per page for the current search (pages near the view only) */
  highlights = $state<Record<number, { boxes: Box[]; current: boolean }[]>>({});

  readonly currentMatch: Match | null = $derived(this.matches[this.matchIndex] ?? null);

  #doc: PDFDocumentProxy | null = null;
  #task: ReturnType<typeof openPdf> | null = null;
  #destroyed = false;
  #pages = new Map<number, Promise<PDFPageProxy>>();
  #elements = new Map<number, HTMLElement>();
  #thumbElements = new Map<number, HTMLElement>();
  #visible = new Set<number>();
  #thumbVisible = new Set<number>();
  #slots = new Map<number, Slot>();
  #thumbSlots = new Map<number, Slot>();
  #queue: { page: number; thumb: boolean }[] = [];
  #rendering = 0;
  #observer: IntersectionObserver | null = null;
  #thumbObserver: IntersectionObserver | null = null;
  #resizeObserver: ResizeObserver | null = null;
  #scroller: HTMLElement | null = null;
  #thumbScroller: HTMLElement | null = null;
  #texts = new Map<number, Promise<PageText>>();
  #searchGeneration = 0;
  #scrollFrame = 0;
  #onPageChange: ((page: number, source: PageChangeSource) => void) | null = null;
  /** scrollTop the program last set; scroll events that leave it there are the program's own echo */
  #programScrollTop: number | null = null;
  /** a zoom change is re-laying out the pages: its scroll events are not the reader's */
  #zooming = 0;
  /** `start` ran: page boxes exist, so `show` can scroll at once */
  #started = false;

  /** Opens the document; resolves when page 1's size is known. */
  async open(url: string): Promise<void> {
    this.loading = true;
    this.error = null;
    try {
      const task = openPdf(url);
      this.#task = task;
      const doc = await task.promise;
      if (this.#destroyed) {
        await task.destroy();
        return;
      }
      this.#doc = doc;
      const first = await this.#page(1);
      const viewport = first.getViewport({ scale: 1 });
      const base = { width: viewport.width, height: viewport.height };
      this.sizes = Array.from({ length: doc.numPages }, () => base);
      this.pageCount = doc.numPages;
    } catch (error) {
      if (this.#destroyed) return;
      const status = (error as { status?: number } | null)?.status;
      this.error = {
        kind: status === 404 || status === 403 ? 'notFound' : 'failed',
        message: error instanceof Error ? error.message : String(error),
      };
    } finally {
      this.loading = false;
    }
  }

  get document(): PDFDocumentProxy | null {
    return this.#doc;
  }

  /** Called with the page number whenever the page in view changes, and who changed it. */
  onPageChange(callback: (page: number, source: PageChangeSource) => void): void {
    this.#onPageChange = callback;
  }

  /** CSS size of a page box at the current zoom. */
  cssSize(page: number): Size {
    const size = this.sizes[page - 1] ?? this.sizes[0] ?? { width: 595, height: 842 };
    return { width: Math.floor(size.width * CSS_UNITS * this.zoom), height: Math.floor(size.height * CSS_UNITS * this.zoom) };
  }

  thumbSize(page: number): Size {
    const size = this.sizes[page - 1] ?? this.sizes[0] ?? { width: 595, height: 842 };
    return { width: THUMB_WIDTH, height: Math.round((THUMB_WIDTH * size.height) / size.width) };
  }

  // — the scrolling area —

  /** Binds the scroll container of the pages (Svelte attachment). */
  scroller = (element: HTMLElement) => untrack(() => this.#bindScroller(element));

  #bindScroller(element: HTMLElement): () => void {
    this.#scroller = element;
    this.#observer = new IntersectionObserver((entries) => this.#onIntersect(entries, false), { root: element, rootMargin: '0px' });
    for (const el of this.#elements.values()) this.#observer.observe(el);
    this.#resizeObserver = new ResizeObserver(() => {
      if (this.fitWidth) this.#applyFit();
    });
    this.#resizeObserver.observe(element);
    const onScroll = () => {
      if (this.#scrollFrame !== 0) return;
      this.#scrollFrame = requestAnimationFrame(() => {
        this.#scrollFrame = 0;
        // The echo of our own scrollTop (or of a zoom re-layout) is not the reader moving.
        if (this.#zooming > 0) return;
        if (this.#programScrollTop !== null && Math.abs(element.scrollTop - this.#programScrollTop) < 2) return;
        this.#programScrollTop = null;
        this.#updateCurrentPage();
      });
    };
    element.addEventListener('scroll', onScroll, { passive: true });
    if (this.fitWidth) this.#applyFit();
    return () => {
      element.removeEventListener('scroll', onScroll);
      this.#observer?.disconnect();
      this.#resizeObserver?.disconnect();
      this.#observer = null;
      this.#resizeObserver = null;
      this.#scroller = null;
    };
  }

  /** Binds one page box (Svelte attachment). */
  pageBox = (page: number) => (element: HTMLElement) => {
    this.#elements.set(page, element);
    untrack(() => this.#observer?.observe(element));
    return () => {
      this.#observer?.unobserve(element);
      if (this.#elements.get(page) === element) this.#elements.delete(page);
      this.#visible.delete(page);
      this.#release(page, false);
    };
  };

  /** Binds the thumbnails' scroll container. */
  thumbScroller = (element: HTMLElement) => untrack(() => this.#bindThumbScroller(element));

  #bindThumbScroller(element: HTMLElement): () => void {
    this.#thumbScroller = element;
    this.#thumbObserver = new IntersectionObserver((entries) => this.#onIntersect(entries, true), { root: element, rootMargin: '200px 0px' });
    for (const el of this.#thumbElements.values()) this.#thumbObserver.observe(el);
    return () => {
      this.#thumbObserver?.disconnect();
      this.#thumbObserver = null;
      this.#thumbScroller = null;
      for (const page of [...this.#thumbSlots.keys()]) this.#release(page, true);
      this.#thumbVisible.clear();
    };
  }

  thumbBox = (page: number) => (element: HTMLElement) => {
    this.#thumbElements.set(page, element);
    this.#thumbObserver?.observe(element);
    return () => {
      this.#thumbObserver?.unobserve(element);
      if (this.#thumbElements.get(page) === element) this.#thumbElements.delete(page);
      this.#thumbVisible.delete(page);
      this.#release(page, true);
    };
  };

  #onIntersect(entries: IntersectionObserverEntry[], thumb: boolean): void {
    const visible = thumb ? this.#thumbVisible : this.#visible;
    for (const entry of entries) {
      const page = Number((entry.target as HTMLElement).dataset.pageNumber);
      if (!Number.isInteger(page)) continue;
      if (entry.isIntersecting) visible.add(page);
      else visible.delete(page);
    }
    this.#schedule();
  }

  /** The pages to draw: those on screen and one either side (thumbnails: a few more). */
  #wanted(thumb: boolean): Set<number> {
    const visible = thumb ? this.#thumbVisible : this.#visible;
    const wanted = new Set<number>();
    const margin = thumb ? 2 : 1;
    for (const page of visible) {
      for (let p = page - margin; p <= page + margin; p += 1) if (p >= 1 && p <= this.pageCount) wanted.add(p);
    }
    return wanted;
  }

  #schedule(): void {
    if (this.#doc === null) return;
    const wanted = this.#wanted(false);
    const wantedThumbs = this.#wanted(true);
    const near = [...wanted].sort((a, b) => a - b);
    if (near.length !== this.nearby.length || near.some((page, i) => page !== this.nearby[i])) this.nearby = near;
    // Release what is far away: beyond the wanted window by more than two pages.
    const close = (page: number, set: Set<number>) => [...set].some((p) => Math.abs(p - page) <= 2);
    for (const page of [...this.#slots.keys()]) if (!close(page, wanted)) this.#release(page, false);
    for (const page of [...this.#thumbSlots.keys()]) if (!close(page, wantedThumbs)) this.#release(page, true);

    const center = this.currentPage;
    const jobs: { page: number; thumb: boolean }[] = [];
    for (const page of wanted) {
      const slot = this.#slots.get(page);
      if (slot === undefined || (slot.zoom !== this.zoom && slot.pending?.zoom !== this.zoom)) jobs.push({ page, thumb: false });
    }
    for (const page of wantedThumbs) if (!this.#thumbSlots.has(page)) jobs.push({ page, thumb: true });
    // Visible pages first, nearest to the current page first; thumbnails last.
    jobs.sort(
      (a, b) =>
        Number(a.thumb) - Number(b.thumb) ||
        Number(!this.#visible.has(a.page)) - Number(!this.#visible.has(b.page)) ||
        Math.abs(a.page - center) - Math.abs(b.page - center),
    );
    this.#queue = jobs;
    this.#pump();
    this.#refreshHighlights();
  }

  #pump(): void {
    while (this.#rendering < 2 && this.#queue.length > 0) {
      const job = this.#queue.shift()!;
      this.#rendering += 1;
      void this.#draw(job.page, job.thumb).finally(() => {
        this.#rendering -= 1;
        this.#pump();
      });
    }
  }

  #page(page: number): Promise<PDFPageProxy> {
    let found = this.#pages.get(page);
    if (found === undefined) {
      const doc = this.#doc;
      if (doc === null) return Promise.reject(new Error('closed'));
      found = doc.getPage(page);
      this.#pages.set(page, found);
      found.catch(() => this.#pages.delete(page));
    }
    return found;
  }

  async #draw(pageNumber: number, thumb: boolean): Promise<void> {
    const elements = thumb ? this.#thumbElements : this.#elements;
    const slots = thumb ? this.#thumbSlots : this.#slots;
    if (this.#destroyed || !elements.has(pageNumber)) return;
    const zoom = thumb ? 0 : this.zoom;
    let slot = slots.get(pageNumber);
    if (slot !== undefined && (slot.pending?.zoom === zoom || (slot.canvas !== null && slot.zoom === zoom))) return;
    let task: RenderTask | null = null;
    let canvas: HTMLCanvasElement | null = null;
    try {
      const page = await this.#page(pageNumber);
      if (this.#destroyed || !elements.has(pageNumber)) return;
      // The real size of this page (it may differ from page 1's).
      const natural = page.getViewport({ scale: 1 });
      const known = this.sizes[pageNumber - 1];
      if (known === undefined || Math.abs(known.width - natural.width) > 0.5 || Math.abs(known.height - natural.height) > 0.5) {
        const next = [...this.sizes];
        next[pageNumber - 1] = { width: natural.width, height: natural.height };
        this.sizes = next;
      }
      const cssScale = thumb ? THUMB_WIDTH / natural.width : CSS_UNITS * zoom;
      const viewport = page.getViewport({ scale: cssScale });
      let ratio = Math.min(window.devicePixelRatio || 1, 2);
      const pixels = viewport.width * viewport.height * ratio * ratio;
      if (pixels > MAX_CANVAS_PIXELS) ratio *= Math.sqrt(MAX_CANVAS_PIXELS / pixels);
      canvas = document.createElement('canvas');
      canvas.width = Math.max(1, Math.floor(viewport.width * ratio));
      canvas.height = Math.max(1, Math.floor(viewport.height * ratio));
      canvas.setAttribute('aria-hidden', 'true');

      slot = slots.get(pageNumber) ?? { canvas: null, zoom: -1, pending: null };
      slot.pending?.task.cancel();
      task = page.render({ canvas, viewport, transform: ratio === 1 ? undefined : [ratio, 0, 0, ratio, 0, 0] });
      slot.pending = { task, zoom };
      slots.set(pageNumber, slot);
      await task.promise;

      if (slot.pending?.task !== task) {
        free(canvas);
        return;
      }
      slot.pending = null;
      const host = elements.get(pageNumber)?.querySelector<HTMLElement>('.canvas-host');
      // Still wanted at this zoom? Then swap the new drawing in (the old one stayed visible meanwhile).
      if (this.#destroyed || !host || slots.get(pageNumber) !== slot || (!thumb && this.zoom !== zoom)) {
        free(canvas);
        if (slot.canvas === null && slots.get(pageNumber) === slot) slots.delete(pageNumber);
        return;
      }
      host.replaceChildren(canvas);
      if (slot.canvas !== null && slot.canvas !== canvas) free(slot.canvas);
      slot.canvas = canvas;
      slot.zoom = zoom;
      if (!thumb) this.failed.delete(pageNumber);
    } catch (error) {
      if (canvas !== null && slot?.canvas !== canvas) free(canvas);
      if (slot !== undefined && task !== null && slot.pending?.task === task) slot.pending = null;
      if ((error as { name?: string } | null)?.name === 'RenderingCancelledException') return;
      if (!thumb && !this.#destroyed) this.failed.add(pageNumber);
      if (slot !== undefined && slot.canvas === null && slots.get(pageNumber) === slot) slots.delete(pageNumber);
    }
  }

  #release(page: number, thumb: boolean): void {
    const slots = thumb ? this.#thumbSlots : this.#slots;
    const slot = slots.get(page);
    if (slot === undefined) return;
    slots.delete(page);
    slot.pending?.task.cancel();
    slot.pending = null;
    if (slot.canvas !== null) {
      slot.canvas.remove();
      free(slot.canvas);
    }
    // Free the page's parsed content once neither view shows it.
    if (!this.#slots.has(page) && !this.#thumbSlots.has(page)) {
      const proxy = this.#pages.get(page);
      this.#pages.delete(page);
      void proxy?.then((p) => p.cleanup()).catch(() => {});
    }
  }

  // — position —

  #updateCurrentPage(): void {
    const scroller = this.#scroller;
    if (scroller === null || this.pageCount === 0) return;
    const probe = scroller.scrollTop + Math.min(scroller.clientHeight / 3, 200);
    // Binary search over the page boxes' offsets (one column, in order).
    let low = 1;
    let high = this.pageCount;
    let found = 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const el = this.#elements.get(mid);
      if (el === undefined) break;
      if (el.offsetTop <= probe) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    if (found !== this.currentPage) {
      this.currentPage = found;
      this.#onPageChange?.(found, 'user');
    }
  }

  /** The reader asked for `page` (page input, thumbnail): scrolls it to the top (with `fraction` of it already scrolled past). */
  goTo(page: number, fraction = 0): void {
    this.#moveTo(page, fraction, 'user');
  }

  #moveTo(page: number, fraction: number, source: PageChangeSource): void {
    const target = Math.min(Math.max(1, Math.round(page)), Math.max(1, this.pageCount));
    const el = this.#elements.get(target);
    const scroller = this.#scroller;
    if (el === undefined || scroller === null) return;
    scroller.scrollTop = Math.max(0, el.offsetTop - PAGE_GAP + el.offsetHeight * fraction);
    // Read back: near the end the browser clamps it, and the page stays "current" all the same.
    this.#programScrollTop = scroller.scrollTop;
    const changed = target !== this.currentPage;
    this.currentPage = target;
    if (changed || source === 'user') this.#onPageChange?.(target, source);
  }

  /**
   * The program shows `page` (following a presenter): scrolled to the top,
   * and with `zoom` relative to the page's fit-width size (1 = fit width), so
   * a tablet shows what the presenter shows whatever its screen. Works before
   * the page boxes exist: it is applied by `start`.
   */
  show(page: number, zoom?: number): void {
    if (!this.#started || this.#scroller === null) {
      this.#pendingShow = { page, zoom };
      return;
    }
    if (zoom !== undefined) {
      const fit = this.#fitZoom();
      if (fit !== null) {
        this.fitWidth = Math.abs(zoom - 1) < 0.001;
        void this.#setZoom(fit * zoom, { page, fraction: 0 });
        return;
      }
    }
    this.#moveTo(page, 0, 'program');
  }

  #pendingShow: { page: number; zoom: number | undefined } | null = null;

  /** Brings a thumbnail into view (when the main view moves). */
  revealThumb(page: number): void {
    const el = this.#thumbElements.get(page);
    const scroller = this.#thumbScroller;
    if (el === undefined || scroller === null) return;
    const top = el.offsetTop;
    if (top < scroller.scrollTop || top + el.offsetHeight > scroller.scrollTop + scroller.clientHeight) {
      scroller.scrollTop = Math.max(0, top - scroller.clientHeight / 3);
    }
  }

  // — zoom —

  #anchor(): { page: number; fraction: number } {
    const page = this.currentPage;
    const el = this.#elements.get(page);
    const scroller = this.#scroller;
    if (el === undefined || scroller === null || el.offsetHeight === 0) return { page, fraction: 0 };
    return { page, fraction: Math.min(1, Math.max(0, (scroller.scrollTop + PAGE_GAP - el.offsetTop) / el.offsetHeight)) };
  }

  async #setZoom(zoom: number, anchorAt?: { page: number; fraction: number }): Promise<void> {
    const next = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, Math.round(zoom * 1000) / 1000));
    const anchor = anchorAt ?? this.#anchor();
    if (next === this.zoom) {
      if (anchorAt !== undefined) this.#moveTo(anchor.page, anchor.fraction, 'program');
      return;
    }
    this.zoom = next;
    this.#zooming += 1;
    try {
      // Let the page boxes take their new size, then keep the same spot in view (or go to the asked one) and redraw.
      await new Promise((resolve) => requestAnimationFrame(resolve));
      if (this.#destroyed) return;
      this.#moveTo(anchor.page, anchor.fraction, 'program');
    } finally {
      this.#zooming -= 1;
    }
  }

  zoomIn(): void {
    this.fitWidth = false;
    void this.#setZoom(ZOOM_STEPS.find((step) => step > this.zoom + 0.001) ?? MAX_ZOOM);
  }

  zoomOut(): void {
    this.fitWidth = false;
    void this.#setZoom([...ZOOM_STEPS].reverse().find((step) => step < this.zoom - 0.001) ?? MIN_ZOOM);
  }

  fit(): void {
    this.fitWidth = true;
    this.#applyFit();
  }

  /** The zoom at which page 1 fills the scroller's width; null before there is a scroller. */
  #fitZoom(): number | null {
    const scroller = this.#scroller;
    const base = this.sizes[0];
    if (scroller === null || base === undefined) return null;
    const available = scroller.clientWidth - 2 * PAGE_GAP;
    if (available <= 0) return null;
    return available / (base.width * CSS_UNITS);
  }

  #applyFit(): void {
    const fit = this.#fitZoom();
    if (fit !== null) void this.#setZoom(fit);
  }

  /** Call once the page boxes exist (after the document opened and rendered its placeholders). */
  start(initialPage: number): void {
    if (this.fitWidth) this.#applyFit();
    requestAnimationFrame(() => {
      if (this.#destroyed) return;
      this.#started = true;
      const pending = this.#pendingShow;
      this.#pendingShow = null;
      if (pending !== null) this.show(pending.page, pending.zoom);
      else if (initialPage > 1) this.#moveTo(initialPage, 0, 'program');
      this.#schedule();
    });
  }

  /**
   * The text inside a rectangle of a page (fractions of its width and
   * height: x0, y0, x1, y1), with its diacritics, for annotations anchored to
   * text; null when there is none (a scan, an empty spot).
   */
  async textAt(pageNumber: number, rect: readonly [number, number, number, number]): Promise<string | null> {
    if (this.#doc === null || pageNumber < 1 || pageNumber > this.pageCount) return null;
    try {
      return textInRect(await this.#text(pageNumber), rect);
    } catch {
      return null;
    }
  }

  // — search —

  async #text(pageNumber: number): Promise<PageText> {
    let found = this.#texts.get(pageNumber);
    if (found === undefined) {
      found = (async () => {
        const page = await this.#page(pageNumber);
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
   * Finds every occurrence, page by page; jumps to the first match at or
   * after `fromPage` as soon as it is found, and keeps counting the rest.
   */
  async search(query: string, fromPage = this.currentPage): Promise<void> {
    const generation = ++this.#searchGeneration;
    const needle = foldQuery(query);
    this.query = query;
    this.matches = [];
    this.matchIndex = -1;
    this.highlights = {};
    this.searchDone = false;
    this.searchedPages = 0;
    if (needle === '' || this.#doc === null) {
      this.searching = false;
      this.searchDone = needle !== '';
      return;
    }
    this.searching = true;
    const found: Match[] = [];
    let jumped = false;
    for (let page = 1; page <= this.pageCount; page += 1) {
      let text: PageText;
      try {
        text = await this.#text(page);
      } catch {
        continue;
      }
      if (generation !== this.#searchGeneration) return;
      found.push(...findInPage(page, text, needle));
      this.searchedPages = page;
      if (page % 10 === 0 || page === this.pageCount || (!jumped && found.some((m) => m.page >= fromPage))) {
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
    if (generation !== this.#searchGeneration) return;
    this.matches = found;
    if (!jumped && found.length > 0) this.#select(0);
    this.searching = false;
    this.searchDone = true;
  }

  clearSearch(): void {
    this.#searchGeneration += 1;
    this.query = '';
    this.matches = [];
    this.matchIndex = -1;
    this.highlights = {};
    this.searching = false;
    this.searchDone = false;
  }

  nextMatch(): void {
    if (this.matches.length === 0) return;
    this.#select((this.matchIndex + 1) % this.matches.length);
  }

  previousMatch(): void {
    if (this.matches.length === 0) return;
    this.#select((this.matchIndex - 1 + this.matches.length) % this.matches.length);
  }

  #select(index: number): void {
    const match = this.matches[index];
    if (match === undefined) return;
    this.matchIndex = index;
    void this.#text(match.page).then((text) => {
      if (this.matches[this.matchIndex] !== match) return;
      // Put the match about a third of the way down the screen.
      const box = boxesFor(text, match)[0];
      const el = this.#elements.get(match.page);
      const scroller = this.#scroller;
      if (box && el && scroller) {
        const within = (box.top / 100) * el.offsetHeight;
        scroller.scrollTop = Math.max(0, el.offsetTop + within - scroller.clientHeight / 3);
        this.#updateCurrentPage();
      } else {
        this.goTo(match.page);
      }
      this.#refreshHighlights();
    });
  }

  /** Highlight boxes for the pages near the view. */
  #refreshHighlights(): void {
    if (this.matches.length === 0) {
      if (Object.keys(this.highlights).length > 0) this.highlights = {};
      return;
    }
    const pages = new Set([...this.#wanted(false)]);
    const current = this.currentMatch;
    if (current) pages.add(current.page);
    const jobs = [...pages].map(async (page) => {
      const text = this.#texts.has(page) ? await this.#text(page) : null;
      if (text === null) return [page, []] as const;
      const list = this.matches.filter((m) => m.page === page).map((m) => ({ boxes: boxesFor(text, m), current: m === current }));
      return [page, list] as const;
    });
    const generation = this.#searchGeneration;
    void Promise.all(jobs).then((entries) => {
      if (generation !== this.#searchGeneration) return;
      this.highlights = Object.fromEntries(entries.filter(([, list]) => list.length > 0));
    });
  }

  destroy(): void {
    this.#destroyed = true;
    this.#searchGeneration += 1;
    if (this.#scrollFrame !== 0) cancelAnimationFrame(this.#scrollFrame);
    for (const page of [...this.#slots.keys()]) this.#release(page, false);
    for (const page of [...this.#thumbSlots.keys()]) this.#release(page, true);
    this.#observer?.disconnect();
    this.#thumbObserver?.disconnect();
    this.#resizeObserver?.disconnect();
    const task = this.#task;
    this.#task = null;
    this.#doc = null;
    void task?.destroy();
  }
}

/** Gives a canvas's memory back at once (browsers keep it until GC otherwise). */
function free(canvas: HTMLCanvasElement): void {
  canvas.width = 0;
  canvas.height = 0;
}
