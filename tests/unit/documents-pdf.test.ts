import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { degrees, PDFDocument } from 'pdf-lib';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectPdf, type PdfRejection } from '../../server/modules/documents/pdf-inspect.ts';
import { loadPdfBoldFont, loadPdfFont } from '../../server/lib/pdf/pdf-fonts.ts';
import { pageText } from '../../server/modules/documents/pdf-text.ts';
import { renderTextPdf } from '../../server/modules/documents/text-pdf.ts';
import { renderThumbnail } from '../../server/modules/documents/thumbnail.ts';
import { stampWatermark } from '../../server/lib/pdf/watermark.ts';
import {
  corpusParagraphs,
  makeBrokenXrefPdf,
  makeEmptyPdf,
  makeEncryptedPdf,
  makeJavaScriptPdf,
  makeNotPdf,
  makeTextPdf,
  makeTruncatedPdf,
  makeUnusualValidPdf,
  rejection,
  type PhraseDocument,
} from '../fixtures/pdf/make.ts';

let dir: string;
let report: PhraseDocument;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'documents-pdf-'));
  report = await makeTextPdf(dir);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Every page's text as pdf.js extracts it from bytes in memory (independent of inspectPdf). */
async function extractTexts(bytes: Uint8Array): Promise<string[]> {
  const task = getDocument({ data: bytes.slice(), verbosity: 0 });
  try {
    const doc = await task.promise;
    const texts: string[] = [];
    for (let n = 1; n <= doc.numPages; n++) texts.push(pageText(await (await doc.getPage(n)).getTextContent()));
    return texts;
  } finally {
    await task.destroy();
  }
}

const lower = (text: string): string => text.toLocaleLowerCase('vi');

describe('inspectPdf', () => {
  it('counts pages and extracts each page text, the phrase on its known page', async () => {
    const result = await inspectPdf(report.path);
    expect(report.phrasePage).toBeGreaterThan(1);
    expect(result.pageCount).toBe(report.pageCount);
    expect(result.pageTexts).toHaveLength(report.pageCount);
    const firstHit = result.pageTexts.findIndex((text) => lower(text).includes(report.phrase)) + 1;
    expect(firstHit).toBe(report.phrasePage);
    expect(result.pageTexts[0]).toContain('TỈNH ỦY HÒA BÌNH');
    expect(result.pageTexts.at(-1)).toContain(`Trang ${report.pageCount}/${report.pageCount}`);
    for (const text of result.pageTexts) {
      expect(text).toBe(text.normalize('NFC'));
      expect(text).not.toMatch(/\s{2}|^\s|\s$/);
    }
  });

  it.each<[string, (dir: string) => Promise<string>, PdfRejection]>([
    ['an HTML page renamed .pdf', makeNotPdf, 'not-pdf'],
    ['a password-protected PDF', (d) => makeEncryptedPdf(d), 'encrypted'],
    ['an encrypted PDF with an empty user password', (d) => makeEncryptedPdf(d, ''), 'encrypted'],
    ['a truncated PDF', makeTruncatedPdf, 'corrupt'],
    ['a wrong startxref offset', (d) => makeBrokenXrefPdf(d, 'startxref'), 'corrupt'],
    ['shifted xref table entries', (d) => makeBrokenXrefPdf(d, 'table'), 'corrupt'],
    ['JavaScript run on open', (d) => makeJavaScriptPdf(d, 'open-action'), 'javascript'],
    ['document-level JavaScript', (d) => makeJavaScriptPdf(d, 'names'), 'javascript'],
    ['a JavaScript link inside an object stream', (d) => makeJavaScriptPdf(d, 'link'), 'javascript'],
    ['a JavaScript link with an escaped name', (d) => makeJavaScriptPdf(d, 'link-escaped-name'), 'javascript'],
    ['no pages', makeEmptyPdf, 'empty'],
  ])('refuses %s', async (_label, make, reason) => {
    expect(await rejection(await make(dir))).toBe(reason);
  });

  it.each([
    ['incremental', 'Da sua'],
    ['crlf', 'Ban dau'],
    ['prefixed', 'Ban dau'],
  ] as const)('accepts a valid file with an unusual structure: %s', async (kind, text) => {
    expect(await inspectPdf(await makeUnusualValidPdf(dir, kind))).toEqual({ pageCount: 1, pageTexts: [text] });
  });

  it('inspects several files at once without mixing them up', async () => {
    const other = await makeUnusualValidPdf(dir, 'crlf');
    const results = await Promise.all([inspectPdf(report.path), inspectPdf(other), inspectPdf(report.path), rejection(await makeNotPdf(dir))]);
    expect(results.map((r) => (typeof r === 'string' ? r : r.pageCount))).toEqual([report.pageCount, 1, report.pageCount, 'not-pdf']);
    expect(results[1]).toEqual({ pageCount: 1, pageTexts: ['Ban dau'] });
  });

  it('refuses an empty file as not a PDF', async () => {
    const path = join(dir, 'zero.pdf');
    await writeFile(path, '');
    expect(await rejection(path)).toBe('not-pdf');
  });
});

