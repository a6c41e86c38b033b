/**
 * How much a PDF may cost the server. A small crafted file can ask for
 * gigabytes (a content stream that inflates a thousandfold, a 10000×10000
 * image, a page a kilometre wide, a million pages): files beyond these caps
 * are refused at upload with a message saying which cap, and whatever the
 * worker does with a file runs under a time limit in a thread that is killed
 * when it overruns (pdf-pool.ts).
 */

export type PdfLimits = {
  /** pages of one document (real agenda papers have 10–300) */
  maxPages: number;
  /** width or height of a page in points (× UserUnit); 14,400 is the PDF spec's own limit (200 inches) */
  maxPagePoints: number;
  /** pixels of one image (width × height): 50 M is an A3 page scanned at 600 dpi */
  maxImagePixels: number;
  /** bytes one compressed stream may inflate to */
  maxInflatedStreamBytes: number;
  /** bytes all compressed streams of a file may inflate to together */
  maxInflatedTotalBytes: number;
};

export const PDF_LIMITS: PdfLimits = {
  maxPages: 2000,
  maxPagePoints: 14_400,
  maxImagePixels: 50_000_000,
  maxInflatedStreamBytes: 256 * 1024 * 1024,
  maxInflatedTotalBytes: 1024 * 1024 * 1024,
};

/** Time limits per kind of work, in milliseconds: past them the worker thread is terminated. */
export const PDF_TIMEOUTS = {
  inspect: 90_000,
  thumbnail: 20_000,
  stamp: 120_000,
} as const;

/** Memory of one worker thread's JavaScript heap (pdf.js and pdf-lib objects); ArrayBuffers are bounded by the caps above. */
export const PDF_WORKER_HEAP_MB = 768;
