/**
 * An OfficialDocument as a PDF laid out by Decree 30/2020/NĐ-CP (state
 * bodies) or Guide 36-HD/VPTW (Party bodies): header block, number and date,
 * type and title, body, signature blocks, recipients, page numbers from page
 * 2. Saved with a classic cross-reference table (no object streams) so a
 * signature can be appended as an incremental update.
 */
import { PDFDocument, type PDFFont } from 'pdf-lib';
import type { DocumentBlock, OfficialDocument, SignatureBlock, SignatureSlot } from '../../contract/official-documents.ts';
import { embedFaces } from './fonts.ts';
import { numberLine, placeAndDate } from './numbering.ts';
import { CONTENT_WIDTH, lineHeight, MARGIN, MM, PageFrame, wrapLines } from './page-frame.ts';
import { drawTable } from './pdf-table.ts';

const BODY = 14;
const INDENT = 10 * MM; // first line of a paragraph: 1 cm
const PARAGRAPH_GAP = 6;
/** the height left for a signature's visible appearance (image, seal, signer and time) */
export const SIGNATURE_SPACE = 80;

export const NATIONAL_TITLE = 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM';
export const MOTTO = 'Độc lập - Tự do - Hạnh phúc';
export const PARTY_TITLE = 'ĐẢNG CỘNG SẢN VIỆT NAM';

export type RenderedPdf = { pdf: Uint8Array; signatureSlots: SignatureSlot[] };

export async function renderPdf(doc: OfficialDocument): Promise<RenderedPdf> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(`${doc.typeName} ${doc.title}`.trim());
  pdf.setAuthor(doc.issuer);
  pdf.setLanguage('vi-VN');
  pdf.setProducer('Phòng Họp Số');
  const faces = await embedFaces(pdf, [JSON.stringify(doc), NATIONAL_TITLE, MOTTO, PARTY_TITLE, numberLine(doc), placeAndDate(doc.place, doc.date), 'Nơi nhận:'].join(''));
  const frame = new PageFrame(pdf, faces);

  drawHeader(frame, doc);
  drawTitle(frame, doc);
  for (const block of doc.blocks) drawBlock(frame, block);
  const signatureSlots = drawClosing(frame, doc);
  numberPages(frame);

  return { pdf: await pdf.save({ useObjectStreams: false }), signatureSlots };
}

type Line = { text: string; font: PDFFont; size: number; underline?: 'full' | 'third' };

/** Lines centred in a column, wrapped to its width; returns the y under the last one. */
function column(frame: PageFrame, x: number, width: number, top: number, lines: Line[]): number {
  let y = top;
  for (const line of lines) {
    for (const text of wrapLines(line.text, line.font, line.size, width)) {
      frame.drawLine(text, x, y, width, line.font, line.size, 'center');
      y -= lineHeight(line.size);
      if (line.underline !== undefined) {
        const textWidth = line.font.widthOfTextAtSize(text, line.size);
        const ruleWidth = line.underline === 'full' ? textWidth : textWidth / 3;
        frame.rule(x + (width - ruleWidth) / 2, y - 3, ruleWidth);
        y -= 7;
      }
    }
  }
  return y;
}

