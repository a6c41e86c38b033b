/**
 * The upload pipeline: a file is streamed to a temp file (within the size
 * limit), converted when it is a Word file, inspected in the PDF worker pool,
 * moved into the content store, and only then recorded, in the meeting's
 * transaction; any failure removes what was written.
 */
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { eq } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import { foldVietnamese } from '../../contract/text.ts';
import type { Db, Tx } from '../../db/client.ts';
import { documentPages, documents, documentVersions } from '../../db/schema/documents.ts';
import { AppError } from '../../errors.ts';
import type { ErrorKey } from '../../i18n/messages.ts';
import { BlobTooLargeError, type BlobStore, type StagedBlob } from './blob-store.ts';
import { convertToPdf, findLibreOffice, isWordFile } from './convert.ts';
import { PdfRejectedError, type PdfInspection, type PdfRejection } from './pdf-inspect.ts';
import { PDF_LIMITS } from './pdf-limits.ts';
import type { PdfProcessor } from './pdf-pool.ts';

/** An uploaded file's stream; `truncated` says whether the multipart limit cut it short. */
export type IncomingFile = { stream: Readable; filename: string; truncated?: () => boolean };

/** A file checked and staged, ready to be recorded as a version. */
export type StagedUpload = { staged: StagedBlob; inspection: PdfInspection; filename: string };

/** How a change of a meeting runs (MeetingService.changeMeeting): one transaction that bumps its version. */
export type ChangeMeeting = <T>(meetingId: string, change: string, work: (tx: Tx) => Promise<T>) => Promise<T>;

const REJECTION_KEYS: Record<PdfRejection, ErrorKey> = {
  'not-pdf': 'notPdf',
  encrypted: 'pdfEncrypted',
  corrupt: 'pdfCorrupt',
  javascript: 'pdfJavascript',
  empty: 'pdfEmpty',
  launch: 'pdfLaunch',
  'embedded-file': 'pdfEmbeddedFile',
  xfa: 'pdfXfa',
  'too-many-pages': 'pdfTooManyPages',
  'page-too-large': 'pdfPageTooLarge',
  'image-too-large': 'pdfImageTooLarge',
  'stream-too-large': 'pdfStreamTooLarge',
  'too-complex': 'pdfTooComplex',
};

/** The cap a refusal names in its message. */
const REJECTION_LIMITS: Partial<Record<PdfRejection, number>> = {
  'too-many-pages': PDF_LIMITS.maxPages,
  'page-too-large': PDF_LIMITS.maxPagePoints,
  'image-too-large': Math.round(PDF_LIMITS.maxImagePixels / 1_000_000),
  'stream-too-large': Math.round(PDF_LIMITS.maxInflatedStreamBytes / 1024 / 1024),
};

/** The client's answer to a refused file: which check, with the cap it broke. */
export function rejectionError(reason: PdfRejection): AppError {
  const limit = REJECTION_LIMITS[reason];
  return new AppError(reason === 'not-pdf' ? 415 : reason === 'too-complex' ? 422 : 400, REJECTION_KEYS[reason], { field: 'file', ...(limit === undefined ? {} : { params: { limit } }) });
}

