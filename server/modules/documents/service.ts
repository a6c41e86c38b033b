/**
 * Meeting documents: reading (access checked on every call, since every page
 * view of every tablet comes through here), versions, the stored files, and
 * the writes (upload, new version, settings, revocations), each in the
 * meeting's transaction. The upload pipeline is in uploads.ts, revocations
 * in revocations.ts, search in search.ts; meetings, their roles and agenda are asked of the meetings
 * module.
 */
import type fs from 'node:fs/promises';
import path from 'node:path';
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { AnnotationDto } from '../../contract/annotations.ts';
import type { SessionUser } from '../../contract/identity.ts';
import {
  isViewOnly,
  type DocumentDto,
  type DocumentUpdate,
  type DocumentUploadFields,
  type DocumentVersionDto,
  type SearchHit,
  type SearchQuery,
} from '../../contract/documents.ts';
import type { SignatureReportDto } from '../../contract/signing.ts';
import { foldVietnamese } from '../../contract/text.ts';
import type { Db, Executor } from '../../db/client.ts';
import { documentPages, documentReaders, documents, documentVersions } from '../../db/schema/documents.ts';
import { AppError } from '../../errors.ts';
import { documentFigures, type DocumentFigures } from './reporting.ts';
import type { DomainEvents } from '../../events.ts';
import { assertCanEdit, type MeetingAccess, type MeetingService } from '../meetings/index.ts';
import type { NotificationService } from '../notifications/index.ts';
import { canRead, readableCondition, scopeOf } from './access.ts';
import { AccessCache } from './access-cache.ts';
import { BlobStore } from './blob-store.ts';
import { DocumentCopies, type DocumentUnits } from './copies.ts';
import { createPdfPool, type PdfPoolOptions, type PdfProcessor } from './pdf-pool.ts';
import { notifyReaders, readersOf, toDocumentDto, toVersionDto } from './dto.ts';
import { readableBatch, type ReadableAnswer, type ReadableQuestion } from './readable-batch.ts';
import { restoreReader, revokeReader } from './revocations.ts';
import { searchDocuments } from './search.ts';
import { SignatureCheck, type SignatureVerifier } from './signature-check.ts';
import { meetingVersionFile, versionPageCount, type MeetingVersionFile } from './versions.ts';
import { UploadPipeline, type IncomingFile } from './uploads.ts';

export type { IncomingFile } from './uploads.ts';

type DocumentRow = typeof documents.$inferSelect;
type VersionRow = typeof documentVersions.$inferSelect;

/** What documents asks of the meetings module: access, its transaction, who takes part, the agenda, titles. */
export type DocumentMeetings = Pick<MeetingService, 'access' | 'changeMeeting' | 'roster' | 'hasAgendaItem' | 'participations' | 'titlesById'>;
/** What documents asks of the notifications module. */
export type DocumentNotifications = Pick<NotificationService, 'notify'>;

/** A meeting the user may not see hides its documents too: "not found", never "meeting not found". */
function asDocumentNotFound(error: unknown): never {
  if (error instanceof AppError && error.status === 404) throw new AppError(404, 'documentNotFound');
  throw error;
}

export type DocumentServiceOptions = {
  dataDir: string;
  uploadLimitBytes: number;
  log: FastifyBaseLogger;
  events: DomainEvents;
  units: DocumentUnits;
  pdf?: PdfProcessor;
  pool?: PdfPoolOptions;
  /** how long a granted file read is remembered per session and version (0: never); see access-cache.ts */
  accessCacheMs?: number;
  /** the signatures module's verification (signature-check.ts) */
  signatures: SignatureVerifier;
};

/** What a reader is served for one version: the file (their stamped copy when confidential) and how. */
export type ServedFile = { path: string; stamped: boolean; filename: string; viewOnly: boolean; title: string };


export class DocumentService {
  readonly #db: Db;
  readonly #meetings: DocumentMeetings;
  readonly #notifications: DocumentNotifications;
  readonly #blobs: BlobStore;
  readonly #uploads: UploadPipeline;
  readonly #copies: DocumentCopies;
  readonly #log: FastifyBaseLogger;
  readonly #pdf: PdfProcessor;
  readonly #events: DomainEvents;
  readonly #fileAccess: AccessCache<ServedFile>;
  readonly #askReadable: (question: ReadableQuestion) => Promise<ReadableAnswer>;
  readonly #signatures: SignatureCheck;

