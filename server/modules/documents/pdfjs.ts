/**
 * Opens PDFs with pdf.js on the server. In Node pdf.js runs its "worker" on the
 * main thread, reads a file:// URL with ranged fs reads (only the chunks it
 * needs; it still reserves one buffer the size of the file), and picks
 * @napi-rs/canvas for rendering by itself. The data it may need for odd PDFs
 * (standard fonts, CMaps, wasm decoders) comes from the pdfjs-dist package on
 * disk: nothing is fetched from outside.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getDocument, VerbosityLevel, type PDFDocumentLoadingTask } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { PDF_LIMITS } from './pdf-limits.ts';

const pdfjsRoot = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
// pdf.js wants directory "URLs" with a trailing slash; in Node they are read with fs.
const dataDir = (name: string): string => join(pdfjsRoot, name) + '/';

/** Starts loading `filePath`; the caller must `destroy()` the task whatever happens. */
export function openPdf(filePath: string): PDFDocumentLoadingTask {
  return getDocument({
    url: pathToFileURL(filePath),
    // Fetch only the ranges that are asked for, not the whole file up front.
    disableAutoFetch: true,
    disableStream: true,
    standardFontDataUrl: dataDir('standard_fonts'),
    cMapUrl: dataDir('cmaps'),
    iccUrl: dataDir('iccs'),
    wasmUrl: dataDir('wasm'),
    // An image bigger than this (pixels) is skipped rather than decoded: a
    // crafted PDF must not make the server allocate gigabytes.
    maxImageSize: PDF_LIMITS.maxImagePixels,
    verbosity: VerbosityLevel.ERRORS,
  });
}
