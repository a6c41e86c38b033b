/**
 * Rendering previews, issuing documents and handing issued ones out. A number
 * is taken from the register inside the same transaction that stores the
 * issued document: the upsert-increment locks the register's row until the
 * commit, so two secretaries issuing at once get consecutive numbers, and a
 * failed issue (rendering, storage) rolls its number back: no gaps. The PDF
 * is rendered before the lock under the number the register will most likely
 * give, and again inside it only when that guess lost a race.
 */
import { createHash } from 'node:crypto';
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { SessionUser } from '../../contract/identity.ts';
import type { IssuedDocumentDto, OfficialDocumentIssue } from '../../contract/official-docs-api.ts';
import type { OfficialDocument } from '../../contract/official-documents.ts';
import type { Db, Executor } from '../../db/client.ts';
import { documentNumberRegisters, issuedDocumentSignatures, issuedDocuments } from '../../db/schema/official-docs.ts';
import { AppError } from '../../errors.ts';
import type { MeetingAccess, MeetingService } from '../meetings/index.ts';
import { numberLine, symbolFor, yearOf } from './numbering.ts';
import { renderDocx } from './render-docx.ts';
import { renderPdf } from './render-pdf.ts';

export type OfficialDocsMeetings = Pick<MeetingService, 'access'>;

type IssuedRow = typeof issuedDocuments.$inferSelect;

function toDto(row: Omit<IssuedRow, 'pdf'>, signedCount: number): IssuedDocumentDto {
  return {
    id: row.id,
    meetingId: row.meetingId,
    typeCode: row.typeCode,
    typeName: row.content.typeName,
    title: row.content.title,
    year: row.year,
    number: row.number,
    symbol: row.symbol,
    numberText: numberLine(row.content),
    issuedAt: row.issuedAt.toISOString(),
    issuedBy: row.issuedBy,
    contentHash: row.contentHash,
    signatureSlots: row.signatureSlots,
    signedCount,
    fullySigned: row.signatureSlots.length > 0 && signedCount >= row.signatureSlots.length,
  };
}

/** One signature as stored: the slot, who signed (the account and the certificate's name), when. */
export type StoredSignature = { slot: number; signedBy: string | null; signerName: string; signedAt: Date };

/**
 * Who sees a document before every slot is signed: the secretariat, and the
 * signers (the meeting's chair and secretary). Delegates and guests see it
 * once it is fully signed: then it is delivered to them, read-only.
 */
const seesUnsigned = (access: MeetingAccess) => access.canManage || access.myRole === 'chair' || access.myRole === 'secretary';

/** The next number of a register, locking its row until the caller's transaction ends. */
export async function takeNumber(executor: Executor, unitId: string, year: number, typeCode: string): Promise<number> {
  const [row] = await executor
    .insert(documentNumberRegisters)
    .values({ unitId, year, typeCode, lastNumber: 1 })
    .onConflictDoUpdate({
      target: [documentNumberRegisters.unitId, documentNumberRegisters.year, documentNumberRegisters.typeCode],
      set: { lastNumber: sql`${documentNumberRegisters.lastNumber} + 1` },
    })
    .returning({ number: documentNumberRegisters.lastNumber });
  return row!.number;
}

const columnsWithoutPdf = {
  id: issuedDocuments.id,
  meetingId: issuedDocuments.meetingId,
  unitId: issuedDocuments.unitId,
  year: issuedDocuments.year,
  typeCode: issuedDocuments.typeCode,
  number: issuedDocuments.number,
  symbol: issuedDocuments.symbol,
  content: issuedDocuments.content,
  signatureSlots: issuedDocuments.signatureSlots,
  contentHash: issuedDocuments.contentHash,
  issuedAt: issuedDocuments.issuedAt,
  issuedBy: issuedDocuments.issuedBy,
};

export class OfficialDocsService {
  readonly #db: Db;
  readonly #meetings: OfficialDocsMeetings;

  constructor(db: Db, meetings: OfficialDocsMeetings) {
    this.#db = db;
    this.#meetings = meetings;
  }

