/**
 * A large, valid PDF like a scanned document: pages that each carry a
 * full-page image of noise (which does not compress), until the file reaches
 * the wanted size. Built page by page so the generator itself stays small.
 */
import { createCanvas } from '@napi-rs/canvas';
import { writeFile } from 'node:fs/promises';
import { PDFDocument } from 'pdf-lib';

export async function writeScannedPdf(filePath: string, targetBytes: number): Promise<number> {
  const doc = await PDFDocument.create();
  const side = 900;
  const canvas = createCanvas(side, side);
  const context = canvas.getContext('2d');
  const image = context.createImageData(side, side);
  let bytes = 0;
  let pages = 0;
  while (bytes < targetBytes) {
    for (let i = 0; i < image.data.length; i += 4) {
      image.data[i] = (Math.random() * 256) | 0;
      image.data[i + 1] = (Math.random() * 256) | 0;
      image.data[i + 2] = (Math.random() * 256) | 0;
      image.data[i + 3] = 255;
    }
    context.putImageData(image, 0, 0);
    const png = await doc.embedPng(canvas.toBuffer('image/png'));
    const page = doc.addPage([595, 842]);
    page.drawImage(png, { x: 0, y: 0, width: 595, height: 842 });
    bytes += png.width * png.height * 3;
    pages += 1;
  }
  const pdf = await doc.save({ useObjectStreams: false });
  await writeFile(filePath, pdf);
  return pages;
}
