/**
 * What delegates write on documents: private annotations (ink, highlights,
 * notes) kept as vector data per user, document version and page, and
 * comments on drafts sent to the secretariat.
 */
import { index, integer, jsonb, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './identity.ts';
import { documents } from './documents.ts';

export const annotationKind = pgEnum('annotation_kind', ['ink', 'highlight', 'note']);

export const annotations = pgTable(
  'annotations',
  {
    /** chosen by the client, so an offline queue can resend without duplicates */
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    documentId: uuid('document_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    /** null when a note could not be placed on a newer version of its document */
    page: integer('page'),
    kind: annotationKind('kind').notNull(),
    data: jsonb('data').notNull(),
    /** text the annotation sits on, used to find its place in a new version */
    anchorText: text('anchor_text'),
    /** bumped by every change; the client's copy with a lower revision is stale */
    revision: integer('revision').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [index('annotations_owner_idx').on(t.userId, t.documentId, t.version)],
);

export const draftComments = pgTable(
  'draft_comments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    documentId: uuid('document_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    page: integer('page').notNull(),
    selectionText: text('selection_text'),
    body: text('body').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    handledAt: timestamp('handled_at', { withTimezone: true }),
    handledBy: uuid('handled_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [index('draft_comments_document_idx').on(t.documentId, t.createdAt)],
);
