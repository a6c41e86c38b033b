/**
 * Renders a document's first page to a PNG for lists and agenda cards. pdf.js
 * draws on @napi-rs/canvas in Node (it picks the canvas factory itself), and
 * the file appears under its final name only when complete.
 */
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import type { Canvas } from '@napi-rs/canvas';
import { openPdf } from './pdfjs.ts';

/** What pdf.js's Node canvas factory hands out (its type says only `object`). */
type CanvasFactory = { create(width: number, height: number): { canvas: Canvas; context: CanvasRenderingContext2D } };

export async function renderThumbnail(filePath: string, outPath: string, width = 320): Promise<void> {
  if (!Number.isInteger(width) || width < 16 || width > 4096) throw new RangeError('thumbnail width out of range');
  const task = openPdf(filePath);
  try {
    const doc = await task.promise;
    const page = await doc.getPage(1);
    const unscaled = page.getViewport({ scale: 1 });
    const viewport = page.getViewport({ scale: width / unscaled.width });
    const { canvas, context } = (doc.canvasFactory as CanvasFactory).create(width, Math.max(1, Math.round(viewport.height)));
    // PDF pages are transparent where nothing is drawn; paper is white.
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    await page.render({ canvas: null, canvasContext: context, viewport }).promise;
    const png = await canvas.encode('png');
    page.cleanup();
    const temp = `${outPath}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(temp, png);
      await rename(temp, outPath);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  } finally {
    await task.destroy();
  }
}