  constructor(db: Db, meetingsService: DocumentMeetings, notifications: DocumentNotifications, options: DocumentServiceOptions) {
    this.#db = db;
    this.#meetings = meetingsService;
    this.#notifications = notifications;
    this.#blobs = new BlobStore(path.join(options.dataDir, 'documents'));
    this.#log = options.log;
    this.#pdf = options.pdf ?? createPdfPool({ ...options.pool, onFailure: (op, error) => options.log.warn({ op, error }, 'PDF job failed') });
    this.#copies = new DocumentCopies(this.#pdf, this.#blobs, path.join(options.dataDir, 'documents'), options.units);
    this.#events = options.events;
    this.#signatures = new SignatureCheck(options.signatures);
    this.#askReadable = readableBatch(db);
    this.#fileAccess = new AccessCache({ ttlMs: options.accessCacheMs ?? 500, maxEntries: 20_000 });
    // Whatever may end a reader's access forgets their remembered answers at once (other processes: within the TTL).
    this.#events.on('document.revoked', ({ documentId, userId }) => this.#fileAccess.forgetUser(userId, documentId));
    this.#events.on('meeting.participantRemoved', ({ userId }) => this.#fileAccess.forgetUser(userId));
    this.#events.on('sessions.revoked', ({ userId }) => this.#fileAccess.forgetUser(userId));
    this.#events.on('user.changed', ({ userId }) => this.#fileAccess.forgetUser(userId));
    this.#uploads = new UploadPipeline(db, {
      blobs: this.#blobs,
      pdf: this.#pdf,
      limit: options.uploadLimitBytes,
      log: options.log,
      changeMeeting: (meetingId, change, work) => this.#meetings.changeMeeting(meetingId, change, work),
    });
  }

  get blobs(): BlobStore {
    return this.#blobs;
  }

  /** The PDF worker pool (tests count its renders). */
  get pdf(): PdfProcessor {
    return this.#pdf;
  }

  /** Prepares the copy caches and sweeps uploads a crash left behind, now and every few minutes. */
  /** What the meetings of a report put online and delivered (reporting.ts). */
  figuresFor(reported: Parameters<typeof documentFigures>[1]): Promise<DocumentFigures> {
    return documentFigures(this.#db, reported);
  }

  async start(): Promise<void> {
    await this.#copies.init();
    await this.#uploads.startSweeping();
  }

  /** Stops the sweeper and the PDF worker threads (on shutdown). */
  async close(): Promise<void> {
    this.#uploads.stopSweeping();
    await this.#pdf.close();
  }

  // — reading —

  /** The document, if this user may read it (its meeting's access, then the document's audience and revocations). */
  async #readable(user: SessionUser, documentId: string): Promise<{ doc: DocumentRow; access: MeetingAccess }> {
    const { doc, access } = await this.#readableWith(user, documentId, null);
    return { doc, access };
  }

  /**
   * A version of a document this user may read ('current': the one readers
   * get), read with the document in one query, together with other readers
   * asking at the same moment (readable-batch.ts): a hall's first range
   * requests all come here at once.
   */
  async #readableVersion(user: SessionUser, documentId: string, which: number | 'current'): Promise<{ doc: DocumentRow; access: MeetingAccess; row: VersionRow }> {
    const { doc, access, row } = await this.#readableWith(user, documentId, which);
    if (row === null) throw new AppError(404, 'versionNotFound');
    return { doc, access, row };
  }

  async #readableWith(user: SessionUser, documentId: string, which: number | 'current' | null): Promise<{ doc: DocumentRow; access: MeetingAccess; row: VersionRow | null }> {
    const found = await this.#askReadable({ userId: user.id, documentId, which });
    if (found === null) throw new AppError(404, 'documentNotFound');
    const access = await this.#meetings.access(user, found.doc.meetingId).catch(asDocumentNotFound);
    if (!canRead(access, found.doc.audience, found.named, found.revoked)) throw new AppError(404, 'documentNotFound');
    return { doc: found.doc, access, row: found.row };
  }

  /** The document and the caller's access to its meeting, for a change (which assertCanEdit then allows or not). */
  async #forChange(user: SessionUser, documentId: string): Promise<{ doc: DocumentRow; access: MeetingAccess }> {
    const [doc] = await this.#db.select().from(documents).where(eq(documents.id, documentId)).limit(1);
    if (doc === undefined) throw new AppError(404, 'documentNotFound');
    const access = await this.#meetings.access(user, doc.meetingId).catch(asDocumentNotFound);
    assertCanEdit(access);
    return { doc, access };
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
    const access = await this.#meetings.access(user, meetingId);
    const rows = await this.#db
      .select({ doc: documents, version: documentVersions })
      .from(documents)
      .leftJoin(documentVersions, and(eq(documentVersions.documentId, documents.id), eq(documentVersions.version, documents.currentVersion)))
      .where(and(eq(documents.meetingId, meetingId), readableCondition(user.id, scopeOf(access)), sql`${documents.currentVersion} > 0`))
      .orderBy(asc(documents.createdAt));
    return rows.map((r) => toDocumentDto(r.doc, r.version ?? undefined));
  }

  async get(user: SessionUser, documentId: string): Promise<DocumentDto> {
    const { doc } = await this.#readable(user, documentId);
    const current = doc.currentVersion > 0 ? await this.#version(documentId, doc.currentVersion) : undefined;
    return toDocumentDto(doc, current);
  }

  async versions(user: SessionUser, documentId: string): Promise<DocumentVersionDto[]> {
    const { access } = await this.#readable(user, documentId);
    const rows = await this.#db.select().from(documentVersions).where(eq(documentVersions.documentId, documentId)).orderBy(desc(documentVersions.version));
    return rows.map((row) => toVersionDto(row, access.canManage));
  }

  /**
   * The file of one version, checked against the reader's access on every
   * call. A confidential document's original goes to the secretariat only
   * (view or download); every other reader views their own stamped copy
   * (`stamped`), made in the worker pool, and may not download; `export`
   * is always a stamped copy.
   */
  async file(user: SessionUser, documentId: string, version: number, purpose: 'view' | 'download' | 'export'): Promise<ServedFile> {
    const { doc, access, row } = await this.#readableVersion(user, documentId, version);
    const viewOnly = isViewOnly(doc.confidentiality);
    if (purpose === 'download' && viewOnly && !access.canManage) throw new AppError(403, 'downloadNotAllowed');
    const stamped = purpose === 'export' || (viewOnly && !access.canManage);
    const filePath = stamped ? await this.#copies.readerCopy(user, row.sha256) : this.#blobs.pathFor(row.sha256);
    // Downloads and exports are logged; views come as many range requests, so only at debug level.
    if (viewOnly) this.#log[purpose === 'view' ? 'debug' : 'info']({ documentId, version, userId: user.id, purpose, stamped }, 'confidential document read');
    return { path: filePath, stamped, filename: row.originalFilename, viewOnly, title: doc.title };
  }

  /**
   * `file`, remembered for a moment per session (the many range requests of
   * one viewer); `fresh` asks the database again (the remembered file went missing).
   */
  servedFile(sessionId: string, user: SessionUser, documentId: string, version: number, purpose: 'view' | 'download' | 'export', fresh = false): Promise<ServedFile> {
    const key = { sessionId, documentId, version, purpose };
    if (fresh) this.#fileAccess.forget(key);
    return this.#fileAccess.get(key, user.id, () => this.file(user, documentId, version, purpose));
  }

  /** The version with the reader's own notes drawn on it (stamped when confidential), as an open, already unlinked file. */
  async annotatedCopy(user: SessionUser, documentId: string, version: number, notes: AnnotationDto[]): Promise<fs.FileHandle> {
    const { doc, row } = await this.#readableVersion(user, documentId, version);
    return this.#copies.annotated(user, row.sha256, notes, isViewOnly(doc.confidentiality));
  }

  /** For other modules (annotations, comments): a version this user may read ('current': the one readers get), with what they need to know of it. */
  async readableVersion(user: SessionUser, documentId: string, which: number | 'current') {
    const { doc, access, row } = await this.#readableVersion(user, documentId, which);
    const version = row.version;
    return {
      documentId,
      version,
      kind: doc.kind,
      title: doc.title,
      meetingId: doc.meetingId,
      pageCount: row.pageCount,
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
  versionFile(meetingId: string, documentId: string, version: number): Promise<MeetingVersionFile | null> {
    return meetingVersionFile(this.#db, this.#blobs, meetingId, documentId, version);
  }

  /** The file a wall screen shows: a confidential document only as a copy stamped with the screen's `lines`. */
  async wallFile(displayId: string, lines: string[], file: { path: string; sha256: string; viewOnly: boolean }): Promise<string> {
    return file.viewOnly ? this.#copies.wallCopy(displayId, lines, file.sha256) : file.path;
  }

  /** Texts of every page of a version (for placing notes on a new version). */
  async pageTexts(documentId: string, version: number): Promise<string[]> {
    const row = await this.#version(documentId, version);
    const pages = await this.#db.select().from(documentPages).where(eq(documentPages.versionId, row.id)).orderBy(asc(documentPages.pageNumber));
    return pages.map((p) => p.textSearch);
  }

  /** The first page as a picture, drawn once per version; a confidential one carries the reader's stamp (not the secretariat's). */
  async thumbnail(user: SessionUser, documentId: string, version: number): Promise<{ path: string; viewOnly: boolean }> {
    const { doc, access, row } = await this.#readableVersion(user, documentId, version);
    const viewOnly = isViewOnly(doc.confidentiality);
    return { path: await this.#copies.thumbnail(row.sha256, viewOnly && !access.canManage ? user : null), viewOnly };
  }

  /** The digital signatures of a version the user may read: who signed, when, intact or not, trusted or not (of the original file). */
  async signatures(user: SessionUser, documentId: string, version: number): Promise<SignatureReportDto[]> {
    const { row } = await this.#readableVersion(user, documentId, version);
    return this.#signatures.of({ path: this.#blobs.pathFor(row.sha256), sha256: row.sha256 });
  }

  /** Whether this user may read the document (the presenter's check before the wall shows it). */
  async mayRead(user: SessionUser, documentId: string): Promise<boolean> {
    try {
      await this.#readable(user, documentId);
      return true;
    } catch (error) {
      if (error instanceof AppError && error.status === 404) return false;
      throw error;
    }
  }

  // — writing —

  /** Throws unless the item is on this meeting's agenda. */
  async #assertAgendaItem(meetingId: string, agendaItemId: string | null | undefined): Promise<void> {
    if (agendaItemId == null) return;
    if (!(await this.#meetings.hasAgendaItem(meetingId, agendaItemId))) throw new AppError(400, 'agendaItemNotInMeeting', { field: 'agendaItemId' });
  }

  /** Throws unless every named reader takes part in the meeting. */
  async #assertReaders(meetingId: string, readerIds: string[]): Promise<void> {
    if (readerIds.length === 0) return;
    const wanted = new Set(readerIds.map((id) => id.toLowerCase()));
    const found = (await this.#meetings.roster(meetingId)).filter((p) => wanted.has(p.userId));
    if (found.length !== readerIds.length) throw new AppError(400, 'readerNotParticipant', { field: 'readerIds' });
  }

  async create(user: SessionUser, meetingId: string, fields: DocumentUploadFields, file: IncomingFile): Promise<DocumentDto> {
    const access = await this.#meetings.access(user, meetingId);
    assertCanEdit(access);
    await this.#assertAgendaItem(meetingId, fields.agendaItemId);
    const readerIds = fields.readerIds === undefined ? [] : [...new Set(fields.readerIds.split(',').map((id) => id.toLowerCase()))];
    await this.#assertReaders(meetingId, readerIds);

    const upload = await this.#uploads.stage(file);
    const title = fields.title.trim();
    const documentId = await this.#uploads.store(upload.staged, meetingId, 'documents', async (tx) => {
      const [doc] = await tx
        .insert(documents)
        .values({
          meetingId,
          agendaItemId: fields.agendaItemId ?? null,
          title,
          titleSearch: foldVietnamese(title),
          kind: fields.kind,
          confidentiality: fields.confidentiality ?? 'normal',
          // A confidential document nobody said who reads goes to the voting members, never guests.
          audience: fields.audience ?? (isViewOnly(fields.confidentiality ?? 'normal') ? 'delegates' : 'all'),
          createdBy: user.id,
        })
        .returning({ id: documents.id });
      if (readerIds.length > 0) await tx.insert(documentReaders).values(readerIds.map((userId) => ({ documentId: doc!.id, userId })));
      await this.#uploads.insertVersion(tx, doc!.id, 1, upload, user.id);
      return doc!.id;
    });
    this.#log.info({ documentId, meetingId, pages: upload.inspection.pageCount, bytes: upload.staged.size }, 'document uploaded');
    if (access.meeting.status !== 'draft') await notifyReaders(this.#db, this.#meetings, this.#notifications, documentId, 'document.added', `Tài liệu mới: ${title}`);
    return this.get(user, documentId);
  }

  /** Replacing a document: a new version becomes current; older versions stay readable for the record. */
  async addVersion(user: SessionUser, documentId: string, file: IncomingFile): Promise<DocumentDto> {
    const { doc, access } = await this.#forChange(user, documentId);
    const upload = await this.#uploads.stage(file);
    await this.#uploads.store(upload.staged, doc.meetingId, 'documents', async (tx) => {
      // Row lock: two replacements at once still get versions n+1 and n+2.
      const [locked] = await tx.select({ current: documents.currentVersion }).from(documents).where(eq(documents.id, documentId)).for('update');
      const [last] = await tx
        .select({ max: sql<number>`coalesce(max(${documentVersions.version}), 0)::int` })
        .from(documentVersions)
        .where(eq(documentVersions.documentId, documentId));
      await this.#uploads.insertVersion(tx, documentId, Math.max(locked!.current, last?.max ?? 0) + 1, upload, user.id);
    });
    const current = (await this.#db.select({ v: documents.currentVersion }).from(documents).where(eq(documents.id, documentId)))[0]!.v;
    this.#events.emit('document.versionAdded', { documentId, fromVersion: current - 1, toVersion: current });
    if (access.meeting.status !== 'draft') await notifyReaders(this.#db, this.#meetings, this.#notifications, documentId, 'document.updated', `Tài liệu đã được cập nhật: ${doc.title}`);
    return this.get(user, documentId);
  }

  async update(user: SessionUser, documentId: string, input: DocumentUpdate): Promise<DocumentDto> {
    const { doc } = await this.#forChange(user, documentId);
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
    // Made confidential without a word on the audience: "everyone" narrows to the voting members, as at upload.
    else if (input.confidentiality !== undefined && isViewOnly(input.confidentiality) && doc.audience === 'all') changes.audience = 'delegates';
    if (input.agendaItemId !== undefined) changes.agendaItemId = input.agendaItemId;
    const narrowing = changes.audience !== undefined || input.readerIds !== undefined;
    const before = narrowing ? await readersOf(this.#db, this.#meetings, documentId) : null;
    await this.#meetings.changeMeeting(doc.meetingId, 'documents', async (tx) => {
      await tx.update(documents).set(changes).where(eq(documents.id, documentId));
      if (input.readerIds !== undefined) {
        await tx.delete(documentReaders).where(eq(documentReaders.documentId, documentId));
        if (input.readerIds.length > 0) await tx.insert(documentReaders).values(input.readerIds.map((userId) => ({ documentId, userId })));
      }
    });
    // Readers the new audience leaves out: their open viewers close the document (they check with the server first).
    const after = new Set(before === null ? [] : ((await readersOf(this.#db, this.#meetings, documentId))?.readers ?? []));
    for (const userId of before?.readers.filter((id) => !after.has(id)) ?? []) this.#events.emit('document.revoked', { documentId, userId });
    return this.get(user, documentId);
  }

  async revoke(user: SessionUser, documentId: string, userId: string): Promise<void> {
    const { doc, access } = await this.#readable(user, documentId);
    assertCanEdit(access);
    await revokeReader(this.#meetings, this.#events, { meetingId: doc.meetingId, documentId, userId, revokedBy: user.id });
  }

  async restore(user: SessionUser, documentId: string, userId: string): Promise<void> {
    const { doc, access } = await this.#readable(user, documentId);
    assertCanEdit(access);
    await restoreReader(this.#meetings, { meetingId: doc.meetingId, documentId, userId });
  }

  search(user: SessionUser, query: SearchQuery): Promise<SearchHit[]> {
    return searchDocuments(this.#db, this.#meetings, user, query);
  }

  // read API for live

  /** Pages of one version of one of this meeting's documents; null when the meeting has no such document or version. */
  pageCount(meetingId: string, documentId: string, version: number, executor: Executor = this.#db): Promise<number | null> {
    return versionPageCount(executor, meetingId, documentId, version);
  }
}
