/**
 * Meeting documents. A document is the logical item ("Tờ trình số 12");
 * each upload makes a version, kept for the record; the file itself is
 * stored once per content hash. Page texts are kept for search.
 */
import { sql } from 'drizzle-orm';
import { bigint, index, integer, pgEnum, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { users } from './identity.ts';
import { agendaItems, meetings } from './meetings.ts';
import { idColumn, instant, stampedAt, requiredRef, optionalRef } from './columns.ts';

export const documentKind = pgEnum('document_kind', ['submission', 'draft', 'report', 'annex', 'reference']);
export const confidentiality = pgEnum('confidentiality', ['normal', 'confidential', 'secret', 'top_secret']);
export const documentAudience = pgEnum('document_audience', ['all', 'delegates', 'named']);

export const documents = pgTable(
  'documents',
  {
    id: idColumn(),
    meetingId: requiredRef('meeting_id', () => meetings.id, 'cascade'),
    agendaItemId: optionalRef('agenda_item_id', () => agendaItems.id, 'set null'),
    title: text('title').notNull(),
    titleSearch: text('title_search').notNull(),
    kind: documentKind('kind').notNull(),
    confidentiality: confidentiality('confidentiality').notNull().default('normal'),
    audience: documentAudience('audience').notNull().default('all'),
    /** number of the version readers get; 0 until the first upload completes */
    currentVersion: integer('current_version').notNull().default(0),
    createdBy: requiredRef('created_by', () => users.id, 'restrict'),
    createdAt: stampedAt('created_at'),
    updatedAt: stampedAt('updated_at'),
  },
  (t) => [index('documents_meeting_idx').on(t.meetingId), index('documents_item_idx').on(t.agendaItemId)],
);

export const documentVersions = pgTable(
  'document_versions',
  {
    id: idColumn(),
    documentId: requiredRef('document_id', () => documents.id, 'cascade'),
    version: integer('version').notNull(),
    sha256: text('sha256').notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    pageCount: integer('page_count').notNull(),
    originalFilename: text('original_filename').notNull(),
    uploadedBy: requiredRef('uploaded_by', () => users.id, 'restrict'),
    createdAt: stampedAt('created_at'),
  },
  (t) => [uniqueIndex('document_versions_number_idx').on(t.documentId, t.version), index('document_versions_sha_idx').on(t.sha256)],
);

export const documentPages = pgTable(
  'document_pages',
  {
    versionId: requiredRef('version_id', () => documentVersions.id, 'cascade'),
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
    documentId: requiredRef('document_id', () => documents.id, 'cascade'),
    userId: requiredRef('user_id', () => users.id, 'cascade'),
  },
  (t) => [primaryKey({ columns: [t.documentId, t.userId] })],
);

/** People whose access to a document was withdrawn; checked on every request. */
export const documentRevocations = pgTable(
  'document_revocations',
  {
    documentId: requiredRef('document_id', () => documents.id, 'cascade'),
    userId: requiredRef('user_id', () => users.id, 'cascade'),
    revokedBy: requiredRef('revoked_by', () => users.id, 'restrict'),
    revokedAt: instant('revoked_at').notNull().default(sql`now()`),
  },
  (t) => [primaryKey({ columns: [t.documentId, t.userId] })],
);
