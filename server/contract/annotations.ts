/**
 * Private annotations and comments on drafts. Coordinates are fractions of
 * the page (0..1, origin top-left), so they stay right at any zoom and on any
 * screen.
 */
import Type, { type Static } from 'typebox';
import { Nullable, Uuid, VisibleText } from './common.ts';

const Fraction = Type.Number({ minimum: 0, maximum: 1 });
const Color = Type.String({ pattern: '^#[0-9a-fA-F]{6}$' });
const Strict = { additionalProperties: false } as const;

export const InkData = Type.Object(
  {
    tool: Type.Enum(['pen', 'highlighter'] as const),
    color: Color,
    /** stroke width as a fraction of the page width */
    width: Type.Number({ minimum: 0.0005, maximum: 0.05 }),
    /** [x, y] or [x, y, pressure] */
    points: Type.Array(Type.Array(Fraction, { minItems: 2, maxItems: 3 }), { minItems: 1, maxItems: 5000 }),
  },
  Strict,
);
export const HighlightData = Type.Object(
  { color: Color, rects: Type.Array(Type.Array(Fraction, { minItems: 4, maxItems: 4 }), { minItems: 1, maxItems: 200 }) },
  Strict,
);
export const NoteData = Type.Object({ x: Fraction, y: Fraction, text: Type.String({ minLength: 1, maxLength: 4000 }), color: Type.Optional(Color) }, Strict);

const Common = {
  id: Uuid,
  documentId: Uuid,
  version: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }),
  page: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }),
  anchorText: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
};

export const AnnotationUpsert = Type.Union([
  Type.Object({ ...Common, kind: Type.Literal('ink'), data: InkData }, Strict),
  Type.Object({ ...Common, kind: Type.Literal('highlight'), data: HighlightData }, Strict),
  Type.Object({ ...Common, kind: Type.Literal('note'), data: NoteData }, Strict),
]);
export type AnnotationUpsert = Static<typeof AnnotationUpsert>;

export const AnnotationRef = Type.Object({ id: Uuid }, Strict);
export const AnnotationListQuery = Type.Object({ documentId: Uuid, version: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) }, Strict);

export const AnnotationDto = Type.Object({
  id: Uuid,
  documentId: Uuid,
  version: Type.Integer(),
  /** null: could not be placed on this version (its anchor text is gone) */
  page: Nullable(Type.Integer()),
  kind: Type.Enum(['ink', 'highlight', 'note'] as const),
  data: Type.Union([InkData, HighlightData, NoteData]),
  anchorText: Nullable(Type.String()),
  revision: Type.Integer(),
  deleted: Type.Boolean(),
  updatedAt: Type.String(),
});
export type AnnotationDto = Static<typeof AnnotationDto>;

export const DraftCommentCreate = Type.Object(
  { version: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }), page: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }), selectionText: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))), body: VisibleText(1, 4000) },
  Strict,
);
export type DraftCommentCreate = Static<typeof DraftCommentCreate>;
export const DraftCommentUpdate = Type.Object({ handled: Type.Boolean() }, Strict);
export const DraftCommentQuery = Type.Object({ handled: Type.Optional(Type.Boolean()), page: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })) }, Strict);
export const DraftCommentParams = Type.Object({ documentId: Uuid, commentId: Uuid }, Strict);

export const DraftCommentDto = Type.Object({
  id: Uuid,
  documentId: Uuid,
  version: Type.Integer(),
  page: Type.Integer(),
  selectionText: Nullable(Type.String()),
  body: Type.String(),
  author: Type.Object({ userId: Uuid, fullName: Type.String() }),
  createdAt: Type.String(),
  handled: Type.Boolean(),
});
export type DraftCommentDto = Static<typeof DraftCommentDto>;

// — response envelopes of the annotations routes —

export const AnnotationListEnvelope = Type.Object({ annotations: Type.Array(AnnotationDto) });
export type AnnotationListEnvelope = Static<typeof AnnotationListEnvelope>;
export const DraftCommentEnvelope = Type.Object({ comment: DraftCommentDto });
export type DraftCommentEnvelope = Static<typeof DraftCommentEnvelope>;
export const DraftCommentListEnvelope = Type.Object({ comments: Type.Array(DraftCommentDto) });
export type DraftCommentListEnvelope = Static<typeof DraftCommentListEnvelope>;
