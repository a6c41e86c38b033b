/**
 * Vets an uploaded PDF before it becomes a meeting document, and extracts the
 * text of every page for search. Refused: files that are not PDFs, that are
 * encrypted (readers could not open them, pdf-lib could not watermark them),
 * damaged, carrying JavaScript, Launch actions, embedded files or XFA, beyond
 * the caps of pdf-limits.ts (inflated size, pages, page size, image size), or
 * without pages. Runs in a worker thread that is killed when it overruns.
 */
import { readFile } from 'node:fs/promises';
import { PasswordException, type PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { checkInflatedSizes } from './pdf-inflate-scan.ts';
import { PDF_LIMITS, type PdfLimits } from './pdf-limits.ts';
import { scanObjects } from './pdf-object-scan.ts';
import { openPdf } from './pdfjs.ts';
import { containsJavaScript } from './pdf-javascript-scan.ts';
import { checkPdfStructure } from './pdf-structure.ts';
import { pageText } from './pdf-text.ts';
import { popplerPageTexts } from './poppler-text.ts';

export type PdfRejection =
  | 'not-pdf'
  | 'encrypted'
  | 'corrupt'
  | 'javascript'
  | 'empty'
  | 'launch'
  | 'embedded-file'
  | 'xfa'
  | 'too-many-pages'
  | 'page-too-large'
  | 'image-too-large'
  | 'stream-too-large'
  | 'too-complex';

export class PdfRejectedError extends Error {
  readonly reason: PdfRejection;

  constructor(reason: PdfRejection, options?: ErrorOptions) {
    super(`PDF rejected: ${reason}`, options);
    this.name = 'PdfRejectedError';
    this.reason = reason;
  }
}

export type PdfInspection = { pageCount: number; pageTexts: string[] };

export async function inspectPdf(filePath: string, limits: PdfLimits = PDF_LIMITS): Promise<PdfInspection> {
  const structure = await checkPdfStructure(filePath);
  if (structure !== 'ok') throw new PdfRejectedError(structure);
  // Sizes first: nothing below may inflate a stream before its size is known to be bounded.
  const bytes = await readFile(filePath);
  if ((await checkInflatedSizes(bytes, limits)) !== 'ok') throw new PdfRejectedError('stream-too-large');
  if (await containsJavaScript(filePath)) throw new PdfRejectedError('javascript');

  const task = openPdf(filePath);
  try {
    const doc = await task.promise.catch((error: unknown) => {
      throw new PdfRejectedError(error instanceof PasswordException ? 'encrypted' : 'corrupt', { cause: error });
    });
    // Encrypted with an empty user password opens without asking, but is still encrypted.
    const { info } = await doc.getMetadata();
    if (isRecord(info) && info.EncryptFilterName != null) throw new PdfRejectedError('encrypted');

    // Every object, object streams unpacked whatever their filters: actions, attachments, XFA, caps.
    const verdict = await scanObjects(bytes, limits).catch((error: unknown) => {
      throw new PdfRejectedError('corrupt', { cause: error });
    });
    if (verdict !== 'ok') throw new PdfRejectedError(verdict);

    // pdf.js also sees scripts our byte scan cannot (e.g. in a stream with another filter): the document's own and
    // its form fields'. (Not doc.hasJSActions(): it counts a signature field, which has no actions at all, as
    // scripted, and so refused every digitally signed PDF.)
    if (await hasScripts(doc)) throw new PdfRejectedError('javascript');
    if (doc.numPages === 0) throw new PdfRejectedError('empty');

    // Page dictionaries only (cheap): scripts attached to pages are refused too.
    for (let number = 1; number <= doc.numPages; number++) {
      const page = await doc.getPage(number);
      if ((await page.getJSActions()) !== null) throw new PdfRejectedError('javascript');
      page.cleanup();
    }
    const fromPoppler = await popplerPageTexts(filePath, doc.numPages).catch(() => undefined);
    if (fromPoppler !== undefined) return { pageCount: doc.numPages, pageTexts: fromPoppler };

    const pageTexts: string[] = [];
    for (let number = 1; number <= doc.numPages; number++) {
      const page = await doc.getPage(number);
      pageTexts.push(pageText(await page.getTextContent()));
      page.cleanup(); // 300-page documents: keep only one page's resources at a time
    }
    return { pageCount: doc.numPages, pageTexts };
  } catch (error) {
    // Whatever pdf.js cannot parse after the byte-level checks passed is a damaged file.
    if (error instanceof PdfRejectedError) throw error;
    throw new PdfRejectedError('corrupt', { cause: error });
  } finally {
    await task.destroy();
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Document-level scripts, or a form field with an action (its calculate, format, keystroke or validate script). */
async function hasScripts(doc: PDFDocumentProxy): Promise<boolean> {
  if ((await doc.getJSActions()) !== null) return true;
  const fields = (await doc.getFieldObjects()) as Record<string, { actions?: Record<string, unknown> | null }[]> | null;
  return Object.values(fields ?? {}).some((widgets) => widgets.some((field) => field.actions != null && Object.keys(field.actions).length > 0));
}
