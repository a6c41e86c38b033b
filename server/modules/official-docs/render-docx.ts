/**
 * The same document as a Word file, for secretariats that still finish in
 * Word: the layout of render-pdf.ts in Word's terms (A4, the decree's
 * margins, Times New Roman, borderless tables for the header and the
 * signatures, page numbers in the header from page 2).
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  Header,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
  type ITableCellBorders,
} from 'docx';
import type { DocumentBlock, OfficialDocument } from '../../contract/official-documents.ts';
import { numberLine, placeAndDate } from './numbering.ts';
import { authorityLine, MOTTO, NATIONAL_TITLE, PARTY_TITLE, recipientLines } from './render-pdf.ts';

const FONT = 'Times New Roman';
const TWIPS_PER_MM = 1440 / 25.4;
const half = (points: number) => points * 2; // docx sizes are in half-points
const INDENT = Math.round(10 * TWIPS_PER_MM);
const NONE = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' };
const NO_BORDERS: ITableCellBorders = { top: NONE, bottom: NONE, left: NONE, right: NONE };

type RunStyle = { bold?: boolean; italics?: boolean; size?: number; underline?: boolean };
const run = (text: string, style: RunStyle = {}) =>
  new TextRun({ text, font: FONT, size: half(style.size ?? 14), bold: style.bold, italics: style.italics, underline: style.underline === true ? {} : undefined });
const centred = (text: string, style: RunStyle = {}, after = 0) => new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after }, children: [run(text, style)] });

function layoutTable(columns: Paragraph[][], widths: number[]): Table {
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    borders: { top: NONE, bottom: NONE, left: NONE, right: NONE, insideHorizontal: NONE, insideVertical: NONE },
    rows: [new TableRow({ children: columns.map((children, i) => new TableCell({ borders: NO_BORDERS, width: { size: widths[i]!, type: WidthType.PERCENTAGE }, children })) })],
  });
}

function header(doc: OfficialDocument): Table {
  const party = doc.issuerKind === 'party';
  const left: Paragraph[] = [];
  if (doc.parentIssuer.trim() !== '') left.push(centred(doc.parentIssuer.toLocaleUpperCase('vi'), { size: 13 }));
  left.push(centred(doc.issuer.toLocaleUpperCase('vi'), { bold: true, size: 13, underline: !party }));
  if (party) left.push(centred('*', { bold: true, size: 13 }));
  left.push(centred(numberLine(doc), { size: 13 }, 0));
  const right = party
    ? [centred(PARTY_TITLE, { bold: true, size: 15, underline: true }, 240)]
    : [centred(NATIONAL_TITLE, { bold: true, size: 12 }), centred(MOTTO, { bold: true, size: 13, underline: true }, 240)];
  right.push(centred(placeAndDate(doc.place, doc.date), { italics: true, size: 14 }));
  return layoutTable([left, right], [42, 58]);
}

function block(b: DocumentBlock): (Paragraph | Table)[] {
  const body = (text: string, style: RunStyle = {}, alignment: (typeof AlignmentType)[keyof typeof AlignmentType] = AlignmentType.JUSTIFIED) =>
    text.split('\n').map((line) => new Paragraph({ alignment, indent: { firstLine: INDENT }, spacing: { before: 0, after: 120 }, children: [run(line, style)] }));
  switch (b.kind) {
    case 'heading':
      return body(b.text, { bold: true }, AlignmentType.LEFT);
    case 'paragraph':
      return body(b.text);
    case 'list':
      return b.items.flatMap((item) => body(`- ${item.replace(/^[-–•]\s*/, '')}`));
    case 'table': {
      const cell = (text: string, bold: boolean) => new TableCell({ children: text.split('\n').map((line) => new Paragraph({ children: [run(line, { bold, size: 12 })] })) });
      const rows = [
        ...(b.header.length > 0 ? [new TableRow({ tableHeader: true, children: b.header.map((h) => cell(h, true)) })] : []),
        ...b.rows.map((r) => new TableRow({ children: r.map((c) => cell(c, false)) })),
      ];
      return rows.length === 0 ? [] : [new Table({ width: { size: 100, type: WidthType.PERCENTAGE }, rows }), new Paragraph({ children: [] })];
    }
  }
}

function signatures(doc: OfficialDocument): (Paragraph | Table)[] {
  const blocks = doc.signatures.map((s) => {
    const lines: Paragraph[] = [];
    const authority = authorityLine(s);
    if (authority !== '') lines.push(centred(authority, { bold: true }));
    if (s.position.trim() !== '') lines.push(centred(s.position.toLocaleUpperCase('vi'), { bold: true }, 1600));
    lines.push(centred(s.name, { bold: true }));
    return lines;
  });
  const recipients = doc.recipients.length === 0 ? [] : [
    new Paragraph({ children: [run('Nơi nhận:', { bold: true, italics: true, size: 12 })] }),
    ...recipientLines(doc.recipients).map((line) => new Paragraph({ children: [run(line, { size: 11 })] })),
  ];
  if (blocks.length <= 1) return [layoutTable([recipients.length > 0 ? recipients : [new Paragraph({ children: [] })], blocks[0] ?? [new Paragraph({ children: [] })]], [45, 55])];
  const widths = blocks.map(() => Math.floor(100 / blocks.length));
  return [layoutTable(blocks, widths), new Paragraph({ children: [] }), ...recipients];
}

export async function renderDocx(doc: OfficialDocument): Promise<Uint8Array> {
  const title = [centred(doc.typeName.toLocaleUpperCase('vi'), { bold: true })];
  if (doc.title.trim() !== '') title.push(centred(doc.title, { bold: true }));
  title.push(centred('________', { bold: true }, 240));
  const document = new Document({
    creator: 'Phòng Họp Số',
    title: `${doc.typeName} ${doc.title}`.trim(),
    styles: { default: { document: { run: { font: FONT, size: half(14) } } } },
    sections: [
      {
        properties: {
          titlePage: true,
          page: {
            size: { width: Math.round(210 * TWIPS_PER_MM), height: Math.round(297 * TWIPS_PER_MM) },
            margin: { top: Math.round(20 * TWIPS_PER_MM), bottom: Math.round(20 * TWIPS_PER_MM), left: Math.round(30 * TWIPS_PER_MM), right: Math.round(15 * TWIPS_PER_MM) },
          },
        },
        headers: {
          first: new Header({ children: [new Paragraph({ children: [] })] }),
          default: new Header({ children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ font: FONT, size: half(13), children: [PageNumber.CURRENT] })] })] }),
        },
        children: [header(doc), new Paragraph({ children: [] }), ...title, ...doc.blocks.flatMap(block), ...signatures(doc)],
      },
    ],
  });
  return new Uint8Array(await Packer.toBuffer(document));
}
