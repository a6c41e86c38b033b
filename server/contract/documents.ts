/**
 * Shapes of the documents API (upload, versions, access, search) and of
 * notifications. Shared by the REST routes, the web client and the tests.
 */
import Type, { type Static } from 'typebox';
import { FileBody, Nullable, Uuid, VisibleText } from './common.ts';
import { SignatureReportDto } from './signing.ts';

export const DOCUMENT_KINDS = ['submission', 'draft', 'report', 'annex', 'reference'] as const;
export const CONFIDENTIALITY_LEVELS = ['normal', 'confidential', 'secret', 'top_secret'] as const;
export const DOCUMENT_AUDIENCES = ['all', 'delegates', 'named'] as const;

export type DocumentKind = (typeof DOCUMENT_KINDS)[number];
export type Confidentiality = (typeof CONFIDENTIALITY_LEVELS)[number];
export type DocumentAudience = (typeof DOCUMENT_AUDIENCES)[number];

/** Confidential and above: view only, watermarked, printed only through the stamped export. */
export const isViewOnly = (level: Confidentiality) => level !== 'normal';

const Optional = Type.Optional;
const Title = VisibleText(2, 500);
const UuidList = Type.String({ maxLength: 37 * 500, pattern: '^([0-9a-fA-F-]{36})(,[0-9a-fA-F-]{36})*$' });

/** The text fields of a multipart upload (they arrive as strings, before the file part). */
export const DocumentUploadFields = Type.Object(
  {
    title: Title,
    kind: Type.Enum(DOCUMENT_KINDS),
    confidentiality: Optional(Type.Enum(CONFIDENTIALITY_LEVELS)),
    audience: Optional(Type.Enum(DOCUMENT_AUDIENCES)),
    agendaItemId: Optional(Uuid),
    /** comma-separated user ids, for audience "named" */
    readerIds: Optional(UuidList),
  },
  { additionalProperties: false },
);
export type DocumentUploadFields = Static<typeof DocumentUploadFields>;

export const DocumentUpdate = Type.Object(
  {
    title: Optional(Title),
    kind: Optional(Type.Enum(DOCUMENT_KINDS)),
    confidentiality: Optional(Type.Enum(CONFIDENTIALITY_LEVELS)),
    audience: Optional(Type.Enum(DOCUMENT_AUDIENCES)),
    agendaItemId: Optional(Nullable(Uuid)),
    readerIds: Optional(Type.Array(Uuid, { maxItems: 500, uniqueItems: true })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type DocumentUpdate = Static<typeof DocumentUpdate>;

export const DocumentDto = Type.Object({
  id: Uuid,
  meetingId: Uuid,
  agendaItemId: Nullable(Uuid),
  title: Type.String(),
  kind: Type.Enum(DOCUMENT_KINDS),
  confidentiality: Type.Enum(CONFIDENTIALITY_LEVELS),
  audience: Type.Enum(DOCUMENT_AUDIENCES),
  currentVersion: Type.Integer(),
  pageCount: Type.Integer(),
  sizeBytes: Type.Integer(),
  updatedAt: Type.String(),
  /** true for confidential documents: no download, watermark in the viewer */
  viewOnly: Type.Boolean(),
});
export type DocumentDto = Static<typeof DocumentDto>;

export const DocumentVersionDto = Type.Object({
  version: Type.Integer(),
  pageCount: Type.Integer(),
  sizeBytes: Type.Integer(),
  originalFilename: Type.String(),
  /** the original's checksum: given only to those who manage the meeting */
  sha256: Optional(Type.String()),
  createdAt: Type.String(),
});
export type DocumentVersionDto = Static<typeof DocumentVersionDto>;

export const DocumentParams = Type.Object({ documentId: Uuid }, { additionalProperties: false });
export const DocumentVersionParams = Type.Object({ documentId: Uuid, version: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) }, { additionalProperties: false });
export const RevocationBody = Type.Object({ userId: Uuid }, { additionalProperties: false });
export const RevocationParams = Type.Object({ documentId: Uuid, userId: Uuid }, { additionalProperties: false });

export const SearchQuery = Type.Object(
  {
    q: Type.String({ minLength: 2, maxLength: 200 }),
    meetingId: Optional(Uuid),
    limit: Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  },
  { additionalProperties: false },
);
export type SearchQuery = Static<typeof SearchQuery>;

/** A snippet as pieces, so the client highlights matches without ever rendering HTML. */
export const SnippetPart = Type.Object({ text: Type.String(), match: Type.Boolean() });
export type SnippetPart = Static<typeof SnippetPart>;

export const SearchHit = Type.Object({
  documentId: Uuid,
  meetingId: Uuid,
  meetingTitle: Type.String(),
  title: Type.String(),
  version: Type.Integer(),
  page: Type.Integer(),
  matches: Type.Integer(),
  snippet: Type.Array(SnippetPart),
});
export type SearchHit = Static<typeof SearchHit>;

// — response envelopes of the documents routes —

export const DocumentEnvelope = Type.Object({ document: DocumentDto });
export type DocumentEnvelope = Static<typeof DocumentEnvelope>;
export const DocumentListEnvelope = Type.Object({ documents: Type.Array(DocumentDto) });
export type DocumentListEnvelope = Static<typeof DocumentListEnvelope>;
export const DocumentVersionsEnvelope = Type.Object({ versions: Type.Array(DocumentVersionDto) });
export type DocumentVersionsEnvelope = Static<typeof DocumentVersionsEnvelope>;

/** GET /documents/:documentId/versions/:version/signatures: the version's digital signatures, verified (empty: none) */
export const DocumentSignaturesEnvelope = Type.Object({ signatures: Type.Array(SignatureReportDto) });
export type DocumentSignaturesEnvelope = Static<typeof DocumentSignaturesEnvelope>;
export const SearchEnvelope = Type.Object({ hits: Type.Array(SearchHit) });
export type SearchEnvelope = Static<typeof SearchEnvelope>;
/** A version's first page as a picture. */
export const PngFile = FileBody('image/png');

export const NotificationDto = Type.Object({
  id: Uuid,
  kind: Type.String(),
  title: Type.String(),
  meetingId: Nullable(Uuid),
  documentId: Nullable(Uuid),
  createdAt: Type.String(),
  read: Type.Boolean(),
});
export type NotificationDto = Static<typeof NotificationDto>;