/** A file name safe to echo back in headers and lists: no path, no control characters. */
export function cleanFilename(name: string): string {
  const base = name.replace(/\\/g, '/').split('/').pop() ?? '';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
  const cleaned = base.replace(/[\u0000-\u001f\u007f"]/g, '').trim().slice(0, 200);
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? 'tai-lieu.pdf' : cleaned;
}

/** Upload temp files older than this are left by a crash (a live upload keeps writing to its file). */
const STALE_UPLOAD_MS = 15 * 60 * 1000;

export class UploadPipeline {
  readonly #db: Db;
  #sweeper: NodeJS.Timeout | undefined;
  readonly #blobs: BlobStore;
  readonly #pdf: PdfProcessor;
  readonly #limit: number;
  readonly #log: FastifyBaseLogger;
  readonly #changeMeeting: ChangeMeeting;

  constructor(db: Db, options: { blobs: BlobStore; pdf: PdfProcessor; limit: number; log: FastifyBaseLogger; changeMeeting: ChangeMeeting }) {
    this.#db = db;
    this.#blobs = options.blobs;
    this.#pdf = options.pdf;
    this.#limit = options.limit;
    this.#log = options.log;
    this.#changeMeeting = options.changeMeeting;
  }

  /** Sweeps the temp files of uploads a crashed process left, now and every few minutes. */
  async startSweeping(): Promise<void> {
    await this.#sweep();
    this.#sweeper = setInterval(() => void this.#sweep(), STALE_UPLOAD_MS / 3);
    this.#sweeper.unref();
  }

  stopSweeping(): void {
    clearInterval(this.#sweeper);
  }

  async #sweep(): Promise<void> {
    try {
      const removed = await this.#blobs.sweepTemp(STALE_UPLOAD_MS);
      if (removed > 0) this.#log.info({ removed }, 'stale upload files swept');
    } catch (error) {
      this.#log.warn({ err: error }, 'sweeping stale uploads failed');
    }
  }

  /** Streams, converts and inspects the file; a rejected file leaves nothing behind. */
  async stage(file: IncomingFile): Promise<StagedUpload> {
    const filename = cleanFilename(file.filename);
    const tooLarge = () => new AppError(413, 'fileTooLarge', { field: 'file', params: { limit: Math.round(this.#limit / 1024 / 1024) } });
    let staged: StagedBlob;
    try {
      staged = await this.#blobs.stage(file.stream, this.#limit);
    } catch (error) {
      if (error instanceof BlobTooLargeError || (error instanceof Error && 'code' in error && error.code === 'FST_REQ_FILE_TOO_LARGE')) throw tooLarge();
      throw error;
    }
    if (file.truncated?.() === true) {
      await this.#blobs.discard(staged);
      throw tooLarge();
    }
    try {
      if (isWordFile(filename)) staged = await this.#convertStaged(staged);
      const inspection = await this.#pdf.inspect(staged.tempPath);
      return { staged, inspection, filename: isWordFile(filename) ? filename.replace(/\.[^.]+$/, '.pdf') : filename };
    } catch (error) {
      await this.#blobs.discard(staged);
      if (error instanceof PdfRejectedError) throw rejectionError(error.reason);
      throw error;
    }
  }

  async #convertStaged(original: StagedBlob): Promise<StagedBlob> {
    const soffice = findLibreOffice();
    if (soffice === undefined) throw new AppError(415, 'wordNeedsLibreOffice', { field: 'file' });
    let converted: { pdfPath: string; workDir: string } | undefined;
    try {
      converted = await convertToPdf(soffice, original.tempPath, 'input.docx');
      return await this.#blobs.stage(createReadStream(converted.pdfPath), this.#limit);
    } catch (error) {
      if (error instanceof AppError) throw error;
      this.#log.warn({ err: error }, 'word conversion failed');
      throw new AppError(400, 'conversionFailed', { field: 'file' });
    } finally {
      await this.#blobs.discard(original);
      if (converted !== undefined) await fs.rm(converted.workDir, { recursive: true, force: true });
    }
  }

  /** Records a staged, inspected file as a version inside `work`; on any failure the blob goes if nothing else uses it. */
  async store<T>(staged: StagedBlob, meetingId: string, change: string, work: (tx: Tx) => Promise<T>): Promise<T> {
    const existed = await this.#blobExists(staged.sha256);
    await this.#blobs.commit(staged);
    try {
      return await this.#changeMeeting(meetingId, change, work);
    } catch (error) {
      if (!existed && !(await this.#blobReferenced(staged.sha256))) await this.#blobs.remove(staged.sha256);
      throw error;
    }
  }

  async #blobExists(sha256: string): Promise<boolean> {
    try {
      await fs.access(this.#blobs.pathFor(sha256));
      return true;
    } catch {
      return false;
    }
  }

  async #blobReferenced(sha256: string): Promise<boolean> {
    const [row] = await this.#db.select({ id: documentVersions.id }).from(documentVersions).where(eq(documentVersions.sha256, sha256)).limit(1);
    return row !== undefined;
  }

  /** The version's row, its pages' texts (for search) and the document's current version, in the caller's transaction. */
  async insertVersion(tx: Tx, documentId: string, version: number, upload: StagedUpload, userId: string) {
    const { staged, inspection, filename } = upload;
    const [row] = await tx
      .insert(documentVersions)
      .values({ documentId, version, sha256: staged.sha256, sizeBytes: staged.size, pageCount: inspection.pageCount, originalFilename: filename, uploadedBy: userId })
      .returning();
    const pages = inspection.pageTexts.map((text, index) => ({ versionId: row!.id, pageNumber: index + 1, text, textSearch: foldVietnamese(text) }));
    for (let i = 0; i < pages.length; i += 500) await tx.insert(documentPages).values(pages.slice(i, i + 500));
    await tx.update(documents).set({ currentVersion: version, updatedAt: new Date() }).where(eq(documents.id, documentId));
    return row!;
  }
}
