/**
 * An A4 sheet drawn top to bottom with pdf-lib (the poll result sheet, the
 * attendance report): centred titles, "label: value" fields, headings,
 * paragraphs, ruled tables, two signature blocks and page numbers. Text is
 * wrapped to the width and a new page starts at the bottom margin. The fonts
 * come from pdf-fonts.ts (a Times-metric face that covers Vietnamese).
 */
import { rgb, type PDFDocument, type PDFFont, type PDFPage } from 'pdf-lib';
import { wrapText } from './text-wrap.ts';

const MM = 72 / 25.4;
const A4: [number, number] = [210 * MM, 297 * MM];
const LEFT = 30 * MM; // binding side wider, as for official documents
const RIGHT = 20 * MM;
const TOP = 20 * MM;
const BOTTOM = 20 * MM;
const WIDTH = A4[0] - LEFT - RIGHT;
const INK = rgb(0.1, 0.1, 0.1);
const GREY = rgb(0.55, 0.55, 0.55);

export type Fonts = { regular: PDFFont; bold: PDFFont };

/** A pen that moves down the page and starts a new one when the bottom margin is reached. */
export class Sheet {
  readonly #doc: PDFDocument;
  readonly fonts: Fonts;
  page: PDFPage;
  y = A4[1] - TOP;

  constructor(doc: PDFDocument, fonts: Fonts) {
    this.#doc = doc;
    this.fonts = fonts;
    this.page = doc.addPage(A4);
  }

  ensure(height: number): void {
    if (this.y - height >= BOTTOM) return;
    this.page = this.#doc.addPage(A4);
    this.y = A4[1] - TOP;
  }

  space(points: number): void {
    this.y -= points;
  }

  centred(text: string, size: number, bold = false): void {
    const font = bold ? this.fonts.bold : this.fonts.regular;
    for (const line of wrapText(nfc(text), font, size, WIDTH)) {
      this.ensure(size * 1.4);
      this.y -= size * 1.4;
      this.page.drawText(line, { x: LEFT + (WIDTH - font.widthOfTextAtSize(line, size)) / 2, y: this.y, size, font, color: INK });
    }
  }

  /** "Label: value", the value wrapped under itself. */
  field(label: string, value: string, size = 11): void {
    const labelText = `${nfc(label)}: `;
    const indent = this.fonts.bold.widthOfTextAtSize(labelText, size);
    const lines = wrapText(nfc(value), this.fonts.regular, size, WIDTH - indent);
    lines.forEach((line, i) => {
      this.ensure(size * 1.45);
      this.y -= size * 1.45;
      if (i === 0) this.page.drawText(labelText, { x: LEFT, y: this.y, size, font: this.fonts.bold, color: INK });
      this.page.drawText(line, { x: LEFT + indent, y: this.y, size, font: this.fonts.regular, color: INK });
    });
  }

  heading(text: string): void {
    this.space(8);
    this.ensure(30);
    this.y -= 15;
    this.page.drawText(nfc(text), { x: LEFT, y: this.y, size: 12, font: this.fonts.bold, color: INK });
    this.space(4);
  }

  paragraph(text: string, size = 11): void {
    for (const line of wrapText(nfc(text), this.fonts.regular, size, WIDTH)) {
      this.ensure(size * 1.45);
      this.y -= size * 1.45;
      this.page.drawText(line, { x: LEFT, y: this.y, size, font: this.fonts.regular, color: INK });
    }
  }

  /** A ruled table; `widths` are fractions of the text width; numbers right-aligned where `right` is set. */
  table(header: string[], rows: string[][], widths: number[], right: boolean[]): void {
    const size = 10.5;
    const pad = 4;
    const columns = widths.map((w) => w * WIDTH);
    const drawRow = (cells: string[], font: PDFFont) => {
      const wrapped = cells.map((cell, i) => wrapText(nfc(cell), font, size, columns[i]! - 2 * pad));
      const height = Math.max(...wrapped.map((lines) => Math.max(1, lines.length))) * size * 1.35 + 2 * pad;
      this.ensure(height);
      const top = this.y;
      let x = LEFT;
      wrapped.forEach((lines, i) => {
        lines.forEach((line, j) => {
          const lineWidth = font.widthOfTextAtSize(line, size);
          const lx = right[i] ? x + columns[i]! - pad - lineWidth : x + pad;
          this.page.drawText(line, { x: lx, y: top - pad - (j + 1) * size * 1.35 + 3, size, font, color: INK });
        });
        this.page.drawRectangle({ x, y: top - height, width: columns[i]!, height, borderColor: GREY, borderWidth: 0.6 });
        x += columns[i]!;
      });
      this.y = top - height;
    };
    drawRow(header, this.fonts.bold);
    for (const row of rows) drawRow(row, this.fonts.regular);
  }

  /** Two signature blocks side by side, kept together on one page. */
  signatures(left: string, right: string): void {
    this.space(20);
    this.ensure(110);
    const half = WIDTH / 2;
    const block = (title: string, x: number) => {
      const hint = '(Ký, ghi rõ họ tên)';
      this.page.drawText(title, { x: x + (half - this.fonts.bold.widthOfTextAtSize(title, 12)) / 2, y: this.y - 14, size: 12, font: this.fonts.bold, color: INK });
      this.page.drawText(hint, { x: x + (half - this.fonts.regular.widthOfTextAtSize(hint, 10)) / 2, y: this.y - 29, size: 10, font: this.fonts.regular, color: GREY });
    };
    block(nfc(left), LEFT);
    block(nfc(right), LEFT + half);
    this.y -= 110;
  }

  numberPages(doc: PDFDocument): void {
    const pages = doc.getPages();
    pages.forEach((page, i) => {
      const text = `Trang ${i + 1}/${pages.length}`;
      page.drawText(text, { x: A4[0] - RIGHT - this.fonts.regular.widthOfTextAtSize(text, 9), y: BOTTOM / 2, size: 9, font: this.fonts.regular, color: GREY });
    });
  }
}

/** One normal form and single spaces: what pdf-lib draws and what pdftotext gives back. */
export const nfc = (text: string) => text.normalize('NFC').replace(/\s+/g, ' ').trim();
