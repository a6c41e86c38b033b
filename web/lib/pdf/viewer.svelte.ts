/**
 * The document viewer's engine: the document, the page boxes' layout, the
 * page in view and the zoom. Pages are placeholders of the right size; an
 * IntersectionObserver says which are on screen, and only those and their
 * neighbours (± 1) are drawn (`PageCanvases`); thumbnails work the same way
 * at a small scale. Search lives in `PdfSearch` (`viewer.find`), the
 * geometry in `layout.ts`. (Over 400 lines: the scroll position, the zoom and
 * the page boxes all turn on the same scroller and must stay in step.)
 */
/* eslint-disable svelte/prefer-svelte-reactivity -- the maps and sets below track DOM elements and pdf.js
   pages; nothing renders from them (what the page shows is in the $state fields). */
import { untrack } from 'svelte';
import { openPdf, type PDFDocumentProxy, type PDFPageProxy } from './pdfjs.ts';
import { CSS_UNITS } from './page-render.ts';
import { PageCanvases, THUMB_WIDTH, type Size, type Strip } from './page-canvases.ts';
import { PdfSearch } from './viewer-search.svelte.ts';
import { clampZoom, fitWidthZoom, pageAt, PAGE_GAP, stepZoom } from './layout.ts';
import type { Box } from './text-search.ts';

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
  /** pages on screen and their neighbours: those worth per-page overlays (annotation layers) */
  nearby = $state<number[]>([]);

  readonly #canvases = new PageCanvases({
    page: (n) => this.#page(n),
    host: (strip, n) => this.#elements[strip].get(n)?.querySelector<HTMLElement>('.canvas-host') ?? undefined,
    zoom: () => this.zoom,
    measured: (n, size) => this.#measured(n, size),
    unused: (n) => this.#forget(n),
  });
  /** pages whose canvas failed to draw */
  readonly failed = this.#canvases.failed;
  /** the text search in this document */
  readonly find = new PdfSearch({
    page: (n) => this.#page(n),
    pageCount: () => this.pageCount,
    nearPages: () => this.#wanted('pages'),
    reveal: (page, box) => this.#revealMatch(page, box),
  });

  #doc: PDFDocumentProxy | null = null;
  #task: ReturnType<typeof openPdf> | null = null;
  #destroyed = false;
  #pages = new Map<number, Promise<PDFPageProxy>>();
  #elements: Record<Strip, Map<number, HTMLElement>> = { pages: new Map(), thumbs: new Map() };
  #visible: Record<Strip, Set<number>> = { pages: new Set(), thumbs: new Set() };
  #observer: IntersectionObserver | null = null;
  #thumbObserver: IntersectionObserver | null = null;
  #resizeObserver: ResizeObserver | null = null;
  #scroller: HTMLElement | null = null;
  #thumbScroller: HTMLElement | null = null;
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
    const size = this.#baseSize(page);
    return { width: Math.floor(size.width * CSS_UNITS * this.zoom), height: Math.floor(size.height * CSS_UNITS * this.zoom) };
  }

  thumbSize(page: number): Size {
    const size = this.#baseSize(page);
    return { width: THUMB_WIDTH, height: Math.round((THUMB_WIDTH * size.height) / size.width) };
  }

  #baseSize(page: number): Size {
    return this.sizes[page - 1] ?? this.sizes[0] ?? { width: 595, height: 842 };
  }

  /** A page drawn at last: its real size replaces the guess (page 1's) when it differs. */
  #measured(pageNumber: number, natural: Size): void {
    const known = this.sizes[pageNumber - 1];
    if (known !== undefined && Math.abs(known.width - natural.width) <= 0.5 && Math.abs(known.height - natural.height) <= 0.5) return;
    const next = [...this.sizes];
    next[pageNumber - 1] = natural;
    this.sizes = next;
  }

  // — the scrolling area —

  /** Binds the scroll container of the pages (Svelte attachment). */
  scroller = (element: HTMLElement) => untrack(() => this.#bindScroller(element));

  #bindScroller(element: HTMLElement): () => void {
    this.#scroller = element;
    this.#observer = new IntersectionObserver((entries) => this.#onIntersect(entries, 'pages'), { root: element, rootMargin: '0px' });
    for (const el of this.#elements.pages.values()) this.#observer.observe(el);
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
    this.#elements.pages.set(page, element);
    untrack(() => this.#observer?.observe(element));
    return () => {
      this.#observer?.unobserve(element);
      this.#unbindBox('pages', page, element);
    };
  };

  /** Binds the thumbnails' scroll container. */
  thumbScroller = (element: HTMLElement) => untrack(() => this.#bindThumbScroller(element));

  #bindThumbScroller(element: HTMLElement): () => void {
    this.#thumbScroller = element;
    this.#thumbObserver = new IntersectionObserver((entries) => this.#onIntersect(entries, 'thumbs'), { root: element, rootMargin: '200px 0px' });
    for (const el of this.#elements.thumbs.values()) this.#thumbObserver.observe(el);
    return () => {
      this.#thumbObserver?.disconnect();
      this.#thumbObserver = null;
      this.#thumbScroller = null;
      this.#canvases.releaseAll('thumbs');
      this.#visible.thumbs.clear();
    };
  }

  /** Binds one thumbnail (Svelte attachment). */
  thumbBox = (page: number) => (element: HTMLElement) => {
    this.#elements.thumbs.set(page, element);
    this.#thumbObserver?.observe(element);
    return () => {
      this.#thumbObserver?.unobserve(element);
      this.#unbindBox('thumbs', page, element);
    };
  };

  #unbindBox(strip: Strip, page: number, element: HTMLElement): void {
    if (this.#elements[strip].get(page) === element) this.#elements[strip].delete(page);
    this.#visible[strip].delete(page);
    this.#canvases.release(strip, page);
  }

  #onIntersect(entries: IntersectionObserverEntry[], strip: Strip): void {
    const visible = this.#visible[strip];
    for (const entry of entries) {
      const page = Number((entry.target as HTMLElement).dataset.pageNumber);
      if (!Number.isInteger(page)) continue;
      if (entry.isIntersecting) visible.add(page);
      else visible.delete(page);
    }
    this.#schedule();
  }

  /** The pages to draw: those on screen and one either side (thumbnails: a few more). */
  #wanted(strip: Strip): Set<number> {
    const wanted = new Set<number>();
    const margin = strip === 'thumbs' ? 2 : 1;
    for (const page of this.#visible[strip]) {
      for (let p = page - margin; p <= page + margin; p += 1) if (p >= 1 && p <= this.pageCount) wanted.add(p);
    }
    return wanted;
  }

  #schedule(): void {
    if (this.#doc === null) return;
    const wanted = { pages: this.#wanted('pages'), thumbs: this.#wanted('thumbs') };
    const near = [...wanted.pages].sort((a, b) => a - b);
    if (near.length !== this.nearby.length || near.some((page, i) => page !== this.nearby[i])) this.nearby = near;
    this.#canvases.schedule(wanted, this.#visible.pages, this.currentPage);
    this.find.refreshHighlights();
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

  /** Frees the page's parsed content once neither view shows it. */
  #forget(page: number): void {
    const proxy = this.#pages.get(page);
    this.#pages.delete(page);
    void proxy?.then((p) => p.cleanup()).catch(() => {});
  }

  // — position —

  #updateCurrentPage(): void {
    const scroller = this.#scroller;
    if (scroller === null || this.pageCount === 0) return;
    const probe = scroller.scrollTop + Math.min(scroller.clientHeight / 3, 200);
    const found = pageAt(probe, this.pageCount, (page) => this.#elements.pages.get(page)?.offsetTop);
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
    const el = this.#elements.pages.get(target);
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
    const el = this.#elements.thumbs.get(page);
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
    const el = this.#elements.pages.get(page);
    const scroller = this.#scroller;
    if (el === undefined || scroller === null || el.offsetHeight === 0) return { page, fraction: 0 };
    return { page, fraction: Math.min(1, Math.max(0, (scroller.scrollTop + PAGE_GAP - el.offsetTop) / el.offsetHeight)) };
  }

  async #setZoom(zoom: number, anchorAt?: { page: number; fraction: number }): Promise<void> {
    const next = clampZoom(zoom);
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
    void this.#setZoom(stepZoom(this.zoom, 'in'));
  }

  zoomOut(): void {
    this.fitWidth = false;
    void this.#setZoom(stepZoom(this.zoom, 'out'));
  }

  fit(): void {
    this.fitWidth = true;
    this.#applyFit();
  }

  /** The zoom at which page 1 fills the scroller's width; null before there is a scroller. */
  #fitZoom(): number | null {
    const scroller = this.#scroller;
    const base = this.sizes[0];
    return scroller === null || base === undefined ? null : fitWidthZoom(scroller.clientWidth, base.width);
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

  /** The printed text inside a rectangle of a page (for annotations anchored to text). */
  textAt(pageNumber: number, rect: readonly [number, number, number, number]): Promise<string | null> {
    if (this.#doc === null) return Promise.resolve(null);
    return this.find.textAt(pageNumber, rect);
  }

  /** Puts a search match about a third of the way down the screen (its page's top when its place is unknown). */
  #revealMatch(page: number, box: Box | undefined): void {
    const el = this.#elements.pages.get(page);
    const scroller = this.#scroller;
    if (box && el && scroller) {
      const within = (box.top / 100) * el.offsetHeight;
      scroller.scrollTop = Math.max(0, el.offsetTop + within - scroller.clientHeight / 3);
      this.#updateCurrentPage();
    } else {
      this.goTo(page);
    }
  }

  destroy(): void {
    this.#destroyed = true;
    this.find.close();
    if (this.#scrollFrame !== 0) cancelAnimationFrame(this.#scrollFrame);
    this.#canvases.close();
    this.#observer?.disconnect();
    this.#thumbObserver?.disconnect();
    this.#resizeObserver?.disconnect();
    const task = this.#task;
    this.#task = null;
    this.#doc = null;
    void task?.destroy();
  }
}
