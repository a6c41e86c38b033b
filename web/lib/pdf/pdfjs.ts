/**
 * pdf.js for the browser, with nothing fetched from outside: the worker,
 * the standard fonts (for PDFs that do not embed Times/Arial…), the image
 * decoders (JBIG2 and JPEG 2000 of scanned documents) and the CMaps all come
 * from the pdfjs-dist package, bundled by Vite. Documents are opened by URL
 * with range requests, so page 1 shows before the whole file has arrived.
 */
import * as pdfjs from 'pdfjs-dist';
import type { PDFDocumentLoadingTask } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

pdfjs.GlobalWorkerOptions.workerSrc = workerUrl;

type UrlMap = Record<string, string>;

// Emitted as hashed assets; only the files a document needs are ever downloaded.
const wasmFiles = import.meta.glob('/node_modules/pdfjs-dist/wasm/{jbig2,openjpeg}.wasm', { query: '?url', import: 'default', eager: true, exhaustive: true }) as UrlMap;
const fontFiles = import.meta.glob('/node_modules/pdfjs-dist/standard_fonts/*.{pfb,ttf}', {
  query: '?url',
  import: 'default',
  eager: true,
  exhaustive: true,
}) as UrlMap;
const cmapFiles = import.meta.glob('/node_modules/pdfjs-dist/cmaps/*.bcmap', { query: '?url', import: 'default', eager: true, exhaustive: true }) as UrlMap;

function byName(files: UrlMap): Map<string, string> {
  return new Map(Object.entries(files).map(([path, url]) => [path.slice(path.lastIndexOf('/') + 1), url]));
}

const assets: Record<'wasmUrl' | 'standardFontDataUrl' | 'cMapUrl', Map<string, string>> = {
  wasmUrl: byName(wasmFiles),
  standardFontDataUrl: byName(fontFiles),
  cMapUrl: byName(cmapFiles),
};

/**
 * pdf.js asks the main thread for these files by kind and name (useWorkerFetch: false);
 * the names map to the bundled, hashed asset addresses.
 */
class BundledDataFactory {
  async fetch({ kind, filename }: { kind: string; filename: string }): Promise<Uint8Array> {
    const table = assets[kind as keyof typeof assets];
    const name = kind === 'cMapUrl' && !filename.endsWith('.bcmap') ? `${filename}.bcmap` : filename;
    const url = table?.get(name);
    if (url === undefined) throw new Error(`pdf.js asset not bundled: ${kind} ${filename}`);
    const response = await fetch(url);
    if (!response.ok) throw new Error(`pdf.js asset ${name}: HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  }
}

/** Opens a PDF by address; the caller destroys the task when done. */
export function openPdf(url: string): PDFDocumentLoadingTask {
  return pdfjs.getDocument({
    url,
    // Ranges of 64 KiB on demand, no background download of the rest: a 300-page file opens at page 1 at once.
    rangeChunkSize: 65_536,
    disableAutoFetch: true,
    disableStream: true,
    withCredentials: false,
    useWorkerFetch: false,
    BinaryDataFactory: BundledDataFactory,
    // Placeholders: the factory above resolves the names; pdf.js only checks that these are set.
    wasmUrl: 'bundled/',
    standardFontDataUrl: 'bundled/',
    cMapUrl: 'bundled/',
    cMapPacked: true,
  });
}

export { pdfjs };
export type { PDFDocumentProxy, PDFPageProxy, RenderTask, PageViewport } from 'pdfjs-dist';
