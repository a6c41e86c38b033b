/**
 * The rendered minutes as a reader and a printer see them: Poppler's own
 * tools (pdftotext, pdffonts, pdftoppm) read the PDF our code wrote. Page 1
 * is kept as a PNG in test-results/official-docs/ for a human to look at.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { unzipSync, strFromU8 } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderDocx, renderPdf } from '../../server/modules/official-docs/index.ts';
import { minutesDocument } from '../fixtures/official-docs/minutes.ts';

const run = promisify(execFile);
const ARTIFACTS = 'test-results/official-docs';

describe('official document rendering (Decree 30/2020/NĐ-CP layout)', () => {
  let dir: string;
  let pdfPath: string;
  let text: string;
  let slots: Awaited<ReturnType<typeof renderPdf>>['signatureSlots'];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'official-docs-'));
    const rendered = await renderPdf(minutesDocument({ number: { number: 7, symbol: 'BB-UBND' } }));
    slots = rendered.signatureSlots;
    pdfPath = path.join(dir, 'minutes.pdf');
    await writeFile(pdfPath, rendered.pdf);
    text = (await run('pdftotext', ['-layout', pdfPath, '-'])).stdout;
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('shows the header block, number, place and date, type, title, signatures and recipients in order', () => {
    const order = [
      'UBND TỈNH HÒA BÌNH',
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'VĂN PHÒNG UBND TỈNH',
      'Độc lập - Tự do - Hạnh phúc',
      'Số: 07/BB-UBND',
      'Hòa Bình, ngày 05 tháng 12 năm 2026',
      'BIÊN BẢN',
      'Phiên họp thường kỳ tháng 12 năm 2026',
      'I. THÀNH PHẦN THAM DỰ',
      'Cuộc họp kết thúc vào 11 giờ 30 phút',
      'THƯ KÝ',
      'Nguyễn Thị Hương',
      'Nơi nhận:',
      '- Lưu: VT, TH.',
    ];
    let at = -1;
    for (const piece of order) {
      const found = text.indexOf(piece, at + 1);
      expect(found, `"${piece}" after position ${at}`).toBeGreaterThan(at);
      at = found;
    }
    // the header pairs: the issuer and the national title on one line, the number and the date on another
    expect(text).toMatch(/UBND TỈNH HÒA BÌNH\s+CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM/);
    expect(text).toMatch(/Số: 07\/BB-UBND\s+Hòa Bình, ngày 05 tháng 12 năm 2026/);
    expect(text).toMatch(/THƯ KÝ\s+CHỦ TỌA/);
    expect(text).toMatch(/Nguyễn Thị Hương\s+Bùi Văn Khánh/);
  });

  it('numbers pages from page 2, at the top', () => {
    const pages = text.split('\f').filter((p) => p.trim() !== '');
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expect(pages[0]!.trim().split('\n')[0]).not.toMatch(/^\s*1\s*$/);
    pages.slice(1).forEach((page, i) => expect(page.trim().split('\n')[0]!.trim()).toBe(String(i + 2)));
  });

  it('embeds a Times-metric font (Tinos), cut to the characters used', async () => {
    const fonts = (await run('pdffonts', [pdfPath])).stdout.split('\n').slice(2).filter((l) => l.trim() !== '');
    expect(fonts.length).toBeGreaterThanOrEqual(3);
    for (const line of fonts) {
      expect(line).toMatch(/^Tinos-/);
      expect(line).toMatch(/\byes\s+(yes|no)\s+yes\s+\d+/); // embedded, (subset prefix), ToUnicode
    }
    // cut to the document's characters: the four whole faces weigh 2.2 MB
    expect((await readFile(pdfPath)).byteLength).toBeLessThan(400_000);
  });

  it('reports one signature slot per signer, side by side on the last page', async () => {
    const pages = Number(/Pages:\s+(\d+)/.exec((await run('pdfinfo', [pdfPath])).stdout)![1]);
    expect(slots.map((slot) => slot.signer)).toEqual([0, 1]);
    for (const slot of slots) {
      expect(slot.page).toBe(pages - 1);
      expect(slot.width).toBeGreaterThan(100);
      expect(slot.height).toBeGreaterThan(60);
    }
    expect(slots[0]!.x + slots[0]!.width).toBeLessThanOrEqual(slots[1]!.x);
    expect(slots[0]!.y).toBe(slots[1]!.y);
  });

  it('saves a classic cross-reference table, so a signature can be appended incrementally', async () => {
    const bytes = Buffer.from((await renderPdf(minutesDocument())).pdf);
    expect(bytes.includes('\nxref\n')).toBe(true);
    expect(bytes.includes('/ObjStm')).toBe(false);
  });

  it('keeps page 1 as a PNG for a human to look at', async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    await run('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', pdfPath, path.join(ARTIFACTS, 'minutes-page1')]);
    await copyFile(pdfPath, path.join(ARTIFACTS, 'minutes.pdf'));
    const png = await readFile(path.join(ARTIFACTS, 'minutes-page1.png'));
    // A4 at 80 dpi: 662 × 936 pixels (IHDR: width and height after the signature and chunk header)
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([662, 936]);
  });

  it('writes a Party document with the Party header and number style', async () => {
    const party = minutesDocument({ issuerKind: 'party', parentIssuer: 'Đảng bộ tỉnh Hòa Bình', issuer: 'Tỉnh ủy', number: { number: 123, symbol: 'BB/TU' } });
    const file = path.join(dir, 'party.pdf');
    await writeFile(file, (await renderPdf(party)).pdf);
    const partyText = (await run('pdftotext', ['-layout', '-l', '1', file, '-'])).stdout;
    expect(partyText).toMatch(/ĐẢNG BỘ TỈNH HÒA BÌNH\s+ĐẢNG CỘNG SẢN VIỆT NAM/);
    expect(partyText).toMatch(/Số 123-BB\/TU\s+Hòa Bình, ngày 05 tháng 12 năm 2026/);
    expect(partyText).not.toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA');
  });

  it('exports the same document as .docx (Word), with the header, number and signers', async () => {
    const docx = await renderDocx(minutesDocument({ number: { number: 7, symbol: 'BB-UBND' } }));
    const xml = strFromU8(unzipSync(docx)['word/document.xml']!);
    for (const piece of ['CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Số: 07/BB-UBND', 'Hòa Bình, ngày 05 tháng 12 năm 2026', 'BIÊN BẢN', 'THƯ KÝ', 'Nguyễn Thị Hương', 'Nơi nhận:']) {
      expect(xml).toContain(piece);
    }
    expect(xml).toContain('w:titlePg'); // no page number on page 1
  });
});
