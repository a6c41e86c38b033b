/**
 * Typesets plain text as an A4 PDF: an optional issuing-body header, a title
 * block, wrapped paragraphs and "Trang N/M" page numbers. Used to make
 * realistic demo and test documents from Vietnamese texts, so it embeds a
 * font with the full Vietnamese alphabet. A paragraph that is exactly "\f"
 * (form feed, as in plain-text files) starts a new page.
 */
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { embedPdfFonts } from '../../lib/pdf/pdf-fonts.ts';
import { wrapText } from '../../lib/pdf/text-wrap.ts';

export type TextDocument = { title: string; subtitle?: string; header?: string; paragraphs: string[] };

const MM = 72 / 25.4;
const A4: [number, number] = [210 * MM, 297 * MM];
// Margins after the Vietnamese rules for official documents: wider on the binding side.
const LEFT = 30 * MM;
const RIGHT = 20 * MM;
const TOP = 20 * MM;
const BOTTOM = 22 * MM;
const BODY_SIZE = 12;
const LEADING = 17;
const PARAGRAPH_GAP = 6;
const INDENT = 10 * MM;
const INK = rgb(0.1, 0.1, 0.1);
export const PAGE_BREAK = '\f';

export async function renderTextPdf(input: TextDocument): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const fonts = await embedPdfFonts(doc);
  const title = clean(input.title);
  doc.setTitle(title);
  doc.setLanguage('vi-VN');
  doc.setCreator('Phòng Họp Số');

  const writer = new PageWriter(doc, fonts.regular);
  if (input.header !== undefined && clean(input.header) !== '') {
    writer.centred(clean(input.header), fonts.bold, 12, 16);
    writer.rule(40);
    writer.space(14);
  }
  writer.centred(title, fonts.bold, 15, 20);
  if (input.subtitle !== undefined && clean(input.subtitle) !== '') writer.centred(clean(input.subtitle), fonts.regular, 12, 17);
  writer.space(16);
  for (const paragraph of input.paragraphs) {
    if (paragraph === PAGE_BREAK) {
      writer.newPage();
      continue;
    }
    const text = clean(paragraph);
    if (text !== '') writer.paragraph(text);
  }
  writer.numberPages(fonts.regular);
  return doc.save();
}

/** NFC (pdf-lib cannot place combining accents), tabs and odd spaces made plain. */
function clean(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/[^\S\n]+/gu, ' ')
    .replace(/(?!\n)\p{Cc}/gu, '')
    .trim();
}

/** Keeps the pen position and starts new pages as text flows past the bottom margin. */
class PageWriter {
  readonly #doc: PDFDocument;
  readonly #body: PDFFont;
  readonly #width = A4[0] - LEFT - RIGHT;
  #page: PDFPage;
  #y = A4[1] - TOP;

  constructor(doc: PDFDocument, body: PDFFont) {
    this.#doc = doc;
    this.#body = body;
    this.#page = doc.addPage(A4);
  }

  newPage(): void {
    this.#page = this.#doc.addPage(A4);
    this.#y = A4[1] - TOP;
  }

  space(points: number): void {
    this.#y -= points;
  }

  centred(text: string, font: PDFFont, size: number, leading: number): void {
    for (const line of wrapText(text, font, size, this.#width)) {
      this.#room(leading);
      const x = LEFT + (this.#width - font.widthOfTextAtSize(line, size)) / 2;
      this.#page.drawText(line, { x, y: this.#y, size, font, color: INK });
    }
  }

  /** A short centred rule under the line just drawn, as under an issuing body's name. */
  rule(length: number): void {
    const y = this.#y - 5;
    const middle = LEFT + this.#width / 2;
    this.#page.drawLine({ start: { x: middle - length / 2, y }, end: { x: middle + length / 2, y }, thickness: 0.6, color: INK });
  }

  paragraph(text: string): void {
    wrapText(text, this.#body, BODY_SIZE, this.#width, INDENT).forEach((line, index) => {
      this.#room(LEADING);
      const x = LEFT + (index === 0 ? INDENT : 0);
      this.#page.drawText(line, { x, y: this.#y, size: BODY_SIZE, font: this.#body, color: INK });
    });
    this.#y -= PARAGRAPH_GAP;
  }

  /** Moves the pen down one line, to the next page if the line would cross the bottom margin. */
  #room(leading: number): void {
    if (this.#y - leading < BOTTOM) this.newPage();
    this.#y -= leading;
  }

  numberPages(font: PDFFont): void {
    const pages = this.#doc.getPages();
    pages.forEach((page, index) => {
      const label = `Trang ${index + 1}/${pages.length}`;
      const size = 9;
      const x = (A4[0] - font.widthOfTextAtSize(label, size)) / 2;
      page.drawText(label, { x, y: BOTTOM / 2, size, font, color: rgb(0.35, 0.35, 0.35) });
    });
  }
}
