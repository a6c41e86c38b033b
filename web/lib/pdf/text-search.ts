/**
 * Searching a PDF's text in the browser, with or without Vietnamese
 * diacritics. Each page's text items are folded character by character (the
 * same folding as `foldVietnamese`, keeping positions), so a match can be
 * traced back to the items it covers and highlighted on the page.
 */
import { foldVietnamese } from '$contract/text.ts';

/** One run of text on a page, in PDF units with the origin at the top left of the page at scale 1; `text` is the run as printed. */
export type TextRun = { start: number; end: number; left: number; top: number; width: number; height: number; text: string };

export type PageText = {
  /** the page's text, folded: lower case, no diacritics, đ → d, runs of white space → one space */
  folded: string;
  runs: TextRun[];
  /** page size at scale 1, to turn runs into percentages */
  width: number;
  height: number;
};

export type Match = { page: number; start: number; end: number };

/** A highlight box in percent of the page, zoom-independent. */
export type Box = { left: number; top: number; width: number; height: number };

/** Minimal shape of pdf.js's TextItem that the index needs. */
export type RawTextItem = { str: string; transform: number[]; width: number; height: number; hasEOL?: boolean };

function foldChar(char: string): string {
  return char
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase();
}

/**
 * Builds the folded text of a page. `toViewport` maps a PDF point to the
 * top-left-origin viewport at scale 1 (pdf.js's viewport.convertToViewportPoint).
 */
export function indexPage(
  items: readonly RawTextItem[],
  size: { width: number; height: number },
  toViewport: (x: number, y: number) => [number, number],
): PageText {
  let folded = '';
  const runs: TextRun[] = [];
  const pushSpace = () => {
    if (folded.length > 0 && !folded.endsWith(' ')) folded += ' ';
  };
  for (const item of items) {
    if (item.str.length > 0) {
      const start = folded.length;
      for (const char of item.str) {
        if (/\s/.test(char)) pushSpace();
        else folded += foldChar(char);
      }
      const end = folded.length;
      if (end > start) {
        const [x, y] = toViewport(item.transform[4] ?? 0, item.transform[5] ?? 0);
        const fontHeight = item.height > 0 ? item.height : Math.hypot(item.transform[2] ?? 0, item.transform[3] ?? 0);
        runs.push({ start, end, left: x, top: y - fontHeight, width: item.width, height: fontHeight * 1.2, text: item.str });
      }
    }
    // Items on separate lines are separate words.
    if (item.hasEOL || item.str.length > 0) pushSpace();
  }
  return { folded, runs, width: size.width, height: size.height };
}

/** The folded query, or '' when there is nothing to look for. */
export function foldQuery(query: string): string {
  return foldVietnamese(query);
}

/** Every occurrence of `needle` (already folded) on one page. */
export function findInPage(page: number, text: PageText, needle: string): Match[] {
  if (needle === '') return [];
  const out: Match[] = [];
  let from = 0;
  for (;;) {
    const at = text.folded.indexOf(needle, from);
    if (at < 0) break;
    out.push({ page, start: at, end: at + needle.length });
    from = at + Math.max(1, needle.length);
  }
  return out;
}

/** Boxes (in percent of the page) covering one match, one per text run it touches. */
export function boxesFor(text: PageText, match: Match): Box[] {
  const boxes: Box[] = [];
  if (text.width <= 0 || text.height <= 0) return boxes;
  for (const run of text.runs) {
    if (run.end <= match.start || run.start >= match.end) continue;
    const length = run.end - run.start;
    const from = Math.max(match.start, run.start) - run.start;
    const to = Math.min(match.end, run.end) - run.start;
    const left = run.left + (run.width * from) / length;
    const width = (run.width * (to - from)) / length;
    boxes.push({
      left: (left / text.width) * 100,
      top: (run.top / text.height) * 100,
      width: (width / text.width) * 100,
      height: (run.height / text.height) * 100,
    });
  }
  return boxes;
}

/**
 * The printed text (diacritics kept) of the runs inside a rectangle given in
 * fractions of the page (x0, y0, x1, y1): a run counts when the rectangle
 * covers most of its height; only the part of it inside horizontally is kept
 * (characters taken as equally wide). Null when nothing is there.
 */
export function textInRect(text: PageText, rect: readonly [number, number, number, number]): string | null {
  if (text.width <= 0 || text.height <= 0) return null;
  const x0 = Math.min(rect[0], rect[2]) * text.width;
  const x1 = Math.max(rect[0], rect[2]) * text.width;
  const y0 = Math.min(rect[1], rect[3]) * text.height;
  const y1 = Math.max(rect[1], rect[3]) * text.height;
  const parts: string[] = [];
  for (const run of text.runs) {
    const overlapY = Math.min(y1, run.top + run.height) - Math.max(y0, run.top);
    if (run.height <= 0 || overlapY < run.height * 0.4) continue;
    const right = run.left + run.width;
    if (Math.min(x1, right) <= Math.max(x0, run.left)) continue;
    const chars = [...run.text];
    const from = run.width > 0 ? Math.floor(((Math.max(x0, run.left) - run.left) / run.width) * chars.length) : 0;
    const to = run.width > 0 ? Math.ceil(((Math.min(x1, right) - run.left) / run.width) * chars.length) : chars.length;
    const piece = chars.slice(from, to).join('').trim();
    if (piece !== '') parts.push(piece);
  }
  const joined = parts.join(' ').replace(/\s+/g, ' ').trim();
  return joined === '' ? null : joined;
}
