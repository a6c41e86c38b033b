/**
 * The meeting's record (issue 12): the secretary's note and the chair's
 * conclusion per agenda item, the tasks the conclusions give to units, and
 * the drafts of the minutes (biên bản) and the conclusion notice (thông báo
 * kết luận) as immutable versions of an OfficialDocument. A version is never
 * changed: an edit adds one, and an approval marks the version it froze.
 */
import { boolean, date, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import type { OfficialDocument } from '../../contract/official-documents.ts';
import { units, users } from './identity.ts';
import { agendaItems, meetings } from './meetings.ts';

export const recordDocumentKind = pgEnum('record_document_kind', ['minutes', 'notice']);
export const recordTaskStatus = pgEnum('record_task_status', ['open', 'done']);

export const recordItemNotes = pgTable(
  'record_item_notes',
  {
    meetingId: uuid('meeting_id')
      .notNull()
      .references(() => meetings.id, { onDelete: 'cascade' }),
    itemId: uuid('item_id')
      .notNull()
      .references(() => agendaItems.id, { onDelete: 'cascade' }),
    note: text('note').notNull().default(''),
    concluded: boolean('concluded').notNull().default(false),
    conclusion: text('conclusion').notNull().default(''),
    updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.meetingId, t.itemId] })],
);

export const recordTasks = pgTable(
  'record_tasks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    meetingId: uuid('meeting_id')
      .notNull()
      .references(() => meetings.id, { onDelete: 'cascade' }),
    itemId: uuid('item_id')
      .notNull()
      .references(() => agendaItems.id, { onDelete: 'cascade' }),
    unitId: uuid('unit_id')
      .notNull()
      .references(() => units.id, { onDelete: 'restrict' }),
    description: text('description').notNull(),
    dueDate: date('due_date', { mode: 'string' }).notNull(),
    status: recordTaskStatus('status').notNull().default('open'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('record_tasks_meeting_idx').on(t.meetingId, t.itemId)],
);

export const recordDocumentVersions = pgTable(
  'record_document_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    meetingId: uuid('meeting_id')
      .notNull()
      .references(() => meetings.id, { onDelete: 'cascade' }),
    kind: recordDocumentKind('kind').notNull(),
    version: integer('version').notNull(),
    content: jsonb('content').$type<OfficialDocument>().notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    approvedBy: uuid('approved_by').references(() => users.id, { onDelete: 'set null' }),
    approvedAt: timestamp('approved_at', { withTimezone: true }),
  },
  // the unique version per document also refuses two saves racing on the same base
  (t) => [unique('record_document_version_unique').on(t.meetingId, t.kind, t.version)],
);
