/**
 * Meeting documents. A document is the logical item ("Tờ trình số 12");
 * each upload makes a version, kept for the record; the file itself is
 * stored once per content hash. Page texts are kept for search.
 */
import { sql } from 'drizzle-orm';
import { bigint, index, integer, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './identity.ts';
import { agendaItems, meetings } from './meetings.ts';

export const documentKind = pgEnum('document_kind', ['submission', 'draft', 'report', 'annex', 'reference']);
export const confidentiality = pgEnum('confidentiality', ['normal', 'confidential', 'secret', 'top_secret']);
export const documentAudience = pgEnum('document_audience', ['all', 'delegates', 'named']);

export const documents = pgTable(
  'documents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    meetingId: uuid('meeting_id')
      .notNull()
      .references(() => meetings.id, { onDelete: 'cascade' }),
    agendaItemId: uuid('agenda_item_id').references(() => agendaItems.id, { onDelete: 'set null' }),
    title: text('title').notNull(),
    titleSearch: text('title_search').notNull(),
    kind: documentKind('kind').notNull(),
    confidentiality: confidentiality('confidentiality').notNull().default('normal'),
    audience: documentAudience('audience').notNull().default('all'),
    /** number of the version readers get; 0 until the first upload completes */
    currentVersion: integer('current_version').notNull().default(0),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('documents_meeting_idx').on(t.meetingId), index('documents_item_idx').on(t.agendaItemId)],
);

export const documentVersions = pgTable(
  'document_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    documentId: uuid('document_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    sha256: text('sha256').notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    pageCount: integer('page_count').notNull(),
    originalFilename: text('original_filename').notNull(),
    uploadedBy: uuid('uploaded_by')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('document_versions_number_idx').on(t.documentId, t.version), index('document_versions_sha_idx').on(t.sha256)],
);

export const documentPages = pgTable(
  'document_pages',
  {
    versionId: uuid('version_id')
      .notNull()
      .references(() => documentVersions.id, { onDelete: 'cascade' }),
    pageNumber: integer('page_number').notNull(),
    text: text('text').notNull(),
    /** folded (no diacritics, lower case) for search that ignores accents */
    textSearch: text('text_search').notNull(),
  },
  (t) => [primaryKey({ columns: [t.versionId, t.pageNumber] })],
);

/** Named readers of a document whose audience is 'named'. */
export const documentReaders = pgTable(
  'document_readers',
  {
    documentId: uuid('document_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.documentId, t.userId] })],
);

/** People whose access to a document was withdrawn; checked on every request. */
export const documentRevocations = pgTable(
  'document_revocations',
  {
    documentId: uuid('document_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    revokedBy: uuid('revoked_by')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [primaryKey({ columns: [t.documentId, t.userId] })],
);
