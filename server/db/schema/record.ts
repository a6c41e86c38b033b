/**
 * The meeting's record (issue 12): the secretary's note and the chair's
 * conclusion per agenda item, the tasks the conclusions give to units, and
 * the drafts of the minutes (biên bản) and the conclusion notice (thông báo
 * kết luận) as immutable versions of an OfficialDocument. A version is never
 * changed: an edit adds one, and an approval marks the version it froze.
 */
import { boolean, date, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, unique } from 'drizzle-orm/pg-core';
import type { OfficialDocument } from '../../contract/official-documents.ts';
import { units, users } from './identity.ts';
import { agendaItems, meetings } from './meetings.ts';
import { idColumn, instant, stampedAt, requiredRef, optionalRef } from './columns.ts';

export const recordDocumentKind = pgEnum('record_document_kind', ['minutes', 'notice']);
export const recordTaskStatus = pgEnum('record_task_status', ['open', 'done']);

export const recordItemNotes = pgTable(
  'record_item_notes',
  {
    meetingId: requiredRef('meeting_id', () => meetings.id, 'cascade'),
    itemId: requiredRef('item_id', () => agendaItems.id, 'cascade'),
    note: text('note').notNull().default(''),
    concluded: boolean('concluded').notNull().default(false),
    conclusion: text('conclusion').notNull().default(''),
    updatedBy: optionalRef('updated_by', () => users.id, 'set null'),
    updatedAt: stampedAt('updated_at'),
  },
  (t) => [primaryKey({ columns: [t.meetingId, t.itemId] })],
);

export const recordTasks = pgTable(
  'record_tasks',
  {
    id: idColumn(),
    meetingId: requiredRef('meeting_id', () => meetings.id, 'cascade'),
    itemId: requiredRef('item_id', () => agendaItems.id, 'cascade'),
    unitId: requiredRef('unit_id', () => units.id, 'restrict'),
    description: text('description').notNull(),
    dueDate: date('due_date', { mode: 'string' }).notNull(),
    status: recordTaskStatus('status').notNull().default('open'),
    createdAt: stampedAt('created_at'),
  },
  (t) => [index('record_tasks_meeting_idx').on(t.meetingId, t.itemId)],
);

export const recordDocumentVersions = pgTable(
  'record_document_versions',
  {
    id: idColumn(),
    meetingId: requiredRef('meeting_id', () => meetings.id, 'cascade'),
    kind: recordDocumentKind('kind').notNull(),
    version: integer('version').notNull(),
    content: jsonb('content').$type<OfficialDocument>().notNull(),
    createdBy: optionalRef('created_by', () => users.id, 'set null'),
    createdAt: stampedAt('created_at'),
    approvedBy: optionalRef('approved_by', () => users.id, 'set null'),
    approvedAt: instant('approved_at'),
  },
  // the unique version per document also refuses two saves racing on the same base
  (t) => [unique('record_document_version_unique').on(t.meetingId, t.kind, t.version)],
);
