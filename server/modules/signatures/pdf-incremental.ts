/**
 * Adds an empty signature field to a PDF as an incremental update: the
 * original bytes are kept as they are and only new and changed objects, a new
 * cross-reference section and a trailer pointing back (/Prev) are appended.
 * So an earlier signature, whose byte range covers the earlier revision,
 * stays valid. pdf-lib reads the document and builds the new objects (the
 * appearance, its font and images); this file writes only those objects.
 */
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFNumber, PDFRef, PDFString, type PDFObject } from 'pdf-lib';
import { SignatureError } from './errors.ts';

export type Placeholder = {
  /** The whole new PDF, with /Contents still all zeros. */
  bytes: Uint8Array;
  byteRange: [number, number, number, number];
  /** Where the hex digits of /Contents start and how many there are. */
  contentsHexStart: number;
  contentsHexLength: number;
};

export type FieldOptions = {
  page: number;
  rect: { x: number; y: number; width: number; height: number };
  signerName: string;
  reason?: string;
  signingTime: Date;
  /** Bytes reserved for the CMS. */
  contentsBytes: number;
  buildAppearance: (doc: PDFDocument) => Promise<PDFRef>;
};

const encoder = new TextEncoder();

function pdfDate(date: Date): string {
  const iso = date.toISOString();
  return `D:${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}

/** The offset the original file's last `startxref` points at: the new section's /Prev. */
function lastStartXref(pdf: Uint8Array): number {
  const tail = Buffer.from(pdf.subarray(Math.max(0, pdf.length - 2048))).toString('latin1');
  const match = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail);
  if (!match?.[1]) throw new SignatureError('signPdfUnsupported', { reason: 'no startxref at the end of the file' });
  return Number(match[1]);
}

function serialize(object: PDFObject): Uint8Array {
  const buffer = new Uint8Array(object.sizeInBytes());
  object.copyBytesInto(buffer, 0);
  return buffer;
}

async function load(pdf: Uint8Array): Promise<PDFDocument> {
  try {
    return await PDFDocument.load(pdf, { updateMetadata: false });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/encrypt/i.test(message)) throw new SignatureError('signPdfUnsupported', { reason: 'encrypted PDF' }, { cause: error });
    throw new SignatureError('signPdfInvalid', {}, { cause: error });
  }
}

function fieldName(doc: PDFDocument): string {
  const taken = new Set<string>();
  for (const [, object] of doc.context.enumerateIndirectObjects()) {
    if (object instanceof PDFDict && object.get(PDFName.of('FT')) === PDFName.of('Sig')) {
      const name = object.get(PDFName.of('T'));
      if (name instanceof PDFHexString || name instanceof PDFString) taken.add(name.decodeText());
    }
  }
  let index = taken.size + 1;
  while (taken.has(`Signature${index}`)) index += 1;
  return `Signature${index}`;
}

export async function addSignatureField(pdf: Uint8Array, options: FieldOptions): Promise<Placeholder> {
  const prev = lastStartXref(pdf);
  const doc = await load(pdf);
  const context = doc.context;
  const originalLargest = context.largestObjectNumber;
  const pages = doc.getPages();
  const page = pages[options.page];
  if (!page) throw new SignatureError('signPdfUnsupported', { reason: `no page ${options.page + 1}` });
  const root = context.trailerInfo.Root;
  if (!(root instanceof PDFRef)) throw new SignatureError('signPdfUnsupported', { reason: 'no document catalog' });

  const changed = new Set<PDFRef>([page.ref]);
  const name = fieldName(doc);
  const sigRef = context.nextRef();
  const appearanceRef = await options.buildAppearance(doc);
  const { x, y, width, height } = options.rect;
  const widgetRef = context.register(
    context.obj({
      Type: 'Annot',
      Subtype: 'Widget',
      FT: 'Sig',
      T: PDFHexString.fromText(name),
      V: sigRef,
      F: 132, // Print + Locked
      P: page.ref,
      Rect: [x, y, x + width, y + height],
      AP: { N: appearanceRef },
    }),
  );

  const annots = page.node.get(PDFName.of('Annots'));
  if (annots instanceof PDFRef) {
    context.lookup(annots, PDFArray).push(widgetRef);
    changed.add(annots);
  } else if (annots instanceof PDFArray) {
    annots.push(widgetRef);
  } else {
    page.node.set(PDFName.of('Annots'), context.obj([widgetRef]));
  }

  const catalog = doc.catalog;
  const acroForm = catalog.get(PDFName.of('AcroForm'));
  let form: PDFDict;
  if (acroForm instanceof PDFRef) {
    form = context.lookup(acroForm, PDFDict);
    changed.add(acroForm);
  } else if (acroForm instanceof PDFDict) {
    form = acroForm;
    changed.add(root);
  } else {
    form = context.obj({});
    catalog.set(PDFName.of('AcroForm'), form);
    changed.add(root);
  }
  const fields = form.get(PDFName.of('Fields'));
  if (fields instanceof PDFRef) {
    context.lookup(fields, PDFArray).push(widgetRef);
    changed.add(fields);
  } else if (fields instanceof PDFArray) {
    fields.push(widgetRef);
  } else {
    form.set(PDFName.of('Fields'), context.obj([widgetRef]));
  }
  form.set(PDFName.of('SigFlags'), PDFNumber.of(3)); // SignaturesExist + AppendOnly

  await doc.flush(); // writes the subset font and the images as objects

  const written: { ref: PDFRef; body: Uint8Array }[] = [];
  for (const [ref, object] of context.enumerateIndirectObjects()) {
    if (ref.objectNumber > originalLargest || changed.has(ref)) written.push({ ref, body: serialize(object) });
  }

  const hexLength = options.contentsBytes * 2;
  const byteRangePlaceholder = '/ByteRange [0 ********** ********** **********]';
  const sigHead =
    `${sigRef.objectNumber} 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached ` +
    `${byteRangePlaceholder} /Contents <`;
  const sigTail =
    `> /M (${pdfDate(options.signingTime)}) /Name ${PDFHexString.fromText(options.signerName).toString()}` +
    (options.reason ? ` /Reason ${PDFHexString.fromText(options.reason).toString()}` : '') +
    ' >>\nendobj\n';

  const chunks: Uint8Array[] = [];
  let offset = pdf.length;
  const push = (bytes: Uint8Array) => {
    chunks.push(bytes);
    offset += bytes.length;
  };
  const offsets = new Map<number, { offset: number; generation: number }>();
  if (pdf[pdf.length - 1] !== 0x0a) push(encoder.encode('\n'));

  offsets.set(sigRef.objectNumber, { offset, generation: 0 });
  const byteRangeAt = offset + sigHead.indexOf(byteRangePlaceholder);
  const contentsHexStart = offset + sigHead.length;
  push(encoder.encode(sigHead));
  push(encoder.encode('0'.repeat(hexLength)));
  push(encoder.encode(sigTail));

  for (const { ref, body } of written) {
    offsets.set(ref.objectNumber, { offset, generation: ref.generationNumber });
    push(encoder.encode(`${ref.objectNumber} ${ref.generationNumber} obj\n`));
    push(body);
    push(encoder.encode('\nendobj\n'));
  }

  const xrefOffset = offset;
  const numbers = [...offsets.keys()].sort((a, b) => a - b);
  let xref = 'xref\n';
  for (let index = 0; index < numbers.length; ) {
    let end = index;
    while (end + 1 < numbers.length && numbers[end + 1] === (numbers[end] ?? 0) + 1) end += 1;
    xref += `${numbers[index]} ${end - index + 1}\n`;
    for (let entry = index; entry <= end; entry += 1) {
      const at = offsets.get(numbers[entry] ?? -1);
      if (!at) continue;
      xref += `${String(at.offset).padStart(10, '0')} ${String(at.generation).padStart(5, '0')} n\r\n`;
    }
    index = end + 1;
  }
  const info = context.trailerInfo.Info;
  const id = context.trailerInfo.ID;
  xref +=
    `trailer\n<< /Size ${context.largestObjectNumber + 1} /Root ${root.toString()}` +
    (info ? ` /Info ${info.toString()}` : '') +
    (id ? ` /ID ${id.toString()}` : '') +
    ` /Prev ${prev} >>\nstartxref\n${xrefOffset}\n%%EOF\n`;
  push(encoder.encode(xref));

  const total = offset;
  const bytes = new Uint8Array(total);
  bytes.set(pdf, 0);
  let at = pdf.length;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  const contentsEnd = contentsHexStart + hexLength + 1; // past '>'
  const byteRange: [number, number, number, number] = [0, contentsHexStart - 1, contentsEnd, total - contentsEnd];
  const byteRangeText = `/ByteRange [${byteRange.join(' ')}]`.padEnd(byteRangePlaceholder.length, ' ');
  if (byteRangeText.length !== byteRangePlaceholder.length) throw new SignatureError('signPdfUnsupported', { reason: 'file too large' });
  bytes.set(encoder.encode(byteRangeText), byteRangeAt);
  return { bytes, byteRange, contentsHexStart, contentsHexLength: hexLength };
}
