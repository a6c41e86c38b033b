/**
 * Drawing one PDF page onto a canvas: the single pdf.js drawing routine the
 * viewer (its pages and thumbnails), the wall and the console preview share.
 * The page is drawn off-screen onto a canvas of its own, so whoever shows it
 * keeps the previous drawing until the new one is complete, and a cancelled
 * render never leaves a half-drawn page on screen.
 */
import type { PDFPageProxy } from './pdfjs.ts';

/** pdf.js measures in PDF points; 100 % zoom shows them at CSS size (96 / 72). */
export const CSS_UNITS = 96 / 72;

export type DrawLimits = {
  /** device pixels per CSS pixel at most (a tablet gains nothing past 2) */
  maxRatio: number;
  /** canvas pixels at most: past it, fewer pixels are drawn and shown at the same size */
  maxPixels: number;
};

/** A render under way: `promise` gives the finished off-screen canvas. */
export type PageDrawing = {
  promise: Promise<HTMLCanvasElement>;
  cancel(): void;
  /** the page's CSS size at this scale */
  cssWidth: number;
  cssHeight: number;
};

/** Draws `page` at `cssScale` (CSS pixels per PDF point) at the screen's pixel density, within `limits`. */
export function drawPage(page: PDFPageProxy, cssScale: number, limits: DrawLimits): PageDrawing {
  const viewport = page.getViewport({ scale: cssScale });
  let ratio = Math.min(window.devicePixelRatio || 1, limits.maxRatio);
  const pixels = viewport.width * viewport.height * ratio * ratio;
  if (pixels > limits.maxPixels) ratio *= Math.sqrt(limits.maxPixels / pixels);
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.floor(viewport.width * ratio));
  canvas.height = Math.max(1, Math.floor(viewport.height * ratio));
  canvas.setAttribute('aria-hidden', 'true');
  const task = page.render({ canvas, viewport, transform: ratio === 1 ? undefined : [ratio, 0, 0, ratio, 0, 0] });
  return {
    promise: task.promise.then(
      () => canvas,
      (error: unknown) => {
        freeCanvas(canvas);
        throw error;
      },
    ),
    cancel: () => task.cancel(),
    cssWidth: Math.floor(viewport.width),
    cssHeight: Math.floor(viewport.height),
  };
}

/** The scale at which a page fits a box of `width` × `height` CSS pixels whole. */
export function fitScale(page: PDFPageProxy, width: number, height: number): number {
  const base = page.getViewport({ scale: 1 });
  return Math.min(width / base.width, height / base.height);
}

/** Copies a finished drawing into the visible canvas, at the drawing's CSS size. */
export function showDrawing(target: HTMLCanvasElement, drawing: HTMLCanvasElement, cssWidth: number, cssHeight: number): void {
  target.width = drawing.width;
  target.height = drawing.height;
  target.style.width = `${cssWidth}px`;
  target.style.height = `${cssHeight}px`;
  target.getContext('2d')?.drawImage(drawing, 0, 0);
}

/** A newer render replaced this one: not a failure, the newer page is on its way. */
export function isCancelled(error: unknown): boolean {
  return (error as { name?: string } | null)?.name === 'RenderingCancelledException';
}

/** Gives a canvas's memory back at once (browsers keep it until GC otherwise). */
export function freeCanvas(canvas: HTMLCanvasElement): void {
  canvas.width = 0;
  canvas.height = 0;
}
