/**
 * Meeting documents: upload (streamed to disk, inspected, stored by content
 * hash), versions, access, serving and search.
 *
 * An upload is all or nothing: the file is staged in a temp file, checked,
 * moved into the content store, and only then recorded in one transaction;
 * any failure removes what was written.
 */
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { and, asc, desc, eq, ilike, inArray, sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { SessionUser } from '../../contract/identity.ts';
import {
  isViewOnly,
  type Confidentiality,
  type DocumentDto,
  type DocumentUpdate,
  type DocumentUploadFields,
  type DocumentVersionDto,
  type SearchHit,
  type SearchQuery,
} from '../../contract/documents.ts';
import { foldVietnamese } from '../../contract/text.ts';
import type { Db, Executor } from '../../db/client.ts';
import { containsFolded } from '../../db/search.ts';
import {
  agendaItems,
  documentPages,
  documentReaders,
  documentRevocations,
  documents,
  documentVersions,
  meetingParticipants,
  meetings,
} from '../../db/schema/index.ts';
import { AppError } from '../../errors.ts';
import type { ErrorKey } from '../../i18n/messages.ts';
import type { DomainEvents } from '../../events.ts';
import { accessFor, assertCanEdit, loadAccess, type MeetingAccess } from '../meetings/access.ts';
import type { MeetingService, Tx } from '../meetings/service.ts';
import { canRead, readableDocumentsCondition } from './access.ts';
import { BlobStore, BlobTooLargeError, type StagedBlob } from './blob-store.ts';
import { convertToPdf, findLibreOffice, isWordFile } from './convert.ts';
import { PdfRejectedError, type PdfInspection, type PdfRejection } from './pdf-inspect.ts';
import { createPdfPool, type PdfProcessor } from './pdf-pool.ts';
import { buildSnippet, countMatches } from './snippet.ts';
import type { NotificationService } from '../notifications/service.ts';

type DocumentRow = typeof documents.$inferSelect;
type VersionRow = typeof documentVersions.$inferSelect;

/** An uploaded file's stream; `truncated` says whether the multipart limit cut it short. */
export type IncomingFile = { stream: Readable; filename: string; truncated?: () => boolean };

const REJECTION_KEYS: Record<PdfRejection, ErrorKey> = {
  'not-pdf': 'notPdf',
  encrypted: 'pdfEncrypted',
  corrupt: 'pdfCorrupt',
  javascript: 'pdfJavascript',
  empty: 'pdfEmpty',
};

/** A file name safe to echo back in headers and lists: no path, no control characters. */
export function cleanFilename(name: string): string {
  const base = name.replace(/\\/g, '/').split('/').pop() ?? '';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
  const cleaned = base.replace(/[\u0000-\u001f\u007f"]/g, '').trim().slice(0, 200);
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? 'tai-lieu.pdf' : cleaned;
}

function toVersionDto(v: VersionRow): DocumentVersionDto {
  return { version: v.version, pageCount: v.pageCount, sizeBytes: v.sizeBytes, originalFilename: v.originalFilename, sha256: v.sha256, createdAt: v.createdAt.toISOString() };
}

function toDocumentDto(d: DocumentRow, current: VersionRow | undefined): DocumentDto {
  return {
    id: d.id,
    meetingId: d.meetingId,
    agendaItemId: d.agendaItemId,
    title: d.title,
    kind: d.kind,
    confidentiality: d.confidentiality,
    audience: d.audience,
    currentVersion: d.currentVersion,
    pageCount: current?.pageCount ?? 0,
    sizeBytes: current?.sizeBytes ?? 0,
    updatedAt: d.updatedAt.toISOString(),
    viewOnly: isViewOnly(d.confidentiality),
  };
}

export type DocumentServiceOptions = { dataDir: string; uploadLimitBytes: number; log: FastifyBaseLogger; events: DomainEvents; pdf?: PdfProcessor };

export class DocumentService {
  readonly #db: Db;
  readonly #meetings: MeetingService;
  readonly #notifications: NotificationService;
  readonly #blobs: BlobStore;
  readonly #thumbDir: string;
  readonly #limit: number;
  readonly #log: FastifyBaseLogger;
  readonly #pdf: PdfProcessor;
  readonly #events: DomainEvents;

  constructor(db: Db, meetingsService: MeetingService, notifications: NotificationService, options: DocumentServiceOptions) {
    this.#db = db;
    this.#meetings = meetingsService;
    this.#notifications = notifications;
    this.#blobs = new BlobStore(path.join(options.dataDir, 'documents'));
    this.#thumbDir = path.join(options.dataDir, 'documents', 'thumbnails');
    this.#limit = options.uploadLimitBytes;
    this.#log = options.log;
    this.#pdf = options.pdf ?? createPdfPool();
    this.#events = options.events;
  }

  get blobs(): BlobStore {
    return this.#blobs;
  }

  /** Stops the PDF worker threads (on shutdown). */
  async close(): Promise<void> {
    await this.#pdf.close();
  }

  // — reading —

  /** The document, if this user may read it: one query, since every page view of every tablet comes through here. */
  async #readable(user: SessionUser, documentId: string): Promise<{ doc: DocumentRow; access: MeetingAccess }> {
    const [row] = await this.#db
      .select({
        doc: documents,
        meeting: meetings,
        role: meetingParticipants.role,
        named: sql<boolean>`exists (select 1 from ${documentReaders} where ${documentReaders.documentId} = ${documents.id} and ${documentReaders.userId} = ${user.id})`,
        revoked: sql<boolean>`exists (select 1 from ${documentRevocations} where ${documentRevocations.documentId} = ${documents.id} and ${documentRevocations.userId} = ${user.id})`,
      })
      .from(documents)
      .innerJoin(meetings, eq(meetings.id, documents.meetingId))
      .leftJoin(meetingParticipants, and(eq(meetingParticipants.meetingId, meetings.id), eq(meetingParticipants.userId, user.id)))
      .where(eq(documents.id, documentId))
      .limit(1);
    if (row === undefined) throw new AppError(404, 'documentNotFound');
    const access = accessFor(row.meeting, user, row.role);
    if (!canRead(access, row.doc.audience, row.named, row.revoked)) throw new AppError(404, 'documentNotFound');
    return { doc: row.doc, access };
  }

  async #version(documentId: string, version: number): Promise<VersionRow> {
    const [row] = await this.#db
      .select()
      .from(documentVersions)
      .where(and(eq(documentVersions.documentId, documentId), eq(documentVersions.version, version)))
      .limit(1);
    if (row === undefined) throw new AppError(404, 'versionNotFound');
    return row;
  }

  async list(user: SessionUser, meetingId: string): Promise<DocumentDto[]> {
    await loadAccess(this.#db, meetingId, user);
    const rows = await this.#db
      .select({ doc: documents, version: documentVersions })
      .from(documents)
      .innerJoin(meetings, eq(meetings.id, documents.meetingId))
      .leftJoin(documentVersions, and(eq(documentVersions.documentId, documents.id), eq(documentVersions.version, documents.currentVersion)))
      .where(and(eq(documents.meetingId, meetingId), readableDocumentsCondition(user), sql`${documents.currentVersion} > 0`))
      .orderBy(asc(documents.createdAt));
    return rows.map((r) => toDocumentDto(r.doc, r.version ?? undefined));
  }

  async get(user: SessionUser, documentId: string): Promise<DocumentDto> {
    const { doc } = await this.#readable(user, documentId);
    const current = doc.currentVersion > 0 ? await this.#version(documentId, doc.currentVersion) : undefined;
    return toDocumentDto(doc, current);
  }

  async versions(user: SessionUser, documentId: string): Promise<DocumentVersionDto[]> {
    await this.#readable(user, documentId);
    const rows = await this.#db.select().from(documentVersions).where(eq(documentVersions.documentId, documentId)).orderBy(desc(documentVersions.version));
    return rows.map(toVersionDto);
  }

  /** The stored file of one version, checked against the reader's access on every call. */
  async file(user: SessionUser, documentId: string, version: number, purpose: 'view' | 'download') {
    const { doc } = await this.#readable(user, documentId);
    if (purpose === 'download' && isViewOnly(doc.confidentiality)) throw new AppError(403, 'downloadNotAllowed');
    const row = await this.#version(documentId, version);
    return { path: this.#blobs.pathFor(row.sha256), sha256: row.sha256, filename: row.originalFilename, viewOnly: isViewOnly(doc.confidentiality), title: doc.title };
  }

  /** For other modules (annotations, comments): a version this user may read, with what they need to know of it. */
  async readableVersion(user: SessionUser, documentId: string, version: number) {
    const { doc, access } = await this.#readable(user, documentId);
    const row = await this.#version(documentId, version);
    return {
      documentId,
      version,
      kind: doc.kind,
      title: doc.title,
      meetingId: doc.meetingId,
      pageCount: row.pageCount,
      path: this.#blobs.pathFor(row.sha256),
      viewOnly: isViewOnly(doc.confidentiality),
      canManage: access.canManage,
      currentVersion: doc.currentVersion,
    };
  }

  /**
   * One stored version of a document of this meeting (another meeting's
   * document, or a missing version → null), with its confidentiality.
   * No user check: the caller (a paired hall display) has been authorised by
   * its pairing, and asks only for the version presented in its meeting.
   */
  async versionFile(meetingId: string, documentId: string, version: number): Promise<{ path: string; filename: string; confidentiality: Confidentiality; viewOnly: boolean } | null> {
    const [row] = await this.#db
      .select({ sha256: documentVersions.sha256, filename: documentVersions.originalFilename, confidentiality: documents.confidentiality })
      .from(documentVersions)
      .innerJoin(documents, eq(documents.id, documentVersions.documentId))
      .where(and(eq(documentVersions.documentId, documentId), eq(documentVersions.version, version), eq(documents.meetingId, meetingId)))
      .limit(1);
    if (row === undefined) return null;
    return { path: this.#blobs.pathFor(row.sha256), filename: row.filename, confidentiality: row.confidentiality, viewOnly: isViewOnly(row.confidentiality) };
  }

  /** Texts of every page of a version (for placing notes on a new version). */
  async pageTexts(documentId: string, version: number): Promise<string[]> {
    const row = await this.#version(documentId, version);
    const pages = await this.#db.select().from(documentPages).where(eq(documentPages.versionId, row.id)).orderBy(asc(documentPages.pageNumber));
    return pages.map((p) => p.textSearch);
  }

  async thumbnail(user: SessionUser, documentId: string, version: number): Promise<string> {
    await this.#readable(user, documentId);
    const row = await this.#version(documentId, version);
    const thumb = path.join(this.#thumbDir, `${row.sha256}.png`);
    try {
      await fs.access(thumb);
    } catch {
      await fs.mkdir(this.#thumbDir, { recursive: true });
      await this.#pdf.thumbnail(this.#blobs.pathFor(row.sha256), thumb);
    }
    return thumb;
  }

  // — writing —

  async #stageUpload(file: IncomingFile): Promise<{ staged: StagedBlob; inspection: PdfInspection; filename: string }> {
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
      if (error instanceof PdfRejectedError) throw new AppError(error.reason === 'not-pdf' ? 415 : 400, REJECTION_KEYS[error.reason], { field: 'file' });
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
  async #storeVersion<T>(staged: StagedBlob, meetingId: string, change: string, work: (tx: Tx) => Promise<T>): Promise<T> {
    const existed = await this.#blobExists(staged.sha256);
    await this.#blobs.commit(staged);
    try {
      return await this.#meetings.changeMeeting(meetingId, change, work);
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

  async #insertVersion(tx: Tx, documentId: string, version: number, staged: StagedBlob, inspection: PdfInspection, filename: string, userId: string) {
    const [row] = await tx
      .insert(documentVersions)
      .values({ documentId, version, sha256: staged.sha256, sizeBytes: staged.size, pageCount: inspection.pageCount, originalFilename: filename, uploadedBy: userId })
      .returning();
    const pages = inspection.pageTexts.map((text, index) => ({ versionId: row!.id, pageNumber: index + 1, text, textSearch: foldVietnamese(text) }));
    for (let i = 0; i < pages.length; i += 500) await tx.insert(documentPages).values(pages.slice(i, i + 500));
    await tx.update(documents).set({ currentVersion: version, updatedAt: new Date() }).where(eq(documents.id, documentId));
    return row!;
  }

  async #assertAgendaItem(meetingId: string, agendaItemId: string | null | undefined): Promise<void> {
    if (agendaItemId == null) return;
    const [item] = await this.#db
      .select({ id: agendaItems.id })
      .from(agendaItems)
      .where(and(eq(agendaItems.id, agendaItemId), eq(agendaItems.meetingId, meetingId)));
    if (item === undefined) throw new AppError(400, 'agendaItemNotInMeeting', { field: 'agendaItemId' });
  }

  async #assertReaders(meetingId: string, readerIds: string[]): Promise<void> {
    if (readerIds.length === 0) return;
    const rows = await this.#db
      .select({ userId: meetingParticipants.userId })
      .from(meetingParticipants)
      .where(and(eq(meetingParticipants.meetingId, meetingId), inArray(meetingParticipants.userId, readerIds)));
    if (rows.length !== readerIds.length) throw new AppError(400, 'readerNotParticipant', { field: 'readerIds' });
  }

  async create(user: SessionUser, meetingId: string, fields: DocumentUploadFields, file: IncomingFile): Promise<DocumentDto> {
    const access = await loadAccess(this.#db, meetingId, user);
    assertCanEdit(access);
    await this.#assertAgendaItem(meetingId, fields.agendaItemId);
    const readerIds = fields.readerIds === undefined ? [] : [...new Set(fields.readerIds.split(',').map((id) => id.toLowerCase()))];
    await this.#assertReaders(meetingId, readerIds);

    const { staged, inspection, filename } = await this.#stageUpload(file);
    const title = fields.title.trim();
    const documentId = await this.#storeVersion(staged, meetingId, 'documents', async (tx) => {
      const [doc] = await tx
        .insert(documents)
        .values({
          meetingId,
          agendaItemId: fields.agendaItemId ?? null,
          title,
          titleSearch: foldVietnamese(title),
          kind: fields.kind,
          confidentiality: fields.confidentiality ?? 'normal',
          audience: fields.audience ?? 'all',
          createdBy: user.id,
        })
        .returning({ id: documents.id });
      if (readerIds.length > 0) await tx.insert(documentReaders).values(readerIds.map((userId) => ({ documentId: doc!.id, userId })));
      await this.#insertVersion(tx, doc!.id, 1, staged, inspection, filename, user.id);
      return doc!.id;
    });
    this.#log.info({ documentId, meetingId, pages: inspection.pageCount, bytes: staged.size }, 'document uploaded');
    if (access.meeting.status !== 'draft') await this.#notifyReaders(documentId, 'document.added', `Tài liệu mới: ${title}`);
    return this.get(user, documentId);
  }

  /** Replacing a document: a new version becomes current; older versions stay readable for the record. */
  async addVersion(user: SessionUser, documentId: string, file: IncomingFile): Promise<DocumentDto> {
    const [doc] = await this.#db.select().from(documents).where(eq(documents.id, documentId)).limit(1);
    if (doc === undefined) throw new AppError(404, 'documentNotFound');
    const access = await loadAccess(this.#db, doc.meetingId, user).catch(() => {
      throw new AppError(404, 'documentNotFound');
    });
    assertCanEdit(access);
    const { staged, inspection, filename } = await this.#stageUpload(file);
    await this.#storeVersion(staged, doc.meetingId, 'documents', async (tx) => {
      // Row lock: two replacements at once still get versions n+1 and n+2.
      const [locked] = await tx.select({ current: documents.currentVersion }).from(documents).where(eq(documents.id, documentId)).for('update');
      const [last] = await tx
        .select({ max: sql<number>`coalesce(max(${documentVersions.version}), 0)::int` })
        .from(documentVersions)
        .where(eq(documentVersions.documentId, documentId));
      await this.#insertVersion(tx, documentId, Math.max(locked!.current, last?.max ?? 0) + 1, staged, inspection, filename, user.id);
    });
    const current = (await this.#db.select({ v: documents.currentVersion }).from(documents).where(eq(documents.id, documentId)))[0]!.v;
    this.#events.emit('document.versionAdded', { documentId, fromVersion: current - 1, toVersion: current });
    if (access.meeting.status !== 'draft') await this.#notifyReaders(documentId, 'document.updated', `Tài liệu đã được cập nhật: ${doc.title}`);
    return this.get(user, documentId);
  }

  async update(user: SessionUser, documentId: string, input: DocumentUpdate): Promise<DocumentDto> {
    const [doc] = await this.#db.select().from(documents).where(eq(documents.id, documentId)).limit(1);
    if (doc === undefined) throw new AppError(404, 'documentNotFound');
    const access = await loadAccess(this.#db, doc.meetingId, user).catch(() => {
      throw new AppError(404, 'documentNotFound');
    });
    assertCanEdit(access);
    await this.#assertAgendaItem(doc.meetingId, input.agendaItemId);
    if (input.readerIds !== undefined) await this.#assertReaders(doc.meetingId, input.readerIds);
    const changes: Partial<typeof documents.$inferInsert> = { updatedAt: new Date() };
    if (input.title !== undefined) {
      changes.title = input.title.trim();
      changes.titleSearch = foldVietnamese(changes.title);
    }
    if (input.kind !== undefined) changes.kind = input.kind;
    if (input.confidentiality !== undefined) changes.confidentiality = input.confidentiality;
    if (input.audience !== undefined) changes.audience = input.audience;
    if (input.agendaItemId !== undefined) changes.agendaItemId = input.agendaItemId;
    await this.#meetings.changeMeeting(doc.meetingId, 'documents', async (tx) => {
      await tx.update(documents).set(changes).where(eq(documents.id, documentId));
      if (input.readerIds !== undefined) {
        await tx.delete(documentReaders).where(eq(documentReaders.documentId, documentId));
        if (input.readerIds.length > 0) await tx.insert(documentReaders).values(input.readerIds.map((userId) => ({ documentId, userId })));
      }
    });
    return this.get(user, documentId);
  }

  async revoke(user: SessionUser, documentId: string, userId: string): Promise<void> {
    const { doc, access } = await this.#readable(user, documentId);
    assertCanEdit(access);
    await this.#meetings.changeMeeting(doc.meetingId, 'documents', (tx) =>
      tx.insert(documentRevocations).values({ documentId, userId, revokedBy: user.id }).onConflictDoNothing(),
    );
  }

  async restore(user: SessionUser, documentId: string, userId: string): Promise<void> {
    const { doc, access } = await this.#readable(user, documentId);
    assertCanEdit(access);
    await this.#meetings.changeMeeting(doc.meetingId, 'documents', (tx) =>
      tx.delete(documentRevocations).where(and(eq(documentRevocations.documentId, documentId), eq(documentRevocations.userId, userId))),
    );
  }

  /** Notifies every participant who may read the document (not the uploader's secretariat colleagues twice). */
  async #notifyReaders(documentId: string, kind: string, title: string): Promise<void> {
    const [doc] = await this.#db.select().from(documents).where(eq(documents.id, documentId));
    if (doc === undefined) return;
    const participants = await this.#db
      .select({ userId: meetingParticipants.userId, role: meetingParticipants.role })
      .from(meetingParticipants)
      .where(eq(meetingParticipants.meetingId, doc.meetingId));
    const named = new Set(
      (await this.#db.select({ userId: documentReaders.userId }).from(documentReaders).where(eq(documentReaders.documentId, documentId))).map((r) => r.userId),
    );
    const revoked = new Set(
      (await this.#db.select({ userId: documentRevocations.userId }).from(documentRevocations).where(eq(documentRevocations.documentId, documentId))).map((r) => r.userId),
    );
    const readers = participants
      .filter((p) => !revoked.has(p.userId))
      .filter((p) => doc.audience === 'all' || (doc.audience === 'delegates' && p.role !== 'guest') || named.has(p.userId))
      .map((p) => p.userId);
    await this.#notifications.notify(readers, { kind, title, meetingId: doc.meetingId, documentId });
  }

  // — search —

  async search(user: SessionUser, query: SearchQuery): Promise<SearchHit[]> {
    const folded = foldVietnamese(query.q);
    if (folded.length < 2) return [];
    const pattern = containsFolded(query.q);
    const rows = await this.#db
      .select({
        documentId: documents.id,
        meetingId: meetings.id,
        meetingTitle: meetings.title,
        title: documents.title,
        version: documentVersions.version,
        page: documentPages.pageNumber,
        text: documentPages.text,
        textSearch: documentPages.textSearch,
      })
      .from(documentPages)
      .innerJoin(documentVersions, eq(documentVersions.id, documentPages.versionId))
      .innerJoin(documents, and(eq(documents.id, documentVersions.documentId), eq(documents.currentVersion, documentVersions.version)))
      .innerJoin(meetings, eq(meetings.id, documents.meetingId))
      .where(and(ilike(documentPages.textSearch, pattern), readableDocumentsCondition(user), query.meetingId === undefined ? undefined : eq(meetings.id, query.meetingId)))
      .limit(1000);
    const titleBonus = (title: string) => (foldVietnamese(title).includes(folded) ? 5 : 0);
    return rows
      .map((r) => ({ ...r, matches: countMatches(r.textSearch, folded) }))
      .sort((a, b) => b.matches + titleBonus(b.title) - (a.matches + titleBonus(a.title)) || a.page - b.page)
      .slice(0, query.limit ?? 20)
      .map((r) => ({
        documentId: r.documentId,
        meetingId: r.meetingId,
        meetingTitle: r.meetingTitle,
        title: r.title,
        version: r.version,
        page: r.page,
        matches: r.matches,
        snippet: buildSnippet(r.text, query.q),
      }));
  }

  // read API for live

  /** Pages of one version of one of this meeting's documents; null when the meeting has no such document or version. */
  async pageCount(meetingId: string, documentId: string, version: number, executor: Executor = this.#db): Promise<number | null> {
    const [row] = await executor
      .select({ pages: documentVersions.pageCount })
      .from(documentVersions)
      .innerJoin(documents, eq(documents.id, documentVersions.documentId))
      .where(and(eq(documents.id, documentId), eq(documents.meetingId, meetingId), eq(documentVersions.version, version)));
    return row?.pages ?? null;
  }
}