function drawHeader(frame: PageFrame, doc: OfficialDocument): void {
  const { regular, bold, italic } = frame.faces;
  const party = doc.issuerKind === 'party';
  const rightTitle: Line[] = party
    ? [{ text: PARTY_TITLE, font: bold, size: 15, underline: 'full' }]
    : [
        { text: NATIONAL_TITLE, font: bold, size: 12 },
        { text: MOTTO, font: bold, size: 13, underline: 'full' },
      ];
  // The right column is as wide as the national title needs; the issuer wraps in what is left.
  const rightWidth = Math.max(bold.widthOfTextAtSize(rightTitle[0]!.text, rightTitle[0]!.size) + 12, CONTENT_WIDTH * 0.56);
  const leftWidth = CONTENT_WIDTH - rightWidth;
  const leftX = frame.left;
  const rightX = leftX + leftWidth;

  const issuerLines: Line[] = [];
  if (doc.parentIssuer.trim() !== '') issuerLines.push({ text: doc.parentIssuer.toLocaleUpperCase('vi'), font: regular, size: 13 });
  issuerLines.push({ text: doc.issuer.toLocaleUpperCase('vi'), font: bold, size: 13, underline: party ? undefined : 'third' });
  if (party) issuerLines.push({ text: '*', font: bold, size: 13 });

  const top = frame.y;
  const leftBottom = column(frame, leftX, leftWidth, top, issuerLines);
  const rightBottom = column(frame, rightX, rightWidth, top, rightTitle);
  const row = Math.min(leftBottom, rightBottom) - 6;
  const numberBottom = column(frame, leftX, leftWidth, row, [{ text: numberLine(doc), font: regular, size: 13 }]);
  const dateText = placeAndDate(doc.place, doc.date);
  const dateSize = italic.widthOfTextAtSize(dateText, 14) <= rightWidth ? 14 : 13;
  const dateBottom = column(frame, rightX, rightWidth, row, [{ text: dateText, font: italic, size: dateSize }]);
  frame.y = Math.min(numberBottom, dateBottom);
}

function drawTitle(frame: PageFrame, doc: OfficialDocument): void {
  const { bold } = frame.faces;
  frame.y -= 18;
  const width = CONTENT_WIDTH * 0.9;
  const x = frame.left + (CONTENT_WIDTH - width) / 2;
  const lines: Line[] = [{ text: doc.typeName.toLocaleUpperCase('vi'), font: bold, size: 14 }];
  if (doc.title.trim() !== '') lines.push({ text: doc.title, font: bold, size: 14 });
  frame.y = column(frame, x, width, frame.y, lines);
  const titleLines = wrapLines(doc.title.trim() === '' ? doc.typeName : doc.title, bold, 14, width);
  const longest = Math.max(...titleLines.map((l) => bold.widthOfTextAtSize(l, 14)));
  const ruleWidth = Math.max(longest / 3, 40);
  // a short rule under the summary, clear of its descenders
  frame.rule(frame.left + (CONTENT_WIDTH - ruleWidth) / 2, frame.y - 4, ruleWidth);
  frame.y -= 22;
}

function drawBlock(frame: PageFrame, block: DocumentBlock): void {
  const { regular, bold } = frame.faces;
  switch (block.kind) {
    case 'heading':
      frame.y -= PARAGRAPH_GAP;
      // keep a heading with the first lines under it
      frame.ensure(lineHeight(BODY) * 3);
      frame.flow(block.text, { font: bold, size: BODY, align: 'left', indent: INDENT });
      frame.y -= PARAGRAPH_GAP;
      return;
    case 'paragraph':
      frame.flow(block.text, { font: regular, size: BODY, align: 'justify', indent: INDENT });
      frame.y -= PARAGRAPH_GAP;
      return;
    case 'list':
      for (const item of block.items) {
        frame.flow(`- ${item.replace(/^[-–•]\s*/, '')}`, { font: regular, size: BODY, align: 'justify', indent: INDENT });
      }
      frame.y -= PARAGRAPH_GAP;
      return;
    case 'table':
      drawTable(frame, block.header, block.rows);
      frame.y -= PARAGRAPH_GAP * 2;
      return;
  }
}

/** The signature line's first line: "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", or the collective alone. */
export function authorityLine(signature: SignatureBlock): string {
  return [signature.capacity, signature.onBehalfOf.toLocaleUpperCase('vi')].filter((part) => part.trim() !== '').join(' ');
}

function signatureLines(frame: PageFrame, signature: SignatureBlock): Line[] {
  const { bold } = frame.faces;
  const lines: Line[] = [];
  const authority = authorityLine(signature);
  if (authority !== '') lines.push({ text: authority, font: bold, size: 14 });
  if (signature.position.trim() !== '') lines.push({ text: signature.position.toLocaleUpperCase('vi'), font: bold, size: 14 });
  return lines;
}

function columnHeight(frame: PageFrame, width: number, lines: Line[]): number {
  return lines.reduce((sum, line) => sum + wrapLines(line.text, line.font, line.size, width).length * lineHeight(line.size), 0);
}

