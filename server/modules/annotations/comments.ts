/**
 * Comments on drafts (góp ý dự thảo): a reader pins a comment to a page (and
 * optionally a text selection) of a draft and sends it to the secretariat,
 * who sees them all, filters them and marks them handled.
 */
import { and, asc, eq, isNotNull, isNull, type SQL } from 'drizzle-orm';
import type { DraftCommentCreate, DraftCommentDto } from '../../contract/annotations.ts';
import type { SessionUser } from '../../contract/identity.ts';
import type { Db } from '../../db/client.ts';
import { draftComments } from '../../db/schema/annotations.ts';
import { AppError } from '../../errors.ts';
import type { AnnotationDocuments, AnnotationUsers } from './service.ts';

export class DraftCommentService {
  readonly #db: Db;
  readonly #documents: AnnotationDocuments;
  readonly #users: AnnotationUsers;

  constructor(db: Db, documentsService: AnnotationDocuments, usersService: AnnotationUsers) {
    this.#db = db;
    this.#documents = documentsService;
    this.#users = usersService;
  }

  #current(user: SessionUser, documentId: string) {
    return this.#documents.readableVersion(user, documentId, 'current');
  }

  async create(user: SessionUser, documentId: string, input: DraftCommentCreate): Promise<DraftCommentDto> {
    const version = await this.#documents.readableVersion(user, documentId, input.version);
    if (version.kind !== 'draft') throw new AppError(400, 'commentsOnlyOnDrafts');
    if (input.page > version.pageCount) throw new AppError(400, 'pageOutOfRange', { field: 'page' });
    const [row] = await this.#db
      .insert(draftComments)
      .values({ documentId, version: input.version, page: input.page, selectionText: input.selectionText ?? null, body: input.body.trim(), userId: user.id })
      .returning({ id: draftComments.id });
    return (await this.#query(eq(draftComments.id, row!.id)))[0]!;
  }

  /** The secretariat sees every comment on the document; anyone else, their own. */
  async list(user: SessionUser, documentId: string, filter: { handled?: boolean; page?: number }): Promise<DraftCommentDto[]> {
    const version = await this.#current(user, documentId);
    const conditions: SQL[] = [eq(draftComments.documentId, documentId)];
    if (!version.canManage) conditions.push(eq(draftComments.userId, user.id));
    if (filter.handled !== undefined) conditions.push(filter.handled ? isNotNull(draftComments.handledAt) : isNull(draftComments.handledAt));
    if (filter.page !== undefined) conditions.push(eq(draftComments.page, filter.page));
    return this.#query(and(...conditions)!);
  }

  async setHandled(user: SessionUser, documentId: string, commentId: string, handled: boolean): Promise<DraftCommentDto> {
    const version = await this.#current(user, documentId);
    if (!version.canManage) throw new AppError(403, 'forbidden');
    const [row] = await this.#db
      .update(draftComments)
      .set(handled ? { handledAt: new Date(), handledBy: user.id } : { handledAt: null, handledBy: null })
      .where(and(eq(draftComments.id, commentId), eq(draftComments.documentId, documentId)))
      .returning({ id: draftComments.id });
    if (row === undefined) throw new AppError(404, 'notFound');
    return (await this.#query(eq(draftComments.id, commentId)))[0]!;
  }

  async #query(where: SQL): Promise<DraftCommentDto[]> {
    const rows = await this.#db.select().from(draftComments).where(where).orderBy(asc(draftComments.page), asc(draftComments.createdAt));
    const names = await this.#users.namesById(rows.map((c) => c.userId));
    return rows.flatMap((c) => {
      const fullName = names.get(c.userId)?.fullName;
      return fullName === undefined ? [] : [toDraftCommentDto(c, fullName)];
    });
  }
}

function toDraftCommentDto(c: typeof draftComments.$inferSelect, fullName: string): DraftCommentDto {
  return {
    id: c.id,
    documentId: c.documentId,
    version: c.version,
    page: c.page,
    selectionText: c.selectionText,
    body: c.body,
    author: { userId: c.userId, fullName },
    createdAt: c.createdAt.toISOString(),
    handled: c.handledAt !== null,
  };
}
