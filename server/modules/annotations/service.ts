/**
 * A delegate's private annotations: saved as they draw (idempotent upserts by
 * the client's id, so an offline queue can replay), followed live by their
 * other devices, carried over to a document's new version where their anchor
 * text is still found — the rest kept as "not placed", never dropped.
 */
import { randomUUID } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { AnnotationDto, AnnotationUpsert } from '../../contract/annotations.ts';
import type { SessionUser } from '../../contract/identity.ts';
import { foldVietnamese } from '../../contract/text.ts';
import type { Db } from '../../db/client.ts';
import { annotations } from '../../db/schema/annotations.ts';
import { AppError } from '../../errors.ts';
import type { DomainEvents } from '../../events.ts';
import type { DocumentService } from '../documents/index.ts';
import type { UserService } from '../users/index.ts';

type Row = typeof annotations.$inferSelect;

/** What annotations ask of the documents module: a version the user may read, and a version's page texts. */
export type AnnotationDocuments = Pick<DocumentService, 'readableVersion' | 'pageTexts' | 'annotatedCopy'>;
/** What comments ask of the users module: authors' names. */
export type AnnotationUsers = Pick<UserService, 'namesById'>;

export function toAnnotationDto(row: Row): AnnotationDto {
  return {
    id: row.id,
    documentId: row.documentId,
    version: row.version,
    page: row.page,
    kind: row.kind,
    data: row.data as AnnotationDto['data'],
    anchorText: row.anchorText,
    revision: row.revision,
    deleted: row.deletedAt !== null,
    updatedAt: row.updatedAt.toISOString(),
  };
}

export class AnnotationService {
  readonly #db: Db;
  readonly #documents: AnnotationDocuments;
  readonly #events: DomainEvents;

  constructor(db: Db, documentsService: AnnotationDocuments, events: DomainEvents) {
    this.#db = db;
    this.#documents = documentsService;
    this.#events = events;
  }

  async upsert(user: SessionUser, input: AnnotationUpsert): Promise<AnnotationDto> {
    const version = await this.#documents.readableVersion(user, input.documentId, input.version);
    if (input.page > version.pageCount) throw new AppError(400, 'pageOutOfRange', { field: 'page' });
    const [existing] = await this.#db.select({ userId: annotations.userId }).from(annotations).where(eq(annotations.id, input.id));
    // Someone else's id: answer as if it did not exist.
    if (existing !== undefined && existing.userId !== user.id) throw new AppError(404, 'notFound');
    const values = { page: input.page, kind: input.kind, data: input.data, anchorText: input.anchorText ?? null, updatedAt: new Date(), deletedAt: null };
    const [row] = await this.#db
      .insert(annotations)
      .values({ id: input.id, userId: user.id, documentId: input.documentId, version: input.version, ...values })
      .onConflictDoUpdate({ target: annotations.id, set: { ...values, revision: sql`${annotations.revision} + 1` }, where: eq(annotations.userId, user.id) })
      .returning();
    const dto = toAnnotationDto(row!);
    this.#events.emit('annotations.changed', { userId: user.id, annotation: dto });
    return dto;
  }

  async remove(user: SessionUser, id: string): Promise<AnnotationDto> {
    const [row] = await this.#db
      .update(annotations)
      .set({ deletedAt: new Date(), updatedAt: new Date(), revision: sql`${annotations.revision} + 1` })
      .where(and(eq(annotations.id, id), eq(annotations.userId, user.id)))
      .returning();
    if (row === undefined) throw new AppError(404, 'notFound');
    const dto = toAnnotationDto(row);
    this.#events.emit('annotations.changed', { userId: user.id, annotation: dto });
    return dto;
  }

  async list(user: SessionUser, documentId: string, version: number): Promise<AnnotationDto[]> {
    await this.#documents.readableVersion(user, documentId, version);
    const rows = await this.#db
      .select()
      .from(annotations)
      .where(and(eq(annotations.userId, user.id), eq(annotations.documentId, documentId), eq(annotations.version, version), isNull(annotations.deletedAt)));
    return rows.map(toAnnotationDto);
  }

  /**
   * The document with the reader's own notes drawn on it; confidential ones
   * also carry the reader's stamp. Drawn in the documents' PDF worker pool
   * (a 200 MB file redrawn on the event loop would stall every meeting), as
   * an open file to stream.
   */
  async annotated(user: SessionUser, documentId: string, version: number): Promise<FileHandle> {
    const mine = await this.list(user, documentId, version);
    return this.#documents.annotatedCopy(user, documentId, version, mine);
  }

  /**
   * Copies every live annotation of the old version onto the new one: to the
   * page whose text holds its anchor (the same page number first, then any),
   * or without a page ("not placed") when the anchor is gone or it has none.
   */
  async carryOver(documentId: string, fromVersion: number, toVersion: number): Promise<{ placed: number; unplaced: number }> {
    if (fromVersion < 1) return { placed: 0, unplaced: 0 };
    const rows = await this.#db
      .select()
      .from(annotations)
      .where(and(eq(annotations.documentId, documentId), eq(annotations.version, fromVersion), isNull(annotations.deletedAt)));
    if (rows.length === 0) return { placed: 0, unplaced: 0 };
    const pages = await this.#documents.pageTexts(documentId, toVersion);
    let placed = 0;
    const copies = rows.map((row) => {
      const anchor = row.anchorText === null ? '' : foldVietnamese(row.anchorText);
      let page: number | null = null;
      if (anchor !== '') {
        if (row.page !== null && pages[row.page - 1]?.includes(anchor)) page = row.page;
        else {
          const index = pages.findIndex((text) => text.includes(anchor));
          page = index === -1 ? null : index + 1;
        }
      }
      if (page !== null) placed += 1;
      return { id: randomUUID(), userId: row.userId, documentId, version: toVersion, page, kind: row.kind, data: row.data, anchorText: row.anchorText };
    });
    await this.#db.insert(annotations).values(copies);
    for (const copy of copies) {
      const [row] = await this.#db.select().from(annotations).where(eq(annotations.id, copy.id));
      this.#events.emit('annotations.changed', { userId: copy.userId, annotation: toAnnotationDto(row!) });
    }
    return { placed, unplaced: copies.length - placed };
  }
}
