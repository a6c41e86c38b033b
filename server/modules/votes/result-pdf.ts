/**
 * The result sheet of a poll as an A4 PDF, ready to be attached to the
 * minutes: who, when, what was voted on, by which rule, the count per option
 * or candidate, turnout and ballots, where the figures come from, the poll's
 * history, and signature lines for the chair and the secretary.
 */
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import type { PollDto, PollResult } from '../../contract/votes.ts';
import { embedPdfFonts } from '../../lib/pdf/pdf-fonts.ts';
import { wrapText } from '../../lib/pdf/text-wrap.ts';
import { actionText, baseText, dateText, dateTimeText, electionLines, optionVerdict, percentText, sourceLines, thresholdText } from './sheet-text.ts';

export type SheetMeeting = { title: string; unitName: string; startsAt: Date; location: string | null };

const MM = 72 / 25.4;
const A4: [number, number] = [210 * MM, 297 * MM];
const LEFT = 30 * MM; // binding side wider, as for official documents
const RIGHT = 20 * MM;
const TOP = 20 * MM;
const BOTTOM = 20 * MM;
const WIDTH = A4[0] - LEFT - RIGHT;
const INK = rgb(0.1, 0.1, 0.1);
const GREY = rgb(0.55, 0.55, 0.55);

type Fonts = { regular: PDFFont; bold: PDFFont };

/** A pen that moves down the page and starts a new one when the bottom margin is reached. */
class Sheet {
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

const nfc = (text: string) => text.normalize('NFC').replace(/\s+/g, ' ').trim();

function ballotsRows(result: PollResult): [string, string][] {
  return [
    ['Số phiếu phát ra', String(result.ballotsIssued)],
    ['Số phiếu thu về', String(result.ballotsReturned)],
    ['Số phiếu hợp lệ', String(result.ballotsValid)],
    ['Số phiếu không hợp lệ', String(result.ballotsInvalid)],
  ];
}

export async function resultPdf(poll: PollDto, meeting: SheetMeeting, result: PollResult): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const fonts = await embedPdfFonts(doc);
  const title = poll.kind === 'election' ? 'BIÊN BẢN KẾT QUẢ BẦU CỬ' : 'BIÊN BẢN KẾT QUẢ BIỂU QUYẾT';
  doc.setTitle(`${title.normalize('NFC')}: ${nfc(poll.title)}`);
  doc.setLanguage('vi-VN');
  doc.setCreator('Phòng Họp Số');
  const sheet = new Sheet(doc, fonts);

  sheet.centred(meeting.unitName.toLocaleUpperCase('vi-VN'), 12, true);
  sheet.space(10);
  sheet.centred(title, 15, true);
  sheet.centred(meeting.title, 12);
  sheet.centred(`Ngày ${dateText(meeting.startsAt)}${meeting.location ? ` — ${meeting.location}` : ''}`, 11);
  sheet.space(12);

  sheet.field(poll.kind === 'election' ? 'Nội dung bầu cử' : 'Nội dung biểu quyết', poll.title);
  const seats = result.election?.seats ?? poll.seats;
  const perBallot = `mỗi phiếu chọn tối đa ${poll.maxChoices ?? poll.candidates.length} người`;
  sheet.field('Loại', poll.kind === 'election' ? `Bầu cử (${seats === null ? '' : `bầu ${seats} người; `}${perBallot})` : 'Biểu quyết thông qua');
  sheet.field('Hình thức', poll.secret ? 'Bỏ phiếu kín' : 'Biểu quyết công khai');
  sheet.field('Điều kiện thông qua', `${thresholdText(poll)} (${baseText(result)}; số phiếu cần đạt: ${result.required})`);
  sheet.field('Nguồn số liệu', result.source === 'paper' ? 'Phiếu giấy (thư ký nhập)' : 'Điện tử');
  for (const line of sourceLines(result).slice(1)) sheet.paragraph(line, 10.5);

  sheet.heading(poll.kind === 'election' ? 'Kết quả theo ứng viên' : 'Kết quả theo phương án');
  sheet.table(
    [poll.kind === 'election' ? 'Ứng viên' : 'Phương án', 'Số phiếu', `Tỷ lệ (/${result.base})`, 'Kết quả'],
    result.options.map((o) => [o.label, String(o.votes), percentText(o.percent), optionVerdict(poll.kind, o.passed, o.tied)]),
    [0.46, 0.16, 0.18, 0.2],
    [false, true, true, false],
  );

  sheet.heading('Tham gia');
  sheet.field('Số người được biểu quyết', String(result.eligible));
  sheet.field('Tỷ lệ tham gia', percentText(result.turnoutPercent));
  for (const [label, value] of ballotsRows(result)) sheet.field(label, value);

  if (result.passed !== null) {
    sheet.space(6);
    sheet.field('Kết luận', result.passed ? 'THÔNG QUA' : 'KHÔNG THÔNG QUA', 12);
  } else {
    const elected = result.options.filter((o) => o.passed === true).map((o) => o.label);
    sheet.space(6);
    sheet.field('Kết luận', elected.length === 0 ? 'Không có ứng viên trúng cử' : `Trúng cử: ${elected.join('; ')}`, 12);
    for (const line of electionLines(result)) sheet.paragraph(line, 11);
  }

  sheet.heading('Diễn biến');
  if (poll.history.length === 0) sheet.paragraph('Không có ghi nhận.');
  for (const entry of poll.history) {
    const reason = entry.reason === null ? '' : ` — lý do: ${entry.reason}`;
    sheet.paragraph(`${dateTimeText(entry.at)}: ${actionText(entry.action)} (${entry.byName})${reason}`, 10.5);
  }

  sheet.signatures('THƯ KÝ', 'CHỦ TRÌ');
  sheet.numberPages(doc);
  return doc.save();
}
