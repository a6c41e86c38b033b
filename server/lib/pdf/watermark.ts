/**
 * Stamps a confidential document for the person printing or exporting it: a
 * large, light, diagonal watermark (name, time) across every page and a small
 * footer line, so a leaked copy shows who it came from. The stamp is drawn as
 * real text (searchable, not an image), over the page content.
 */
import { degrees, PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { embedPdfFonts } from './pdf-fonts.ts';

const GREY = rgb(0.45, 0.45, 0.45);
const WATERMARK_OPACITY = 0.22;
const FOOTER_OPACITY = 0.75;
const FOOTER_SIZE = 7;
const MARGIN = 18;

/** The stamp of a reader's copy: who they are, their unit and when (Vietnam's time), one line each. */
export function readerStamp(fullName: string, unitName: string | null, now = new Date()): string[] {
  return [fullName, ...(unitName === null ? [] : [unitName]), stampTime(now)];
}

/** The time on a stamp, in Vietnam's time zone. */
export function stampTime(now = new Date()): string {
  return now.toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' });
}

export async function stampWatermark(input: Uint8Array, lines: string[]): Promise<Uint8Array> {
  const text = lines.map((line) => line.normalize('NFC').trim()).filter((line) => line !== '');
  const doc = await PDFDocument.load(input, { updateMetadata: false });
  if (text.length === 0) return doc.save();
  const { regular, bold } = await embedPdfFonts(doc);
  for (const page of doc.getPages()) {
    const frame = visualFrame(page);
    drawDiagonal(page, frame, text, bold);
    drawFooter(page, frame, text.join(' · '), regular);
  }
  return doc.save();
}

/**
 * The page as the reader sees it: pages may be rotated (/Rotate) and cropped,
 * so positions and angles are worked out in the visible frame (origin bottom
 * left, width × height as displayed) and mapped back to the page's own space.
 */
type Frame = { width: number; height: number; rotation: number; toPage(u: number, v: number): { x: number; y: number } };

function visualFrame(page: PDFPage): Frame {
  const box = page.getCropBox();
  const rotation = ((page.getRotation().angle % 360) + 360) % 360;
  const { x, y, width: w, height: h } = box;
  switch (rotation) {
    case 90:
      return { width: h, height: w, rotation, toPage: (u, v) => ({ x: x + w - v, y: y + u }) };
    case 180:
      return { width: w, height: h, rotation, toPage: (u, v) => ({ x: x + w - u, y: y + h - v }) };
    case 270:
      return { width: h, height: w, rotation, toPage: (u, v) => ({ x: x + v, y: y + h - u }) };
    default:
      return { width: w, height: h, rotation: 0, toPage: (u, v) => ({ x: x + u, y: y + v }) };
  }
}

function drawDiagonal(page: PDFPage, frame: Frame, lines: string[], font: PDFFont): void {
  const angle = Math.atan2(frame.height, frame.width);
  const diagonal = Math.hypot(frame.width, frame.height);
  const widest = Math.max(...lines.map((line) => font.widthOfTextAtSize(line, 1)));
  // As large as fits along 70% of the diagonal, within readable bounds.
  const size = Math.max(12, Math.min(54, (diagonal * 0.7) / widest));
  const lineHeight = size * 1.3;
  const along = { x: Math.cos(angle), y: Math.sin(angle) };
  const up = { x: -along.y, y: along.x };
  lines.forEach((line, index) => {
    const width = font.widthOfTextAtSize(line, size);
    // Centre each line on the page centre, stacking the lines across the diagonal;
    // the baseline sits a third of the size below the line's visual middle.
    const shift = ((lines.length - 1) / 2 - index) * lineHeight - size / 3;
    const u = frame.width / 2 - along.x * (width / 2) + up.x * shift;
    const v = frame.height / 2 - along.y * (width / 2) + up.y * shift;
    page.drawText(line, {
      ...frame.toPage(u, v),
      size,
      font,
      color: GREY,
      opacity: WATERMARK_OPACITY,
      rotate: degrees((angle * 180) / Math.PI + frame.rotation),
    });
  });
}

function drawFooter(page: PDFPage, frame: Frame, text: string, font: PDFFont): void {
  let line = text;
  const room = frame.width - 2 * MARGIN;
  while (line.length > 1 && font.widthOfTextAtSize(line, FOOTER_SIZE) > room) line = line.slice(0, -2) + '…';
  page.drawText(line, {
    ...frame.toPage(MARGIN, MARGIN / 2 + 2),
    size: FOOTER_SIZE,
    font,
    color: GREY,
    opacity: FOOTER_OPACITY,
    rotate: degrees(frame.rotation),
  });
}
