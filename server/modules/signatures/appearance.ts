/**
 * The visible signature (Decree 30/2020, Appendix I, II.7–8): the signer's
 * handwritten-signature image centred in the slot, the organisation's seal
 * (for an organisation signature) on its left covering about a third of it,
 * and under them the signer's name and the signing time in Vietnam time, in
 * an embedded font that covers Vietnamese.
 */
import {
  PDFDocument,
  type PDFFont,
  type PDFImage,
  type PDFRef,
  degrees,
  drawImage,
  drawLinesOfText,
  popGraphicsState,
  pushGraphicsState,
  rgb,
} from 'pdf-lib';
import { embedPdfFonts } from '../../lib/pdf/pdf-fonts.ts';

export type SignatureAppearance = {
  /** Full name as printed under the signature. */
  signerName: string;
  /** PNG (transparent) or JPEG of the handwritten signature. */
  signatureImage?: Uint8Array;
  /** PNG (transparent) of the organisation's seal: makes this an organisation signature. */
  sealImage?: Uint8Array;
};

export type Rect = { x: number; y: number; width: number; height: number };

/** "05/12/2026 14:03:09 (GMT+7)": Vietnam keeps UTC+7 all year. */
export function vietnamTime(date: Date): string {
  const local = new Date(date.getTime() + 7 * 3_600_000);
  const two = (value: number) => String(value).padStart(2, '0');
  return `${two(local.getUTCDate())}/${two(local.getUTCMonth() + 1)}/${local.getUTCFullYear()} ${two(local.getUTCHours())}:${two(local.getUTCMinutes())}:${two(local.getUTCSeconds())} (GMT+7)`;
}

async function embedImage(doc: PDFDocument, bytes: Uint8Array): Promise<PDFImage> {
  const isPng = bytes[0] === 0x89 && bytes[1] === 0x50;
  return isPng ? doc.embedPng(bytes) : doc.embedJpg(bytes);
}

function fit(image: PDFImage, maxWidth: number, maxHeight: number): { width: number; height: number } {
  const scale = Math.min(maxWidth / image.width, maxHeight / image.height);
  return { width: image.width * scale, height: image.height * scale };
}

function fontSizeFor(font: PDFFont, lines: string[], width: number, preferred: number): number {
  const widest = Math.max(...lines.map((line) => font.widthOfTextAtSize(line, preferred)));
  return widest > width ? Math.max(4, (preferred * width) / widest) : preferred;
}

/** Registers the appearance as a form XObject of the slot's size and returns its reference. */
export async function buildAppearance(doc: PDFDocument, rect: Rect, appearance: SignatureAppearance, signingTime: Date): Promise<PDFRef> {
  const { regular } = await embedPdfFonts(doc);
  const lines = [`Ký bởi: ${appearance.signerName}`.normalize('NFC'), `Thời gian ký: ${vietnamTime(signingTime)}`.normalize('NFC')];
  const size = fontSizeFor(regular, lines, rect.width - 4, 8);
  const lineHeight = size * 1.2;
  const textHeight = lineHeight * lines.length + 2;
  const imageArea = { width: rect.width, height: Math.max(0, rect.height - textHeight) };

  const operators = [pushGraphicsState()];
  const xObjects: Record<string, PDFRef> = {};
  if (appearance.signatureImage) {
    const image = await embedImage(doc, appearance.signatureImage);
    const box = fit(image, imageArea.width * 0.7, imageArea.height);
    const x = (rect.width - box.width) / 2;
    xObjects.Sig = image.ref;
    operators.push(...drawImage('Sig', { x, y: textHeight, width: box.width, height: box.height, rotate: degrees(0), xSkew: degrees(0), ySkew: degrees(0) }));
    if (appearance.sealImage) {
      const seal = await embedImage(doc, appearance.sealImage);
      const sealBox = fit(seal, imageArea.width * 0.45, imageArea.height);
      // the seal covers about a third of the signature image, on its left
      const sealX = Math.max(0, x + box.width / 3 - sealBox.width);
      xObjects.Seal = seal.ref;
      operators.push(...drawImage('Seal', { x: sealX, y: textHeight, width: sealBox.width, height: sealBox.height, rotate: degrees(0), xSkew: degrees(0), ySkew: degrees(0) }));
    }
  } else if (appearance.sealImage) {
    const seal = await embedImage(doc, appearance.sealImage);
    const sealBox = fit(seal, imageArea.width, imageArea.height);
    xObjects.Seal = seal.ref;
    operators.push(...drawImage('Seal', { x: (rect.width - sealBox.width) / 2, y: textHeight, width: sealBox.width, height: sealBox.height, rotate: degrees(0), xSkew: degrees(0), ySkew: degrees(0) }));
  }
  operators.push(
    ...drawLinesOfText(lines.map((line) => regular.encodeText(line)), {
      color: rgb(0, 0, 0),
      font: 'F1',
      size,
      lineHeight,
      x: 2,
      y: textHeight - lineHeight + 1,
      rotate: degrees(0),
      xSkew: degrees(0),
      ySkew: degrees(0),
    }),
    popGraphicsState(),
  );
  const stream = doc.context.formXObject(operators, {
    BBox: [0, 0, rect.width, rect.height],
    Resources: { Font: { F1: regular.ref }, XObject: xObjects },
  });
  return doc.context.register(stream);
}
