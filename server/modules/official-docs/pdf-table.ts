/**
 * A table of the body (attendance, poll results): ruled cells, wrapped text,
 * rows that flow over pages with the header repeated on each new page, and a
 * row taller than a page split between pages.
 */
import type { PDFFont } from 'pdf-lib';
import { CONTENT_WIDTH, lineHeight, PageFrame, wrapLines } from './page-frame.ts';

const SIZE = 12;
const PAD = 3;
const STEP = lineHeight(SIZE);

/** Column widths in proportion to their longest text (within bounds), so a "STT" column stays narrow. */
export function columnWidths(header: readonly string[], rows: readonly (readonly string[])[], total = CONTENT_WIDTH): number[] {
  const count = Math.max(header.length, ...rows.map((r) => r.length), 1);
  const weights = Array.from({ length: count }, (_v, c) => {
    const longest = Math.max(header[c]?.length ?? 0, ...rows.map((r) => r[c]?.length ?? 0));
    return Math.min(Math.max(longest, 4), 40);
  });
  const sum = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => (w / sum) * total);
}

type Row = { cells: string[][]; font: PDFFont };

export function drawTable(frame: PageFrame, header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = columnWidths(header, rows);
  const { regular, bold } = frame.faces;
  const wrapRow = (texts: readonly string[], font: PDFFont): Row => ({
    font,
    cells: widths.map((w, c) => (texts[c] ?? '').split('\n').flatMap((hard) => wrapLines(hard, font, SIZE, w - 2 * PAD))),
  });
  const headerRow = header.length > 0 ? wrapRow(header, bold) : undefined;
  const headerHeight = headerRow === undefined ? 0 : rowHeight(headerRow);

  let onThisPage = false;
  const startPage = () => {
    frame.newPage();
    onThisPage = false;
  };
  const drawHeaderRow = () => {
    if (headerRow !== undefined) drawRowPart(frame, widths, headerRow, 0, Infinity);
    onThisPage = true;
  };

  frame.ensure(headerHeight + STEP + 2 * PAD);
  drawHeaderRow();
  for (const texts of rows) {
    const row = wrapRow(texts, regular);
    const lines = Math.max(...row.cells.map((c) => c.length));
    let from = 0;
    while (from < lines) {
      const fit = Math.floor((frame.room - 2 * PAD) / STEP);
      // a whole row moves to the next page if it fits there; only a row taller than a page is split
      const wholeFitsOnAPage = rowHeight(row) <= pageRoom(frame) - headerHeight;
      if (fit < 1 || (from === 0 && fit < lines && wholeFitsOnAPage && onThisPage)) {
        startPage();
        drawHeaderRow();
        continue;
      }
      const take = Math.min(fit, lines - from);
      drawRowPart(frame, widths, row, from, take);
      from += take;
    }
  }
}

function rowHeight(row: Row): number {
  return Math.max(...row.cells.map((c) => c.length)) * STEP + 2 * PAD;
}

/** The room of an empty page between the margins. */
function pageRoom(frame: PageFrame): number {
  return frame.page.getHeight() - 40 * (72 / 25.4);
}

/** Lines [from, from + count) of a row, in ruled cells. */
function drawRowPart(frame: PageFrame, widths: readonly number[], row: Row, from: number, count: number): void {
  const lines = Math.min(count, Math.max(...row.cells.map((c) => c.length)) - from);
  const height = lines * STEP + 2 * PAD;
  let x = frame.left;
  widths.forEach((width, c) => {
    frame.rectangle(x, frame.y - height, width, height);
    row.cells[c]!.slice(from, from + lines).forEach((text, i) => frame.drawLine(text, x + PAD, frame.y - PAD - i * STEP, width - 2 * PAD, row.font, SIZE, 'left'));
    x += width;
  });
  frame.y -= height;
}