/** Recipients in the decree's form: each "- …;", the last "- ….". */
export function recipientLines(recipients: readonly string[]): string[] {
  return recipients.map((r, i) => `- ${r.trim().replace(/^[-–•]\s*/, '').replace(/[;.]+$/, '')}${i === recipients.length - 1 ? '.' : ';'}`);
}

function recipientsHeight(frame: PageFrame, width: number, recipients: readonly string[]): number {
  if (recipients.length === 0) return 0;
  const { regular } = frame.faces;
  return lineHeight(12) + recipientLines(recipients).reduce((sum, r) => sum + wrapLines(r, regular, 11, width).length * lineHeight(11), 0);
}

function drawRecipients(frame: PageFrame, x: number, width: number, top: number, recipients: readonly string[]): number {
  if (recipients.length === 0) return top;
  const { regular, boldItalic } = frame.faces;
  let y = top;
  frame.drawLine('Nơi nhận:', x, y, width, boldItalic, 12, 'left');
  y -= lineHeight(12);
  for (const line of recipientLines(recipients)) {
    for (const [i, text] of wrapLines(line, regular, 11, width, 0, 6).entries()) {
      const shift = i === 0 ? 0 : 6;
      frame.drawLine(text, x + shift, y, width - shift, regular, 11, 'left');
      y -= lineHeight(11);
    }
  }
  return y;
}

/**
 * Signature blocks side by side (one signer: the right part, with the
 * recipients beside it on the left; more: equal columns, recipients under
 * them), kept together on one page. Returns where each signature goes.
 */
function drawClosing(frame: PageFrame, doc: OfficialDocument): SignatureSlot[] {
  const { bold } = frame.faces;
  const count = doc.signatures.length;
  frame.y -= 6;
  const alone = count <= 1;
  const recipientsWidth = alone ? CONTENT_WIDTH * 0.45 : CONTENT_WIDTH * 0.6;
  const columns = alone
    ? [{ x: frame.left + CONTENT_WIDTH * 0.45, width: CONTENT_WIDTH * 0.55 }]
    : doc.signatures.map((_s, i) => ({ x: frame.left + (CONTENT_WIDTH / count) * i, width: CONTENT_WIDTH / count }));
  const blocks = doc.signatures.map((signature, i) => ({ signature, lines: signatureLines(frame, signature), column: columns[i]! }));
  const textHeight = Math.max(0, ...blocks.map((b) => columnHeight(frame, b.column.width, b.lines)));
  const signaturesHeight = count === 0 ? 0 : textHeight + SIGNATURE_SPACE + lineHeight(14);
  const besideHeight = alone ? recipientsHeight(frame, recipientsWidth, doc.recipients) : 0;
  frame.ensure(Math.max(signaturesHeight, besideHeight));

  const top = frame.y;
  const slots: SignatureSlot[] = [];
  const nameTop = top - textHeight - SIGNATURE_SPACE;
  blocks.forEach(({ signature, lines, column: { x, width } }, signer) => {
    column(frame, x, width, top, lines);
    slots.push({ signer, page: frame.pageIndex, x: x + 6, y: nameTop + 2, width: width - 12, height: SIGNATURE_SPACE - 4 });
    column(frame, x, width, nameTop, [{ text: signature.name, font: bold, size: 14 }]);
  });
  let bottom = count === 0 ? top : nameTop - lineHeight(14);

  if (alone) {
    bottom = Math.min(bottom, drawRecipients(frame, frame.left, recipientsWidth, top, doc.recipients));
    frame.y = bottom;
  } else {
    frame.y = bottom - 12;
    frame.ensure(recipientsHeight(frame, recipientsWidth, doc.recipients));
    frame.y = drawRecipients(frame, frame.left, recipientsWidth, frame.y, doc.recipients);
  }
  return slots;
}

/** Arabic page numbers centred in the top margin, none on page 1. */
function numberPages(frame: PageFrame): void {
  const { regular } = frame.faces;
  frame.pages.forEach((page, i) => {
    if (i === 0) return;
    const text = String(i + 1);
    const width = regular.widthOfTextAtSize(text, 13);
    page.drawText(text, { x: MARGIN.left + (CONTENT_WIDTH - width) / 2, y: page.getHeight() - MARGIN.top / 2 - 4, size: 13, font: regular });
  });
}
