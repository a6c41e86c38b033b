/**
 * The viewer's canvases: which pages of the main view and of the thumbnails
 * strip have a drawing, which are being drawn, and in what order. Only the
 * pages the viewer asks for (those on screen and their neighbours) are drawn,
 * two at a time, visible pages first; pages far from the view give their
 * canvas back, so a 300-page file costs a handful of canvases, not 300.
 * A new drawing (another zoom) replaces the old one only when complete.
 */
import { SvelteSet } from 'svelte/reactivity';
import type { PDFPageProxy } from './pdfjs.ts';
import { CSS_UNITS, drawPage, freeCanvas, isCancelled, type DrawLimits, type PageDrawing } from './page-render.ts';

/** The main view's pages, or the thumbnails strip. */
export type Strip = 'pages' | 'thumbs';
export type Size = { width: number; height: number };

export const THUMB_WIDTH = 112;
/** A tablet gains nothing past twice its CSS pixels; canvas pixels above 12 M are not worth the memory. */
const LIMITS: DrawLimits = { maxRatio: 2, maxPixels: 12_000_000 };
/** the zoom recorded for thumbnails, which have one size only */
const THUMB_ZOOM = 0;

/** A page's drawing: the canvas shown (and its zoom), and the render under way, if any. */
type Slot = { canvas: HTMLCanvasElement | null; zoom: number; pending: { drawing: PageDrawing; zoom: number } | null };
type Job = { page: number; strip: Strip };

/** What the pool asks of the viewer. */
export type CanvasHost = {
  page(n: number): Promise<PDFPageProxy>;
  /** the element that holds the page's canvas; undefined once the page box is gone */
  host(strip: Strip, n: number): HTMLElement | undefined;
  zoom(): number;
  /** the page's real size (PDF points) as pdf.js measured it on drawing */
  measured(n: number, size: Size): void;
  /** neither strip draws the page any more: its parsed content may go */
  unused(n: number): void;
};

export class PageCanvases {
  /** pages of the main view whose canvas failed to draw */
  readonly failed = new SvelteSet<number>();

  readonly #slots: Record<Strip, Map<number, Slot>> = { pages: new Map(), thumbs: new Map() };
  #queue: Job[] = [];
  #rendering = 0;
  #closed = false;
  readonly #viewer: CanvasHost;

  constructor(viewer: CanvasHost) {
    this.#viewer = viewer;
  }

  /**
   * Draws what is wanted and releases what is far away (beyond the wanted
   * window by more than two pages). `visible` and `center` order the work.
   */
  schedule(wanted: Record<Strip, Set<number>>, visible: Set<number>, center: number): void {
    const close = (page: number, set: Set<number>) => [...set].some((p) => Math.abs(p - page) <= 2);
    for (const strip of ['pages', 'thumbs'] as const) {
      for (const page of [...this.#slots[strip].keys()]) if (!close(page, wanted[strip])) this.release(strip, page);
    }
    const zoom = this.#viewer.zoom();
    const jobs: Job[] = [];
    for (const page of wanted.pages) {
      const slot = this.#slots.pages.get(page);
      if (slot === undefined || (slot.zoom !== zoom && slot.pending?.zoom !== zoom)) jobs.push({ page, strip: 'pages' });
    }
    for (const page of wanted.thumbs) if (!this.#slots.thumbs.has(page)) jobs.push({ page, strip: 'thumbs' });
    // Visible pages first, nearest to the current page first; thumbnails last.
    const isThumb = (job: Job) => Number(job.strip === 'thumbs');
    jobs.sort(
      (a, b) => isThumb(a) - isThumb(b) || Number(!visible.has(a.page)) - Number(!visible.has(b.page)) || Math.abs(a.page - center) - Math.abs(b.page - center),
    );
    this.#queue = jobs;
    this.#pump();
  }

  #pump(): void {
    while (this.#rendering < 2 && this.#queue.length > 0) {
      const job = this.#queue.shift()!;
      this.#rendering += 1;
      void this.#draw(job.page, job.strip).finally(() => {
        this.#rendering -= 1;
        this.#pump();
      });
    }
  }

  async #draw(pageNumber: number, strip: Strip): Promise<void> {
    const slots = this.#slots[strip];
    const wanted = () => !this.#closed && this.#viewer.host(strip, pageNumber) !== undefined;
    if (!wanted()) return;
    const zoom = strip === 'thumbs' ? THUMB_ZOOM : this.#viewer.zoom();
    let slot = slots.get(pageNumber);
    if (slot !== undefined && (slot.pending?.zoom === zoom || (slot.canvas !== null && slot.zoom === zoom))) return;
    let drawing: PageDrawing | null = null;
    try {
      const page = await this.#viewer.page(pageNumber);
      if (!wanted()) return;
      // The real size of this page (it may differ from page 1's).
      const natural = page.getViewport({ scale: 1 });
      this.#viewer.measured(pageNumber, { width: natural.width, height: natural.height });
      drawing = drawPage(page, strip === 'thumbs' ? THUMB_WIDTH / natural.width : CSS_UNITS * zoom, LIMITS);

      slot = slots.get(pageNumber) ?? { canvas: null, zoom: -1, pending: null };
      slot.pending?.drawing.cancel();
      slot.pending = { drawing, zoom };
      slots.set(pageNumber, slot);
      const canvas = await drawing.promise;

      if (slot.pending?.drawing !== drawing) {
        freeCanvas(canvas);
        return;
      }
      slot.pending = null;
      const host = this.#viewer.host(strip, pageNumber);
      // Still wanted at this zoom? Then swap the new drawing in (the old one stayed visible meanwhile).
      if (this.#closed || !host || slots.get(pageNumber) !== slot || (strip === 'pages' && this.#viewer.zoom() !== zoom)) {
        freeCanvas(canvas);
        if (slot.canvas === null && slots.get(pageNumber) === slot) slots.delete(pageNumber);
        return;
      }
      host.replaceChildren(canvas);
      if (slot.canvas !== null && slot.canvas !== canvas) freeCanvas(slot.canvas);
      slot.canvas = canvas;
      slot.zoom = zoom;
      if (strip === 'pages') this.failed.delete(pageNumber);
    } catch (error) {
      if (slot !== undefined && drawing !== null && slot.pending?.drawing === drawing) slot.pending = null;
      if (isCancelled(error)) return;
      if (strip === 'pages' && !this.#closed) this.failed.add(pageNumber);
      if (slot !== undefined && slot.canvas === null && slots.get(pageNumber) === slot) slots.delete(pageNumber);
    }
  }

  /** Gives the page's canvas back (its box left the DOM, or it is far from the view). */
  release(strip: Strip, page: number): void {
    const slots = this.#slots[strip];
    const slot = slots.get(page);
    if (slot === undefined) return;
    slots.delete(page);
    slot.pending?.drawing.cancel();
    slot.pending = null;
    if (slot.canvas !== null) {
      slot.canvas.remove();
      freeCanvas(slot.canvas);
    }
    if (!this.#slots.pages.has(page) && !this.#slots.thumbs.has(page)) this.#viewer.unused(page);
  }

  releaseAll(strip: Strip): void {
    for (const page of [...this.#slots[strip].keys()]) this.release(strip, page);
  }

  close(): void {
    this.#closed = true;
    this.releaseAll('pages');
    this.releaseAll('thumbs');
  }
}
