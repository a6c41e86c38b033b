/**
 * Runs in a worker thread: pdf.js parses and renders, and pdf-lib redraws, on
 * the thread that calls them, and a 300-page file takes seconds of CPU; here
 * they cannot stall live meetings on the main event loop, and a thread that
 * overruns its time or memory is terminated by the pool. Answers with plain
 * data (class instances do not cross threads); outputs are written to a temp
 * name and renamed, so a killed task never leaves half a file.
 */
import { readFile } from 'node:fs/promises';
import type { AnnotationDto } from '../../contract/annotations.ts';
import { drawAnnotations } from '../../lib/pdf/annotations.ts';
import { stampWatermark } from '../../lib/pdf/watermark.ts';
import { writeAtomically } from './atomic-file.ts';
import { inspectPdf, PdfRejectedError, type PdfInspection, type PdfRejection } from './pdf-inspect.ts';
import { renderThumbnail, stampThumbnail } from './thumbnail.ts';

export type PdfTask =
  | { op: 'inspect'; path: string }
  | { op: 'thumbnail'; path: string; out: string; width: number }
  | { op: 'stamp'; path: string; out: string; lines: string[] }
  | { op: 'annotate'; path: string; out: string; notes: AnnotationDto[]; stamp: string[] | null }
  | { op: 'stampImage'; path: string; out: string; lines: string[] };
export type PdfTaskResult = { ok: true; inspection?: PdfInspection } | { ok: false; rejection: PdfRejection } | { ok: false; error: string };

async function perform(task: PdfTask): Promise<PdfInspection | undefined> {
  switch (task.op) {
    case 'inspect':
      return inspectPdf(task.path);
    case 'thumbnail':
      await renderThumbnail(task.path, task.out, task.width);
      return undefined;
    case 'stamp':
      await writeAtomically(task.out, await stampWatermark(await readFile(task.path), task.lines));
      return undefined;
    case 'annotate': {
      const drawn = await drawAnnotations(await readFile(task.path), task.notes);
      await writeAtomically(task.out, task.stamp === null ? drawn : await stampWatermark(drawn, task.stamp));
      return undefined;
    }
    case 'stampImage':
      await stampThumbnail(task.path, task.out, task.lines);
      return undefined;
  }
}

export default async function run(task: PdfTask): Promise<PdfTaskResult> {
  try {
    const inspection = await perform(task);
    return inspection === undefined ? { ok: true } : { ok: true, inspection };
  } catch (error) {
    if (error instanceof PdfRejectedError) return { ok: false, rejection: error.reason };
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
