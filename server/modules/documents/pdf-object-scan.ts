/**
 * Walks every object of a PDF, as pdf-lib parses it, for what an uploaded
 * meeting document must not carry. pdf-lib unpacks object streams whatever
 * their filter chain (Flate behind ASCIIHex or ASCII85, LZW …), so a script
 * behind a link action packed in such a stream is seen here even though the
 * raw-byte scan cannot see it. The inflated sizes have been bounded before
 * (pdf-inflate-scan.ts), so unpacking cannot blow up.
 *
 * Refused, not stripped: JavaScript, Launch (starts a program) and GoToE
 * actions, embedded files and XFA forms. Stripping would change the bytes the
 * secretariat uploaded (and signed), and could silently drop what the author
 * meant to be read (an XFA form's content lives only in its XFA); the uploader
 * gets a message naming the cause and can print the file to a plain PDF.
 * Also refused: more pages, larger pages or larger images than the caps.
 */
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFNumber, PDFRawStream, PDFRef, PDFStream, type PDFObject } from 'pdf-lib';
import type { PdfLimits } from './pdf-limits.ts';

export type ObjectVerdict = 'ok' | 'javascript' | 'launch' | 'embedded-file' | 'xfa' | 'too-many-pages' | 'page-too-large' | 'image-too-large' | 'too-complex';

const SCRIPT_ACTIONS = new Set(['JavaScript']);
const LAUNCH_ACTIONS = new Set(['Launch', 'GoToE', 'ImportData']);

export async function scanObjects(bytes: Uint8Array, limits: Pick<PdfLimits, 'maxPages' | 'maxPagePoints' | 'maxImagePixels'>): Promise<ObjectVerdict> {
  const doc = await PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false, throwOnInvalidObject: false });
  const { context } = doc;
  const number = (value: PDFObject | undefined): number | undefined => {
    const resolved = value instanceof PDFRef ? context.lookup(value) : value;
    return resolved instanceof PDFNumber ? resolved.asNumber() : undefined;
  };

  const visit = (object: PDFObject | undefined, depth: number): ObjectVerdict => {
    // No real document nests direct objects this deep; what lies below could not be checked.
    if (depth > 200) return 'too-complex';
    if (object instanceof PDFStream) return visit(object.dict, depth);
    if (object instanceof PDFArray) {
      for (const item of object.asArray()) {
        const verdict = visit(item, depth + 1);
        if (verdict !== 'ok') return verdict;
      }
      return 'ok';
    }
    if (!(object instanceof PDFDict)) return 'ok';
    const name = (key: string) => {
      const value = object.get(PDFName.of(key));
      return value instanceof PDFName ? value.decodeText() : undefined;
    };
    const action = name('S');
    if ((action !== undefined && SCRIPT_ACTIONS.has(action)) || object.has(PDFName.of('JS'))) return 'javascript';
    if (action !== undefined && LAUNCH_ACTIONS.has(action)) return 'launch';
    if (object.has(PDFName.of('EmbeddedFiles')) || object.has(PDFName.of('EF')) || name('Type') === 'EmbeddedFile' || name('Subtype') === 'FileAttachment') return 'embedded-file';
    if (object.has(PDFName.of('XFA'))) return 'xfa';
    if (name('Subtype') === 'Image') {
      const width = number(object.get(PDFName.of('Width'))) ?? 0;
      const height = number(object.get(PDFName.of('Height'))) ?? 0;
      if (width * height > limits.maxImagePixels) return 'image-too-large';
    }
    for (const [, value] of object.entries()) {
      const verdict = visit(value, depth + 1);
      if (verdict !== 'ok') return verdict;
    }
    return 'ok';
  };

  for (const [, object] of context.enumerateIndirectObjects()) {
    // Content streams are not parsed here (their operators cannot name actions); their dictionaries are.
    const verdict = visit(object instanceof PDFRawStream ? object.dict : object, 0);
    if (verdict !== 'ok') return verdict;
  }
  if (doc.getPageCount() > limits.maxPages) return 'too-many-pages';
  for (const page of doc.getPages()) {
    const unit = number(page.node.get(PDFName.of('UserUnit'))) ?? 1;
    const { width, height } = page.getMediaBox();
    if (Math.max(Math.abs(width), Math.abs(height)) * unit > limits.maxPagePoints) return 'page-too-large';
  }
  return 'ok';
}
