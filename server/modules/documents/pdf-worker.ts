/**
 * Runs in a worker thread: pdf.js parses and renders on the thread that calls
 * it, and a 300-page upload takes seconds of CPU; here it cannot stall live
 * meetings on the main event loop. Answers with plain data (class instances do
 * not cross threads).
 */
import { inspectPdf, PdfRejectedError, type PdfInspection, type PdfRejection } from './pdf-inspect.ts';
import { renderThumbnail } from './thumbnail.ts';

export type PdfTask = { op: 'inspect'; path: string } | { op: 'thumbnail'; path: string; out: string; width: number };
export type PdfTaskResult = { ok: true; inspection?: PdfInspection } | { ok: false; rejection: PdfRejection } | { ok: false; error: string };

export default async function run(task: PdfTask): Promise<PdfTaskResult> {
  try {
    if (task.op === 'inspect') return { ok: true, inspection: await inspectPdf(task.path) };
    await renderThumbnail(task.path, task.out, task.width);
    return { ok: true };
  } catch (error) {
    if (error instanceof PdfRejectedError) return { ok: false, rejection: error.reason };
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
