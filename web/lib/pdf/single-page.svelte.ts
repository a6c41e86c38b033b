/**
 * One page of a PDF, fit into a box, on one canvas: what the wall
 * (PresentedPage) and the console's preview (PdfPreview) show. The document
 * is opened again whenever its address changes; the page is drawn again when
 * the page, the zoom, the box or the canvas changes, off-screen first, so the
 * old page stays until the new one is complete. Construct it while a
 * component initialises: its effects live as long as the component.
 */
import { openPdf, type PDFDocumentProxy } from './pdfjs.ts';
import { drawPage, fitScale, freeCanvas, isCancelled, showDrawing, type DrawLimits, type PageDrawing } from './page-render.ts';

/** What to draw where: the page, the zoom over "fit the box", and the box's CSS size. */
export type PageView = { page: number; zoom: number; canvas: HTMLCanvasElement | undefined; width: number; height: number };

export type SinglePageOptions = DrawLimits & {
  /** a box smaller than this (either side, CSS pixels) is not laid out yet: nothing is drawn */
  minBox: number;
  /** the document is open (its page count is known) */
  onopen?: (doc: PDFDocumentProxy) => void;
};

export class SinglePageRenderer {
  /** the open document; null while it opens */
  doc = $state.raw<PDFDocumentProxy | null>(null);
  /** the document or the page could not be drawn */
  failed = $state(false);
  /** the page number the canvas shows now; null before the first drawing */
  drawn = $state<number | null>(null);

  readonly #options: SinglePageOptions;

  constructor(url: () => string, view: () => PageView, options: SinglePageOptions) {
    this.#options = options;
    $effect(() => this.#open(url()));
    $effect(() => this.#draw(view()));
  }

  #open(url: string): () => void {
    const task = openPdf(url);
    let cancelled = false;
    this.doc = null;
    this.failed = false;
    this.drawn = null;
    task.promise.then(
      (doc) => {
        if (cancelled) return;
        this.doc = doc;
        this.#options.onopen?.(doc);
      },
      () => {
        if (!cancelled) this.failed = true;
      },
    );
    return () => {
      cancelled = true;
      this.doc = null;
      void task.destroy();
    };
  }

  #draw({ page, zoom, canvas, width, height }: PageView): (() => void) | undefined {
    const doc = this.doc;
    if (doc === null || canvas === undefined || width < this.#options.minBox || height < this.#options.minBox) return;
    const number = Math.min(Math.max(1, page), doc.numPages);
    let cancelled = false;
    let drawing: PageDrawing | null = null;
    void (async () => {
      try {
        const pdfPage = await doc.getPage(number);
        if (cancelled) return;
        drawing = drawPage(pdfPage, fitScale(pdfPage, width, height) * zoom, this.#options);
        const done = await drawing.promise;
        if (cancelled) return;
        showDrawing(canvas, done, drawing.cssWidth, drawing.cssHeight);
        freeCanvas(done);
        this.drawn = number;
        this.failed = false;
        // Warm the next page's bytes (range requests): the presenter's next turn is the likely one.
        if (number < doc.numPages) void doc.getPage(number + 1).catch(() => {});
      } catch (error) {
        if (!cancelled && !isCancelled(error)) this.failed = true;
      }
    })();
    return () => {
      cancelled = true;
      drawing?.cancel();
    };
  }
}
