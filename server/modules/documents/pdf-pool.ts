/**
 * A small pool of worker threads for PDF inspection and thumbnails, so the
 * event loop that serves sockets and API calls stays free while a large file
 * is parsed. One thread fewer than the cores, at least one.
 */
import os from 'node:os';
import { Piscina } from 'piscina';
import { PdfRejectedError, type PdfInspection } from './pdf-inspect.ts';
import type { PdfTask, PdfTaskResult } from './pdf-worker.ts';

export type PdfProcessor = {
  inspect(filePath: string): Promise<PdfInspection>;
  thumbnail(filePath: string, outPath: string, width?: number): Promise<void>;
  close(): Promise<void>;
};

export function createPdfPool(threads = Math.max(1, os.availableParallelism() - 1)): PdfProcessor {
  const pool = new Piscina<PdfTask, PdfTaskResult>({
    filename: new URL('./pdf-worker.ts', import.meta.url).href,
    minThreads: 0,
    maxThreads: threads,
    idleTimeout: 30_000,
  });
  const run = async (task: PdfTask) => {
    const result = await pool.run(task);
    if (result.ok) return result;
    if ('rejection' in result) throw new PdfRejectedError(result.rejection);
    throw new Error(`PDF worker failed: ${result.error}`);
  };
  return {
    async inspect(filePath) {
      return (await run({ op: 'inspect', path: filePath })).inspection!;
    },
    async thumbnail(filePath, outPath, width = 320) {
      await run({ op: 'thumbnail', path: filePath, out: outPath, width });
    },
    close: () => pool.destroy(),
  };
}
