/**
 * The meeting's record (issue 12): notes and conclusions per agenda item, the
 * tasks given to units, and the minutes / conclusion-notice drafts as
 * versions of an OfficialDocument (edited by the meeting's secretariat,
 * approved by its chair, read by its delegates once approved).
 */
import Type, { type Static } from 'typebox';
import { FileBody, Nullable, Uuid } from './common.ts';
import { OfficialDocument } from './official-documents.ts';

const Strict = { additionalProperties: false } as const;

export const RECORD_DOCUMENT_KINDS = ['minutes', 'notice'] as const;
export type RecordDocumentKind = (typeof RECORD_DOCUMENT_KINDS)[number];

export const RecordParams = Type.Object({ meetingId: Uuid }, Strict);
export const RecordItemParams = Type.Object({ meetingId: Uuid, itemId: Uuid }, Strict);
export const RecordTaskParams = Type.Object({ meetingId: Uuid, taskId: Uuid }, Strict);
export const RecordDocumentParams = Type.Object({ meetingId: Uuid, kind: Type.Enum(RECORD_DOCUMENT_KINDS) }, Strict);
export const RecordVersionParams = Type.Object({ meetingId: Uuid, kind: Type.Enum(RECORD_DOCUMENT_KINDS), version: Type.Integer({ minimum: 1, maximum: 100_000 }) }, Strict);

export const IsoDate = Type.String({ format: 'date' });

export const ItemNoteUpdate = Type.Object({ note: Type.String({ maxLength: 20_000 }), concluded: Type.Boolean() }, Strict);
export type ItemNoteUpdate = Static<typeof ItemNoteUpdate>;

export const TaskInput = Type.Object({ unitId: Uuid, description: Type.String({ minLength: 1, maxLength: 2_000 }), dueDate: IsoDate }, Strict);
export const ItemConclusionUpdate = Type.Object({ conclusion: Type.String({ maxLength: 20_000 }), tasks: Type.Array(TaskInput, { maxItems: 50 }) }, Strict);
export type ItemConclusionUpdate = Static<typeof ItemConclusionUpdate>;

export const TaskStatusUpdate = Type.Object({ status: Type.Enum(['open', 'done'] as const) }, Strict);

export const RecordTaskDto = Type.Object({
  id: Uuid,
  itemId: Uuid,
  itemTitle: Type.String(),
  unitId: Uuid,
  unitName: Type.String(),
  description: Type.String(),
  dueDate: Type.String(),
  status: Type.Enum(['open', 'done'] as const),
  /** open and past its due date (the server's today) */
  overdue: Type.Boolean(),
});
export type RecordTaskDto = Static<typeof RecordTaskDto>;

export const RecordItemDto = Type.Object({
  itemId: Uuid,
  position: Type.Integer(),
  title: Type.String(),
  note: Type.String(),
  concluded: Type.Boolean(),
  conclusion: Type.String(),
  updatedAt: Nullable(Type.String()),
  tasks: Type.Array(RecordTaskDto),
});
export type RecordItemDto = Static<typeof RecordItemDto>;

export const RecordEnvelope = Type.Object({ items: Type.Array(RecordItemDto) });
export const RecordItemEnvelope = Type.Object({ item: RecordItemDto });
export const RecordTasksEnvelope = Type.Object({ tasks: Type.Array(RecordTaskDto) });
export const RecordTaskEnvelope = Type.Object({ task: RecordTaskDto });

export const RecordVersionSummary = Type.Object({
  version: Type.Integer(),
  createdAt: Type.String(),
  createdByName: Nullable(Type.String()),
  approvedAt: Nullable(Type.String()),
  approvedByName: Nullable(Type.String()),
});
export type RecordVersionSummary = Static<typeof RecordVersionSummary>;

export const RecordVersionDto = Type.Object({ kind: Type.Enum(RECORD_DOCUMENT_KINDS), summary: RecordVersionSummary, content: OfficialDocument });
export type RecordVersionDto = Static<typeof RecordVersionDto>;

export const RecordDocumentEnvelope = Type.Object({
  kind: Type.Enum(RECORD_DOCUMENT_KINDS),
  versions: Type.Array(RecordVersionSummary),
  latest: Nullable(RecordVersionDto),
  /** whether the caller may edit (the meeting's secretariat) and approve (its chair) */
  canEdit: Type.Boolean(),
  canApprove: Type.Boolean(),
});
export type RecordDocumentEnvelope = Static<typeof RecordDocumentEnvelope>;
export const RecordVersionEnvelope = Type.Object({ document: RecordVersionDto });
export type RecordVersionEnvelope = Static<typeof RecordVersionEnvelope>;

/** A save: the version it was edited from (a stale base is refused, not merged) and the edited content. */
export const RecordVersionSave = Type.Object({ baseVersion: Type.Integer({ minimum: 1, maximum: 100_000 }), content: OfficialDocument }, Strict);
export type RecordVersionSave = Static<typeof RecordVersionSave>;

export const RecordPreviewEnvelope = Type.Object({ content: OfficialDocument });

/** The attendance report as a spreadsheet (UTF-8 CSV with a byte order mark). */
export const AttendanceCsv = FileBody('text/csv');

/** The units a conclusion may give a task to (active ones), for the chair's form: the chair cannot read the unit directory itself. */
export const RecordUnitsEnvelope = Type.Object({ units: Type.Array(Type.Object({ id: Uuid, name: Type.String() })) });
export type RecordUnitsEnvelope = Static<typeof RecordUnitsEnvelope>;
