/**
 * The document with one reader's own notes drawn on it (pdf-lib): ink as
 * strokes, highlights as translucent boxes, notes as a marker with their
 * text. Page coordinates are fractions from the top-left; PDF's origin is the
 * bottom-left.
 */
import { PDFDocument, rgb, type PDFPage } from 'pdf-lib';
import type { AnnotationDto } from '../../contract/annotations.ts';
import { embedPdfFonts } from './pdf-fonts.ts';
import { wrapText } from './text-wrap.ts';

function color(hex: string) {
  const n = Number.parseInt(hex.slice(1), 16);
  return rgb(((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255);
}

export async function drawAnnotations(input: Uint8Array, notes: AnnotationDto[]): Promise<Uint8Array> {
  const doc = await PDFDocument.load(input);
  const fonts = await embedPdfFonts(doc);
  const pages = doc.getPages();
  for (const note of notes) {
    if (note.page === null || note.deleted) continue;
    const page = pages[note.page - 1];
    if (page === undefined) continue;
    draw(page, note, fonts.regular);
  }
  return doc.save();
}

function draw(page: PDFPage, note: AnnotationDto, font: Awaited<ReturnType<typeof embedPdfFonts>>['regular']): void {
  const { width, height } = page.getSize();
  const at = (x: number, y: number) => ({ x: x * width, y: height - y * height });
  if (note.kind === 'ink' && 'points' in note.data) {
    const stroke = note.data;
    const thickness = stroke.width * width;
    const opacity = stroke.tool === 'highlighter' ? 0.35 : 1;
    for (let i = 1; i < stroke.points.length; i += 1) {
      const [x0, y0] = stroke.points[i - 1] as number[];
      const [x1, y1] = stroke.points[i] as number[];
      page.drawLine({ start: at(x0!, y0!), end: at(x1!, y1!), thickness, color: color(stroke.color), opacity, lineCap: 1 });
    }
  } else if (note.kind === 'highlight' && 'rects' in note.data) {
    for (const rect of note.data.rects) {
      const [x, y, w, h] = rect as [number, number, number, number];
      page.drawRectangle({ ...at(x, y + h), width: w * width, height: h * height, color: color(note.data.color), opacity: 0.35 });
    }
  } else if (note.kind === 'note' && 'text' in note.data) {
    const origin = at(note.data.x, note.data.y);
    const boxWidth = Math.min(200, width - origin.x - 4);
    const lines = wrapText(note.data.text, font, 9, Math.max(60, boxWidth - 8)).slice(0, 12);
    const boxHeight = lines.length * 11 + 8;
    page.drawRectangle({ x: origin.x, y: origin.y - boxHeight, width: boxWidth, height: boxHeight, color: color(note.data.color ?? '#fff3b0'), opacity: 0.9, borderColor: rgb(0.6, 0.5, 0.1), borderWidth: 0.5 });
    lines.forEach((line, i) => page.drawText(line, { x: origin.x + 4, y: origin.y - 12 - i * 11, size: 9, font, color: rgb(0.1, 0.1, 0.1) }));
  }
}