  async #managed(user: SessionUser, meetingId: string) {
    const access = await this.#meetings.access(user, meetingId);
    if (!access.canManage) throw new AppError(403, 'forbidden');
    return access;
  }

  /** A draft rendered for the meeting's secretariat; nothing is stored. */
  async previewPdf(user: SessionUser, meetingId: string, document: OfficialDocument): Promise<Uint8Array> {
    await this.#managed(user, meetingId);
    return (await renderPdf(checked(document))).pdf;
  }

  async previewDocx(user: SessionUser, meetingId: string, document: OfficialDocument): Promise<Uint8Array> {
    await this.#managed(user, meetingId);
    return renderDocx(checked(document));
  }

  /** Issues the document under the next number of the organising unit's register for its type and year. */
  async issue(user: SessionUser, meetingId: string, input: OfficialDocumentIssue): Promise<IssuedDocumentDto> {
    const access = await this.#managed(user, meetingId);
    const draft = checked(input.document);
    // the type code keys the register: one spelling per type, so "bb" and "BB" are not two series
    if (!/^[A-ZĐ][A-Za-zĐđ]{0,9}$/u.test(draft.typeCode)) throw new AppError(400, 'officialDocumentTypeCode', { field: 'typeCode' });
    const unitId = access.meeting.organizerUnitId;
    const year = yearOf(draft.date);
    const symbol = symbolFor(draft.issuerKind, draft.typeCode, input.issuerCode);
    // Rendering takes a while: it is done before the register's row is locked, under the number the register
    // will most likely give (its last one plus one, read without a lock). Inside the lock the number is taken;
    // if another issue took that one meanwhile, this one renders again under its real number there, so the
    // no-gap rule never depends on the guess and the lock is held for the render only under contention.
    const numbered = (number: number): OfficialDocument => ({ ...draft, number: { number, symbol } });
    const guess = (await this.#lastNumber(unitId, year, draft.typeCode)) + 1;
    const early = await renderPdf(numbered(guess));
    const row = await this.#db.transaction(async (tx) => {
      const number = await takeNumber(tx, unitId, year, draft.typeCode);
      const content = numbered(number);
      const { pdf, signatureSlots } = number === guess ? early : await renderPdf(content);
      const [inserted] = await tx
        .insert(issuedDocuments)
        .values({ meetingId, unitId, year, typeCode: draft.typeCode, number, symbol, content, pdf, signatureSlots, contentHash: createHash('sha256').update(pdf).digest('hex'), issuedBy: user.id })
        .returning(columnsWithoutPdf);
      return inserted!;
    });
    return toDto(row, 0);
  }

  /** The register's last number (0 for a new one), read without a lock: only a guess for rendering early. */
  async #lastNumber(unitId: string, year: number, typeCode: string): Promise<number> {
    const [row] = await this.#db
      .select({ lastNumber: documentNumberRegisters.lastNumber })
      .from(documentNumberRegisters)
      .where(and(eq(documentNumberRegisters.unitId, unitId), eq(documentNumberRegisters.year, year), eq(documentNumberRegisters.typeCode, typeCode)));
    return row?.lastNumber ?? 0;
  }

  async #signedCounts(issuedIds: string[]): Promise<Map<string, number>> {
    if (issuedIds.length === 0) return new Map();
    const rows = await this.#db
      .select({ issuedId: issuedDocumentSignatures.issuedId, count: sql<number>`count(*)::int` })
      .from(issuedDocumentSignatures)
      .where(inArray(issuedDocumentSignatures.issuedId, issuedIds))
      .groupBy(issuedDocumentSignatures.issuedId);
    return new Map(rows.map((r) => [r.issuedId, r.count]));
  }

  /** The latest PDF of an issued document: the last signature's, or the issued one when nobody signed yet. */
  async #latestPdf(issuedId: string, original: Uint8Array): Promise<Uint8Array> {
    const [last] = await this.#db.select({ pdf: issuedDocumentSignatures.pdf }).from(issuedDocumentSignatures).where(eq(issuedDocumentSignatures.issuedId, issuedId)).orderBy(desc(issuedDocumentSignatures.slot)).limit(1);
    return last?.pdf ?? original;
  }

  /**
   * For the signing module, with no caller check (the caller has checked):
   * the document, its PDF as it stands (the next signature is appended to
   * it) and the signatures so far.
   */
  async forSigning(meetingId: string, issuedId: string): Promise<{ document: IssuedDocumentDto; pdf: Uint8Array; signatures: StoredSignature[] }> {
    const [row] = await this.#db.select().from(issuedDocuments).where(and(eq(issuedDocuments.id, issuedId), eq(issuedDocuments.meetingId, meetingId))).limit(1);
    if (row === undefined) throw new AppError(404, 'issuedDocumentNotFound');
    const signatures = await this.#db
      .select({ slot: issuedDocumentSignatures.slot, signedBy: issuedDocumentSignatures.signedBy, signerName: issuedDocumentSignatures.signerName, signedAt: issuedDocumentSignatures.signedAt })
      .from(issuedDocumentSignatures)
      .where(eq(issuedDocumentSignatures.issuedId, issuedId))
      .orderBy(asc(issuedDocumentSignatures.slot));
    return { document: toDto(row, signatures.length), pdf: await this.#latestPdf(issuedId, row.pdf), signatures };
  }

  /**
   * Stores the PDF with one more signature, in slot order: the issued row is
   * locked so two signers cannot both append to the same revision; a
   * signature over a revision that is no longer the latest is refused (409),
   * never stored beside it.
   */
  /**
   * Stores one more signed revision, in slot order. `onComplete` runs inside the same transaction when this
   * signature is the last one (the caller queues the delivery there, so a crash cannot commit one without the other).
   */
  async storeSignature(
    meetingId: string,
    issuedId: string,
    input: { slot: number; pdf: Uint8Array; signedBy: string; signerName: string },
    onComplete?: (tx: Executor, document: IssuedDocumentDto) => Promise<void>,
  ): Promise<IssuedDocumentDto> {
    return this.#db.transaction(async (tx) => {
      const [row] = await tx.select(columnsWithoutPdf).from(issuedDocuments).where(and(eq(issuedDocuments.id, issuedId), eq(issuedDocuments.meetingId, meetingId))).for('update');
      if (row === undefined) throw new AppError(404, 'issuedDocumentNotFound');
      const [{ count } = { count: 0 }] = await tx.select({ count: sql<number>`count(*)::int` }).from(issuedDocumentSignatures).where(eq(issuedDocumentSignatures.issuedId, issuedId));
      if (count >= row.signatureSlots.length) throw new AppError(409, 'signatureAlreadyComplete');
      if (input.slot !== count) throw new AppError(409, input.slot < count ? 'signatureSlotTaken' : 'signatureOutOfOrder');
      await tx.insert(issuedDocumentSignatures).values({ issuedId, slot: input.slot, pdf: input.pdf, signedBy: input.signedBy, signerName: input.signerName });
      const document = toDto(row, count + 1);
      if (document.fullySigned && onComplete !== undefined) await onComplete(tx, document);
      return document;
    });
  }

  /** The meeting's issued documents, for whoever sees the meeting. */
  async list(user: SessionUser, meetingId: string): Promise<IssuedDocumentDto[]> {
    const access = await this.#meetings.access(user, meetingId);
    const rows = await this.#db.select(columnsWithoutPdf).from(issuedDocuments).where(eq(issuedDocuments.meetingId, meetingId)).orderBy(desc(issuedDocuments.issuedAt));
    const counts = await this.#signedCounts(rows.map((r) => r.id));
    const documents = rows.map((r) => toDto(r, counts.get(r.id) ?? 0));
    return seesUnsigned(access) ? documents : documents.filter((d) => d.fullySigned);
  }

  /** An issued document the caller may see (a participant: only once fully signed), or 404. */
  async #visible(user: SessionUser, meetingId: string, issuedId: string): Promise<{ row: IssuedRow; document: IssuedDocumentDto }> {
    const access = await this.#meetings.access(user, meetingId);
    const [row] = await this.#db.select().from(issuedDocuments).where(and(eq(issuedDocuments.id, issuedId), eq(issuedDocuments.meetingId, meetingId))).limit(1);
    if (row === undefined) throw new AppError(404, 'issuedDocumentNotFound');
    const document = toDto(row, (await this.#signedCounts([issuedId])).get(issuedId) ?? 0);
    if (!document.fullySigned && !seesUnsigned(access)) throw new AppError(404, 'issuedDocumentNotFound');
    return { row, document };
  }

  /** The document's PDF as it stands: the last signed revision, or the issued file before anyone signed. */
  async issuedPdf(user: SessionUser, meetingId: string, issuedId: string): Promise<{ document: IssuedDocumentDto; pdf: Uint8Array }> {
    const { row, document } = await this.#visible(user, meetingId, issuedId);
    return { document, pdf: await this.#latestPdf(issuedId, row.pdf) };
  }

  /** The issued document as Word, rendered from its stored content (number included). */
  async issuedDocx(user: SessionUser, meetingId: string, issuedId: string): Promise<{ document: IssuedDocumentDto; docx: Uint8Array }> {
    const { row, document } = await this.#visible(user, meetingId, issuedId);
    return { document, docx: await renderDocx(row.content) };
  }
}

/** What the schema cannot say: the date is a real calendar day. */
function checked(document: OfficialDocument): OfficialDocument {
  const date = new Date(`${document.date}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(document.date) || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== document.date) {
    throw new AppError(400, 'officialDocumentInvalidDate', { field: 'date' });
  }
  return document;
}
