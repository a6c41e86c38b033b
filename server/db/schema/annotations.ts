/**
 * What delegates write on documents: private annotations (ink, highlights,
 * notes) kept as vector data per user, document version and page, and
 * comments on drafts sent to the secretariat.
 */
import { index, integer, jsonb, pgEnum, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { users } from './identity.ts';
import { documents } from './documents.ts';
import { idColumn, instant, stampedAt, requiredRef, optionalRef } from './columns.ts';

export const annotationKind = pgEnum('annotation_kind', ['ink', 'highlight', 'note']);

export const annotations = pgTable(
  'annotations',
  {
    /** chosen by the client, so an offline queue can resend without duplicates */
    id: uuid('id').primaryKey(),
    userId: requiredRef('user_id', () => users.id, 'cascade'),
    documentId: requiredRef('document_id', () => documents.id, 'cascade'),
    version: integer('version').notNull(),
    /** null when a note could not be placed on a newer version of its document */
    page: integer('page'),
    kind: annotationKind('kind').notNull(),
    data: jsonb('data').notNull(),
    /** text the annotation sits on, used to find its place in a new version */
    anchorText: text('anchor_text'),
    /** bumped by every change; the client's copy with a lower revision is stale */
    revision: integer('revision').notNull().default(1),
    createdAt: stampedAt('created_at'),
    updatedAt: stampedAt('updated_at'),
    deletedAt: instant('deleted_at'),
  },
  (t) => [index('annotations_owner_idx').on(t.userId, t.documentId, t.version)],
);

export const draftComments = pgTable(
  'draft_comments',
  {
    id: idColumn(),
    documentId: requiredRef('document_id', () => documents.id, 'cascade'),
    version: integer('version').notNull(),
    page: integer('page').notNull(),
    selectionText: text('selection_text'),
    body: text('body').notNull(),
    userId: requiredRef('user_id', () => users.id, 'cascade'),
    createdAt: stampedAt('created_at'),
    handledAt: instant('handled_at'),
    handledBy: optionalRef('handled_by', () => users.id, 'set null'),
  },
  (t) => [index('draft_comments_document_idx').on(t.documentId, t.createdAt)],
);
