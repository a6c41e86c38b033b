/**
 * Vets an uploaded PDF before it becomes a meeting document, and extracts the
 * text of every page for search. Refused: files that are not PDFs, that are
 * encrypted (readers could not open them, pdf-lib could not watermark them),
 * damaged, carrying JavaScript, or without pages.
 */
import { InvalidPDFException, PasswordException, type PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { openPdf } from './pdfjs.ts';
import { containsJavaScript } from './pdf-javascript-scan.ts';
import { checkPdfStructure } from './pdf-structure.ts';
import { pageText } from './pdf-text.ts';

export type PdfRejection = 'not-pdf' | 'encrypted' | 'corrupt' | 'javascript' | 'empty';

export class PdfRejectedError extends Error {
  readonly reason: PdfRejection;

  constructor(reason: PdfRejection, options?: ErrorOptions) {
    super(`PDF rejected: ${reason}`, options);
    this.name = 'PdfRejectedError';
    this.reason = reason;
  }
}

export type PdfInspection = { pageCount: number; pageTexts: string[] };

export async function inspectPdf(filePath: string): Promise<PdfInspection> {
  const structure = await checkPdfStructure(filePath);
  if (structure !== 'ok') throw new PdfRejectedError(structure);

  const task = openPdf(filePath);
  try {
    let doc: PDFDocumentProxy;
    try {
      doc = await task.promise;
    } catch (error) {
      if (error instanceof PasswordException) throw new PdfRejectedError('encrypted', { cause: error });
      if (error instanceof InvalidPDFException) throw new PdfRejectedError('corrupt', { cause: error });
      throw new PdfRejectedError('corrupt', { cause: error });
    }
    // Encrypted with an empty user password opens without asking, but is still encrypted.
    const { info } = await doc.getMetadata();
    if (isRecord(info) && info.EncryptFilterName != null) throw new PdfRejectedError('encrypted');

    if ((await doc.hasJSActions()) || (await containsJavaScript(filePath))) throw new PdfRejectedError('javascript');
    if (doc.numPages === 0) throw new PdfRejectedError('empty');

    const pageTexts: string[] = [];
    for (let number = 1; number <= doc.numPages; number++) {
      const page = await doc.getPage(number).catch((error: unknown) => {
        throw new PdfRejectedError('corrupt', { cause: error });
      });
      if ((await page.getJSActions()) !== null) throw new PdfRejectedError('javascript');
      pageTexts.push(pageText(await page.getTextContent()));
      page.cleanup(); // 300-page documents: keep only one page's resources at a time
    }
    return { pageCount: doc.numPages, pageTexts };
  } finally {
    await task.destroy();
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
