/**
 * The page of an official document (Decree 30/2020/NĐ-CP, Appendix I): A4
 * portrait, margins top and bottom 20 mm, left 30 mm, right 15 mm, and a
 * cursor that moves down the page and starts a new one when the next piece
 * does not fit.
 */
import { PageSizes, type PDFDocument, type PDFFont, type PDFPage, rgb } from 'pdf-lib';
import { wrapText } from '../../lib/pdf/text-wrap.ts';
import type { Faces } from './fonts.ts';

export const MM = 72 / 25.4;
export const MARGIN = { top: 20 * MM, bottom: 20 * MM, left: 30 * MM, right: 15 * MM };
const [PAGE_WIDTH, PAGE_HEIGHT] = PageSizes.A4;
export const CONTENT_WIDTH = PAGE_WIDTH - MARGIN.left - MARGIN.right;
const BLACK = rgb(0, 0, 0);

/** Line height for a size: close to Word's "single" spacing for Times New Roman. */
export const lineHeight = (size: number) => size * 1.18;

export type Align = 'left' | 'center' | 'right' | 'justify';

export class PageFrame {
  readonly pages: PDFPage[] = [];
  page!: PDFPage;
  /** the top of the next line, in PDF points from the bottom */
  y = 0;

  readonly pdf: PDFDocument;
  readonly faces: Faces;

  constructor(pdf: PDFDocument, faces: Faces) {
    this.pdf = pdf;
    this.faces = faces;
    this.newPage();
  }

  get left(): number {
    return MARGIN.left;
  }
  get pageIndex(): number {
    return this.pages.length - 1;
  }
  /** room left above the bottom margin */
  get room(): number {
    return this.y - MARGIN.bottom;
  }

  newPage(): void {
    this.page = this.pdf.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
    this.pages.push(this.page);
    this.y = PAGE_HEIGHT - MARGIN.top;
  }

  /** Starts a new page unless `height` points still fit on this one. */
  ensure(height: number): void {
    if (this.room < height) this.newPage();
  }

  /** One line of text in a box [x, x + width], its top at `top`. Justify spreads the words to both edges. */
  drawLine(text: string, x: number, top: number, width: number, font: PDFFont, size: number, align: Align): void {
    const baseline = top - size * 0.92;
    if (align === 'justify') {
      const words = text.split(' ').filter((w) => w !== '');
      if (words.length > 1) {
        const wordsWidth = words.reduce((sum, w) => sum + font.widthOfTextAtSize(w, size), 0);
        const gap = (width - wordsWidth) / (words.length - 1);
        let cursor = x;
        for (const word of words) {
          this.page.drawText(word, { x: cursor, y: baseline, size, font, color: BLACK });
          cursor += font.widthOfTextAtSize(word, size) + gap;
        }
        return;
      }
      align = 'left';
    }
    const textWidth = font.widthOfTextAtSize(text, size);
    const offset = align === 'center' ? (width - textWidth) / 2 : align === 'right' ? width - textWidth : 0;
    this.page.drawText(text, { x: x + offset, y: baseline, size, font, color: BLACK });
  }

  rule(x: number, y: number, width: number, thickness = 0.6): void {
    this.page.drawLine({ start: { x, y }, end: { x: x + width, y }, thickness, color: BLACK });
  }

  rectangle(x: number, y: number, width: number, height: number): void {
    this.page.drawRectangle({ x, y, width, height, borderColor: BLACK, borderWidth: 0.5 });
  }

  /**
   * A run of text wrapped into [x, x + width], flowing over pages: justified
   * lines except each hard line's last; `indent` on each hard line's first
   * line, `hanging` added to the lines after it.
   */
  flow(text: string, options: { x?: number; width?: number; font: PDFFont; size: number; align: Align; indent?: number; hanging?: number }): void {
    const x = options.x ?? this.left;
    const width = options.width ?? CONTENT_WIDTH;
    const indent = options.indent ?? 0;
    const hanging = options.hanging ?? 0;
    const step = lineHeight(options.size);
    for (const hardLine of text.split('\n')) {
      const lines = wrapLines(hardLine, options.font, options.size, width, indent, hanging);
      lines.forEach((line, i) => {
        this.ensure(step);
        const shift = i === 0 ? indent : hanging;
        const last = i === lines.length - 1;
        this.drawLine(line, x + shift, this.y, width - shift, options.font, options.size, options.align === 'justify' && last ? 'left' : options.align);
        this.y -= step;
      });
    }
  }
}

/** Wraps one hard line: the first line narrower by `indent`, the others by `hanging`. */
export function wrapLines(text: string, font: PDFFont, size: number, width: number, indent = 0, hanging = 0): string[] {
  const first = wrapText(text, font, size, width - hanging, indent - hanging);
  return first.length === 0 ? [''] : first;
}
