/** A plain two-page PDF like the renderer's (pdf-lib, no object streams), to sign in tests. */
import { PDFDocument, StandardFonts } from 'pdf-lib';

export async function makeTestPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.TimesRoman);
  for (const text of ['BIEN BAN cuoc hop', 'Trang 2']) {
    const page = doc.addPage([595.28, 841.89]);
    page.drawText(text, { x: 80, y: 760, size: 14, font });
  }
  return doc.save({ useObjectStreams: false });
}
