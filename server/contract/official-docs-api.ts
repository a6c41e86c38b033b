/**
 * The REST contract of official documents: a preview of an OfficialDocument
 * rendered for the meeting's secretariat, issuing it (a number from the
 * register, the PDF stored), and the issued documents of a meeting.
 */
import Type, { type Static } from 'typebox';
import { FileBody, Nullable, Uuid } from './common.ts';
import { OfficialDocument } from './official-documents.ts';

export const OfficialDocumentMeetingParams = Type.Object({ meetingId: Uuid }, { additionalProperties: false });
export const IssuedDocumentParams = Type.Object({ meetingId: Uuid, issuedId: Uuid }, { additionalProperties: false });

/** The preview: a draft as the secretariat edits it (its number, if any, is printed as given). */
export const OfficialDocumentPreview = Type.Object({ document: OfficialDocument }, { additionalProperties: false });
export type OfficialDocumentPreview = Static<typeof OfficialDocumentPreview>;

/** The issuing body's abbreviation in the symbol ("UBND", "VP", "TU"): capitals, digits, Đ. */
export const IssuerCode = Type.String({ minLength: 1, maxLength: 20, pattern: '^[A-ZĐ0-9]+(?:-[A-ZĐ0-9]+)*$' });
/** The type's abbreviation (Decree 30, Appendix III): BB, TB, GM, TTr… */
export const TypeCode = Type.String({ minLength: 1, maxLength: 10, pattern: '^[A-ZĐ][A-Za-zĐđ]*$' });

/** Issue: the document (any number it carries is replaced by the register's) and the body's code for the symbol. */
export const OfficialDocumentIssue = Type.Object({ document: OfficialDocument, issuerCode: IssuerCode }, { additionalProperties: false });
export type OfficialDocumentIssue = Static<typeof OfficialDocumentIssue>;

export const SignatureSlotDto = Type.Object({
  signer: Type.Integer({ minimum: 0 }),
  /** 0-based page index */
  page: Type.Integer({ minimum: 0 }),
  x: Type.Number(),
  y: Type.Number(),
  width: Type.Number(),
  height: Type.Number(),
});

export const IssuedDocumentDto = Type.Object({
  id: Uuid,
  meetingId: Uuid,
  typeCode: Type.String(),
  typeName: Type.String(),
  title: Type.String(),
  year: Type.Integer(),
  number: Type.Integer({ minimum: 1 }),
  symbol: Type.String(),
  /** as printed: "Số: 07/BB-UBND" or "Số 123-BB/TU" */
  numberText: Type.String(),
  issuedAt: Type.String({ format: 'date-time' }),
  issuedBy: Nullable(Uuid),
  /** SHA-256 of the issued PDF, hex */
  contentHash: Type.String(),
  /** where each signer's signature goes on the issued PDF (PDF points, origin bottom-left) */
  signatureSlots: Type.Array(SignatureSlotDto),
  /** signatures added so far, in slot order */
  signedCount: Type.Integer({ minimum: 0 }),
  /** every slot signed: the document is delivered to the meeting's participants */
  fullySigned: Type.Boolean(),
});
export type IssuedDocumentDto = Static<typeof IssuedDocumentDto>;

export const IssuedDocumentEnvelope = Type.Object({ document: IssuedDocumentDto });
export const IssuedDocumentListEnvelope = Type.Object({ documents: Type.Array(IssuedDocumentDto) });

export const DOCX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
/** A rendered document as a Word file. */
export const DocxFile = FileBody(DOCX_MEDIA_TYPE);
