/**
 * What leaves the server of a document other than its original: thumbnails
 * (one render per version however many ask), readers' stamped copies of
 * confidential documents (name, unit, time drawn into every page), the wall
 * screen's stamped copy, and annotated exports. Every one is made in the PDF
 * worker pool; stamped copies are cached per reader and version
 * (copy-cache.ts) so range requests read stable bytes.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { AnnotationDto } from '../../contract/annotations.ts';
import type { SessionUser } from '../../contract/identity.ts';
import { AppError } from '../../errors.ts';
import { readerStamp, stampTime } from '../../lib/pdf/watermark.ts';
import type { UnitService } from '../units/index.ts';
import type { BlobStore } from './blob-store.ts';
import { CopyCache } from './copy-cache.ts';
import { PdfAdmission } from './pdf-admission.ts';
import type { PdfProcessor } from './pdf-pool.ts';

/** What documents ask of the units module: a reader's unit name for their stamp. */
export type DocumentUnits = Pick<UnitService, 'byIds'>;

/** A stamped copy is re-made (with a fresh time) after a meeting day. */
const COPY_MAX_AGE_MS = 12 * 60 * 60 * 1000;
const COPY_MAX_BYTES = 2 * 1024 * 1024 * 1024;
/** PDF jobs one user may have running or waiting at once */
const JOBS_PER_USER = 2;

export class DocumentCopies {
  readonly #pdf: PdfProcessor;
  readonly #blobs: BlobStore;
  readonly #units: DocumentUnits;
  readonly #thumbDir: string;
  readonly #cache: CopyCache;
  /** thumbnails being drawn, by hash: the second asker waits for the first's render */
  readonly #drawing = new Map<string, Promise<string>>();
  /** versions whose thumbnail overran the worker's limits: not tried again (each try holds a thread for seconds) */
  readonly #undrawable = new Set<string>();
  readonly #admission = new PdfAdmission(JOBS_PER_USER);

  constructor(pdf: PdfProcessor, blobs: BlobStore, documentsDir: string, units: DocumentUnits) {
    this.#pdf = pdf;
    this.#blobs = blobs;
    this.#units = units;
    this.#thumbDir = path.join(documentsDir, 'thumbnails');
    this.#cache = new CopyCache(path.join(documentsDir, 'stamped'), { maxBytes: COPY_MAX_BYTES, maxAgeMs: COPY_MAX_AGE_MS });
  }

  async init(): Promise<void> {
    await this.#cache.init();
    await fs.mkdir(this.#thumbDir, { recursive: true });
  }

  /** The lines stamped on a reader's copy: their name, their unit, the time. */
  async stampOf(user: SessionUser): Promise<string[]> {
    const unit = (await this.#units.byIds([user.unitId])).get(user.unitId);
    return readerStamp(user.fullName, unit?.name ?? null);
  }

  /** The reader's stamped copy of a version (cached per reader and version). */
  async readerCopy(user: SessionUser, sha256: string): Promise<string> {
    return this.#cache.get(`reader-${sha256}-${user.id}.pdf`, (out) =>
      this.#admission.run(user.id, async () => this.#pdf.stamp(this.#blobs.pathFor(sha256), out, await this.stampOf(user))),
    );
  }

  /** A wall screen's stamped copy: the screen's name and the time, as a reader's would carry theirs. */
  async wallCopy(displayId: string, lines: string[], sha256: string): Promise<string> {
    return this.#cache.get(`wall-${sha256}-${displayId}.pdf`, (out) => this.#pdf.stamp(this.#blobs.pathFor(sha256), out, [...lines, stampTime()]));
  }

  /** The first page as a PNG; with `stampFor`, that reader's stamp drawn over it. */
  async thumbnail(sha256: string, stampFor: SessionUser | null): Promise<string> {
    const base = await this.#baseThumbnail(sha256);
    if (stampFor === null) return base;
    return this.#cache.get(`thumb-${sha256}-${stampFor.id}.png`, (out) =>
      this.#admission.run(stampFor.id, async () => this.#pdf.stampImage(base, out, await this.stampOf(stampFor))),
    );
  }

  /** One render per version, whoever asks and however many at once. */
  #baseThumbnail(sha256: string): Promise<string> {
    if (this.#undrawable.has(sha256)) return Promise.reject(new AppError(422, 'pdfTooComplex'));
    const pending = this.#drawing.get(sha256);
    if (pending !== undefined) return pending;
    const drawing = (async () => {
      const thumb = path.join(this.#thumbDir, `${sha256}.png`);
      try {
        await fs.access(thumb);
      } catch {
        await fs.mkdir(this.#thumbDir, { recursive: true });
        await this.#pdf.thumbnail(this.#blobs.pathFor(sha256), thumb).catch((error: unknown) => {
          if (error instanceof AppError && error.key === 'pdfTooComplex') this.#undrawable.add(sha256);
          throw error;
        });
      }
      return thumb;
    })().finally(() => this.#drawing.delete(sha256));
    this.#drawing.set(sha256, drawing);
    return drawing;
  }

  /**
   * The version with the user's notes drawn on it (with their stamp when `stamped`), in a
   * temp file already unlinked: the caller streams the open handle, and
   * nothing stays on disk whatever happens to the request.
   */
  async annotated(user: SessionUser, sha256: string, notes: AnnotationDto[], stamped: boolean): Promise<fs.FileHandle> {
    const out = path.join(this.#cache.dir, `export-${randomBytes(16).toString('hex')}.pdf`);
    try {
      await this.#admission.run(user.id, async () => this.#pdf.annotate(this.#blobs.pathFor(sha256), out, notes, stamped ? await this.stampOf(user) : null));
      return await fs.open(out, 'r');
    } finally {
      await fs.rm(out, { force: true });
    }
  }
}
