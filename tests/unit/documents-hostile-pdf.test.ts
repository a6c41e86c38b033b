/**
 * Findings 13 and 15: crafted PDFs that cost gigabytes or carry what a meeting
 * document must not are refused at inspection, naming the cause; and the
 * worker pool that runs the inspection kills a job that overruns its time and
 * turns callers away (503, Retry-After) when its queue is full.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../server/errors.ts';
import { inspectPdf } from '../../server/modules/documents/pdf-inspect.ts';
import { createPdfPool } from '../../server/modules/documents/pdf-pool.ts';
import {
  makeEmbeddedFilePdf,
  makeHugeImagePdf,
  makeHugePagePdf,
  makeInflateBombPdf,
  makeLaunchPdf,
  makeManyPagesPdf,
  makeObjectStreamJavaScriptPdf,
  makeXfaPdf,
} from '../fixtures/pdf/hostile.ts';
import { makeTextPdf, rejection } from '../fixtures/pdf/make.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hostile-pdf-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('hostile PDFs are refused at inspection', () => {
  it('a content stream that inflates past the cap (300 KB deflated → 300 MB)', async () => {
    expect(await rejection(await makeInflateBombPdf(dir))).toBe('stream-too-large');
  });

  it('the same stream with its /Filter an indirect reference, or behind an ASCIIHex layer', async () => {
    expect(await rejection(await makeInflateBombPdf(dir, 'indirect-filter'))).toBe('stream-too-large');
    expect(await rejection(await makeInflateBombPdf(dir, 'hex'))).toBe('stream-too-large');
  });

  it('a 10000×10000 image', async () => {
    expect(await rejection(await makeHugeImagePdf(dir))).toBe('image-too-large');
  });

  it('a page 20,000 points wide', async () => {
    expect(await rejection(await makeHugePagePdf(dir))).toBe('page-too-large');
  });

  it('more pages than the cap', async () => {
    expect(await rejection(await makeManyPagesPdf(dir))).toBe('too-many-pages');
  });

  it('JavaScript behind a link, packed in an object stream filtered ASCIIHex then Flate', async () => {
    expect(await rejection(await makeObjectStreamJavaScriptPdf(dir))).toBe('javascript');
  });

  it('a Launch action', async () => {
    expect(await rejection(await makeLaunchPdf(dir))).toBe('launch');
  });

  it('an embedded file', async () => {
    expect(await rejection(await makeEmbeddedFilePdf(dir))).toBe('embedded-file');
  });

  it('an XFA form', async () => {
    expect(await rejection(await makeXfaPdf(dir))).toBe('xfa');
  });

  it('a real multi-page report still passes', async () => {
    const report = await makeTextPdf(dir);
    expect((await inspectPdf(report.path)).pageCount).toBe(report.pageCount);
  });
});

describe('the PDF worker pool', () => {
  it('terminates a job that overruns its time, refusing the file as too complex, and keeps working', async () => {
    const report = await makeTextPdf(dir);
    const pool = createPdfPool({ threads: 1, timeouts: { inspect: 1 } });
    try {
      await expect(pool.inspect(report.path)).rejects.toMatchObject({ reason: 'too-complex' });
    } finally {
      await pool.close();
    }
    const patient = createPdfPool({ threads: 1 });
    try {
      expect((await patient.inspect(report.path)).pageCount).toBe(report.pageCount);
    } finally {
      await patient.close();
    }
  });

  it('turns callers away with 503 and Retry-After when its queue is full', async () => {
    const report = await makeTextPdf(dir);
    const pool = createPdfPool({ threads: 1, queueLimit: 1 });
    try {
      const outcomes = await Promise.allSettled([1, 2, 3, 4].map(() => pool.inspect(report.path)));
      const refused = outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason as unknown);
      expect(outcomes.filter((o) => o.status === 'fulfilled').length).toBeGreaterThanOrEqual(1);
      expect(refused.length).toBeGreaterThanOrEqual(1);
      for (const error of refused) {
        expect(error).toBeInstanceOf(AppError);
        expect(error).toMatchObject({ status: 503, key: 'pdfBusy' });
        expect(Number((error as AppError).headers?.['retry-after'])).toBeGreaterThan(0);
      }
    } finally {
      await pool.close();
    }
  });
});
