/**
 * Renders a document's first page to a PNG for lists and agenda cards. pdf.js
 * draws on @napi-rs/canvas in Node (it picks the canvas factory itself), and
 * the file appears under its final name only when complete. A confidential
 * document's thumbnail is this picture with the reader's stamp drawn over it
 * (one render per version, one cheap overlay per reader).
 */
import { readFile } from 'node:fs/promises';
import { createCanvas, loadImage, type Canvas } from '@napi-rs/canvas';
import { writeAtomically } from './atomic-file.ts';
import { openPdf } from './pdfjs.ts';

/** What pdf.js's Node canvas factory hands out (its type says only `object`). */
type CanvasFactory = { create(width: number, height: number): { canvas: Canvas; context: CanvasRenderingContext2D } };

/** A thumbnail is at most this many times as tall as wide: a sliver of a page cannot ask for a giant canvas. */
const MAX_ASPECT = 4;

export async function renderThumbnail(filePath: string, outPath: string, width = 320): Promise<void> {
  if (!Number.isInteger(width) || width < 16 || width > 4096) throw new RangeError('thumbnail width out of range');
  const task = openPdf(filePath);
  try {
    const doc = await task.promise;
    const page = await doc.getPage(1);
    const unscaled = page.getViewport({ scale: 1 });
    const scale = Math.min(width / unscaled.width, (width * MAX_ASPECT) / unscaled.height);
    const viewport = page.getViewport({ scale });
    const { canvas, context } = (doc.canvasFactory as CanvasFactory).create(Math.max(1, Math.round(viewport.width)), Math.max(1, Math.round(viewport.height)));
    // PDF pages are transparent where nothing is drawn; paper is white.
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    await page.render({ canvas: null, canvasContext: context, viewport }).promise;
    const png = await canvas.encode('png');
    page.cleanup();
    await writeAtomically(outPath, png);
  } finally {
    await task.destroy();
  }
}

/** The thumbnail at `pngPath` with `lines` drawn across it (diagonal, light) and along its foot. */
export async function stampThumbnail(pngPath: string, outPath: string, lines: string[]): Promise<void> {
  const image = await loadImage(await readFile(pngPath));
  const canvas = createCanvas(image.width, image.height);
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  const text = lines.map((line) => line.normalize('NFC').trim()).filter((line) => line !== '');
  const size = Math.max(9, Math.round(image.width / 16));
  context.save();
  context.translate(image.width / 2, image.height / 2);
  context.rotate(-Math.atan2(image.height, image.width));
  context.fillStyle = 'rgba(90, 90, 90, 0.35)';
  context.font = `bold ${size}px sans-serif`;
  context.textAlign = 'center';
  text.forEach((line, index) => context.fillText(line, 0, (index - (text.length - 1) / 2) * size * 1.3));
  context.restore();
  context.fillStyle = 'rgba(90, 90, 90, 0.85)';
  context.font = `${Math.max(7, Math.round(size / 2))}px sans-serif`;
  context.textAlign = 'left';
  context.fillText(text.join(' · '), 4, image.height - 4, image.width - 8);
  await writeAtomically(outPath, await canvas.encode('png'));
}
