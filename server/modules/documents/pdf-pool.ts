/**
 * The worker threads that do every heavy PDF job (inspection, thumbnails,
 * stamped copies, annotated exports), so the event loop that serves sockets
 * and API calls stays free. Bounded three ways: a thread's heap is capped
 * (resourceLimits), a job that overruns its time has its thread terminated
 * (an abort of a running piscina task ends the thread), and at most
 * `queueLimit` jobs wait: past that a caller is told at once to come back
 * later (503 with Retry-After) instead of piling up work nobody will wait for.
 * Jobs wait in our own queue and reach piscina only when a thread is free, so
 * a job's time limit counts its run, not its wait behind others.
 */
import os from 'node:os';
import { Piscina } from 'piscina';
import type { AnnotationDto } from '../../contract/annotations.ts';
import { AppError } from '../../errors.ts';
import { PdfRejectedError, type PdfInspection } from './pdf-inspect.ts';
import { PDF_TIMEOUTS, PDF_WORKER_HEAP_MB } from './pdf-limits.ts';
import type { PdfTask, PdfTaskResult } from './pdf-worker.ts';

export type PdfProcessor = {
  inspect(filePath: string): Promise<PdfInspection>;
  thumbnail(filePath: string, outPath: string, width?: number): Promise<void>;
  /** `filePath` with the reader's stamp on every page, written to `outPath` */
  stamp(filePath: string, outPath: string, lines: string[]): Promise<void>;
  /** `filePath` with the reader's notes drawn on it, stamped when `stamp` is given */
  annotate(filePath: string, outPath: string, notes: AnnotationDto[], stamp: string[] | null): Promise<void>;
  /** a thumbnail PNG with the reader's stamp drawn over it */
  stampImage(pngPath: string, outPath: string, lines: string[]): Promise<void>;
  close(): Promise<void>;
};

export type PdfPoolOptions = {
  threads?: number;
  queueLimit?: number;
  timeouts?: Partial<Record<'inspect' | 'thumbnail' | 'stamp', number>>;
  /** told of a job that failed inside the worker (for the log) */
  onFailure?: (op: PdfTask['op'], error: string) => void;
};

/** Whether a job's thread was ended for overrunning its time or memory. */
function overran(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.name === 'AbortError' || ('code' in error && (error.code === 'ERR_WORKER_OUT_OF_MEMORY' || error.code === 'ABORT_ERR'));
}

export function createPdfPool(options: PdfPoolOptions = {}): PdfProcessor {
  const threads = options.threads ?? Math.max(1, os.availableParallelism() - 1);
  const queueLimit = options.queueLimit ?? 64;
  const timeouts = { ...PDF_TIMEOUTS, ...options.timeouts };
  const pool = new Piscina<PdfTask, PdfTaskResult>({
    filename: new URL('./pdf-worker.ts', import.meta.url).href,
    minThreads: 0,
    maxThreads: threads,
    maxQueue: threads,
    idleTimeout: 30_000,
    resourceLimits: { maxOldGenerationSizeMb: PDF_WORKER_HEAP_MB, maxYoungGenerationSizeMb: 64 },
  });

  // Threads in use, and the jobs waiting for one (each resumed with the slot handed over).
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    if (next === undefined) running--;
    else next();
  };
  const slot = async (): Promise<void> => {
    if (running < threads) {
      running++;
      return;
    }
    if (waiting.length >= queueLimit) throw busy();
    await new Promise<void>((resolve) => waiting.push(resolve));
  };

  const run = async (task: PdfTask, timeoutMs: number) => {
    await slot();
    let result: PdfTaskResult;
    try {
      result = await pool.run(task, { signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      if (overran(error)) throw task.op === 'inspect' ? new PdfRejectedError('too-complex', { cause: error }) : new AppError(422, 'pdfTooComplex');
      throw error;
    } finally {
      release();
    }
    if (result.ok) return result;
    if ('rejection' in result) {
      if (task.op === 'inspect') throw new PdfRejectedError(result.rejection);
      throw new AppError(422, 'pdfTooComplex');
    }
    // A stored file the drawing libraries cannot read (it passed the checks of its day): the file's fault, said as such.
    options.onFailure?.(task.op, result.error);
    if (task.op !== 'inspect') throw new AppError(422, 'pdfCorrupt');
    throw new Error(`PDF worker failed: ${result.error}`);
  };
  // Roughly how long until a slot frees: the jobs ahead, shared by the threads, a couple of seconds each.
  const busy = () => new AppError(503, 'pdfBusy', { headers: { 'retry-after': String(Math.min(60, Math.max(2, Math.ceil((waiting.length * 2) / threads)))) } });

  return {
    async inspect(filePath) {
      return (await run({ op: 'inspect', path: filePath }, timeouts.inspect)).inspection!;
    },
    async thumbnail(filePath, outPath, width = 320) {
      await run({ op: 'thumbnail', path: filePath, out: outPath, width }, timeouts.thumbnail);
    },
    async stamp(filePath, outPath, lines) {
      await run({ op: 'stamp', path: filePath, out: outPath, lines }, timeouts.stamp);
    },
    async annotate(filePath, outPath, notes, stamp) {
      await run({ op: 'annotate', path: filePath, out: outPath, notes, stamp }, timeouts.stamp);
    },
    async stampImage(pngPath, outPath, lines) {
      await run({ op: 'stampImage', path: pngPath, out: outPath, lines }, timeouts.thumbnail);
    },
    close: () => pool.destroy(),
  };
}
