/**
 * Official documents issued from a meeting (biên bản, thông báo kết luận) and
 * the number registers they draw from: one series per issuing unit, year and
 * document type, 1, 2, 3… with no gaps (Decree 30/2020/NĐ-CP, Appendix I).
 */
import { customType, index, integer, jsonb, pgTable, primaryKey, text, unique } from 'drizzle-orm/pg-core';
import type { OfficialDocument, SignatureSlot } from '../../contract/official-documents.ts';
import { idColumn, optionalRef, requiredRef, stampedAt } from './columns.ts';
import { units, users } from './identity.ts';
import { meetings } from './meetings.ts';

const bytea = customType<{ data: Uint8Array; driverData: Buffer }>({
  dataType: () => 'bytea',
  toDriver: (value) => Buffer.from(value),
  fromDriver: (value) => new Uint8Array(value),
});

/** The last number issued in a series; the row is locked by the upsert that takes the next one until the issue commits. */
export const documentNumberRegisters = pgTable(
  'document_number_registers',
  {
    unitId: requiredRef('unit_id', () => units.id, 'cascade'),
    year: integer('year').notNull(),
    typeCode: text('type_code').notNull(),
    lastNumber: integer('last_number').notNull(),
  },
  (t) => [primaryKey({ columns: [t.unitId, t.year, t.typeCode] })],
);

export const issuedDocuments = pgTable(
  'issued_documents',
  {
    id: idColumn(),
    meetingId: requiredRef('meeting_id', () => meetings.id, 'cascade'),
    unitId: requiredRef('unit_id', () => units.id, 'restrict'),
    year: integer('year').notNull(),
    typeCode: text('type_code').notNull(),
    number: integer('number').notNull(),
    /** e.g. "BB-UBND" (state) or "BB/TU" (Party) */
    symbol: text('symbol').notNull(),
    /** the content as issued, number included: the .docx is rendered from it */
    content: jsonb('content').$type<OfficialDocument>().notNull(),
    /** the issued PDF, the file a signature is later appended to */
    pdf: bytea('pdf').notNull(),
    /** where the renderer left room for each signer on this PDF */
    signatureSlots: jsonb('signature_slots').$type<SignatureSlot[]>().notNull(),
    /** SHA-256 of the PDF, hex */
    contentHash: text('content_hash').notNull(),
    issuedAt: stampedAt('issued_at'),
    issuedBy: optionalRef('issued_by', () => users.id, 'set null'),
  },
  (t) => [unique('issued_documents_number_unique').on(t.unitId, t.year, t.typeCode, t.number), index('issued_documents_meeting_idx').on(t.meetingId, t.issuedAt)],
);

/**
 * Each signature added to an issued document, in order (slot 0 the secretary,
 * slot 1 the chair on minutes): the whole PDF after that signature, so the
 * next signer appends to it and the first signature stays valid. The last
 * row's PDF is the document as it stands; the issued one stays untouched.
 */
export const issuedDocumentSignatures = pgTable(
  'issued_document_signatures',
  {
    id: idColumn(),
    issuedId: requiredRef('issued_id', () => issuedDocuments.id, 'cascade'),
    /** the signature slot (0-based, left to right as the renderer laid them out) */
    slot: integer('slot').notNull(),
    pdf: bytea('pdf').notNull(),
    signedBy: optionalRef('signed_by', () => users.id, 'set null'),
    /** the certificate's subject name, as the signature shows it */
    signerName: text('signer_name').notNull(),
    signedAt: stampedAt('signed_at'),
  },
  (t) => [unique('issued_document_signatures_slot_unique').on(t.issuedId, t.slot)],
);