describe('renderThumbnail', () => {
  it('writes a PNG of page 1 at the requested width', async () => {
    const out = join(dir, 'thumb.png');
    await renderThumbnail(report.path, out, 240);
    const png = await readFile(out);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    expect(width).toBe(240);
    expect(height).toBe(Math.round((240 * 297) / 210));
    expect((await stat(out)).size).toBeGreaterThan(2000); // not a blank page
  });
});

describe('renderTextPdf', () => {
  it('typesets Vietnamese text that pdf.js reads back identically', async () => {
    const paragraphs = await corpusParagraphs('province-e-government-conference-2018');
    const bytes = await renderTextPdf({ header: 'ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG', title: 'Hội nghị Chính phủ điện tử', subtitle: 'Tài liệu tham khảo', paragraphs });
    const texts = await extractTexts(bytes);
    expect(texts.length).toBeGreaterThan(1);
    // Page numbers end each page's text; a paragraph may run across pages.
    const all = texts.map((text) => text.replace(/ ?Trang \d+\/\d+$/, '')).join(' ');
    // Lines are wrapped, so compare with white space collapsed.
    const flat = (s: string): string => s.normalize('NFC').replace(/\s+/g, ' ').trim();
    for (const paragraph of paragraphs) expect(all).toContain(flat(paragraph));
    expect(texts[0]).toMatch(/^ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG Hội nghị Chính phủ điện tử Tài liệu tham khảo /);
    texts.forEach((text, index) => expect(text).toMatch(new RegExp(`Trang ${index + 1}/${texts.length}$`)));
  });

  it('normalises decomposed input and breaks words longer than a line', async () => {
    const decomposed = 'Nghi\u0323 quyê\u0301t của Đa\u0309ng bô\u0323';
    const long = 'https://dichvucong.hoabinh.gov.vn/' + 'a'.repeat(150);
    const texts = await extractTexts(await renderTextPdf({ title: 'Thử', paragraphs: [decomposed, long] }));
    expect(texts[0]).toContain('Nghị quyết của Đảng bộ');
    expect(texts[0]?.replace(/ /g, '')).toContain(long);
  });
});

describe('stampWatermark', () => {
  it('stamps every page with the reader and time, keeping the page count', async () => {
    const original = await readFile(report.path);
    const reader = 'Nguyễn Thị Hồng Ngọc';
    const stamped = await stampWatermark(original, [reader, '14:32 20/05/2026', 'TÀI LIỆU MẬT']);
    const texts = await extractTexts(stamped);
    expect(texts).toHaveLength(report.pageCount);
    for (const text of texts) {
      expect(text).toContain(reader);
      expect(text).toContain('TÀI LIỆU MẬT');
    }
    // The document's own text is still there.
    expect(lower(texts[report.phrasePage - 1] as string)).toContain(report.phrase);
  });

  it('handles rotated and cropped pages', async () => {
    const doc = await PDFDocument.load(await readFile(report.path));
    doc.getPage(0).setRotation(degrees(90));
    doc.getPage(1).setCropBox(50, 100, 300, 400);
    const stamped = await stampWatermark(await doc.save(), ['Lò Văn Sử', '08:00 01/06/2026']);
    const texts = await extractTexts(stamped);
    expect(texts[0]).toContain('Lò Văn Sử');
    expect(texts[1]).toContain('Lò Văn Sử');
  });
});

describe('PDF fonts', () => {
  // Every letter of the Vietnamese alphabet, with each tone, in both cases.
  const vowels = 'aăâeêioôơuưy';
  const tones = ['', '\u0300', '\u0301', '\u0303', '\u0309', '\u0323'];
  const letters = [...vowels].flatMap((v) => tones.map((t) => (v + t).normalize('NFC'))).concat('đ');
  const alphabet = [...letters, ...letters.map((l) => l.toUpperCase())];

  it.each([
    ['regular', loadPdfFont],
    ['bold', loadPdfBoldFont],
  ])('the %s font has a glyph for every Vietnamese letter', async (_name, load) => {
    const font = fontkit.create(Buffer.from(await load()));
    expect(alphabet).toHaveLength(2 * (vowels.length * tones.length + 1));
    const missing = alphabet.filter((letter) => !font.hasGlyphForCodePoint(letter.codePointAt(0) as number));
    expect(missing).toEqual([]);
  });
});
