/**
 * What the documents module sends out of its rows: the DTOs (a version's
 * checksum only to those who manage the meeting), and the notification of a
 * document's readers.
 */
import { eq } from 'drizzle-orm';
import { isViewOnly, type DocumentDto, type DocumentVersionDto } from '../../contract/documents.ts';
import type { Db } from '../../db/client.ts';
import { documentReaders, documentRevocations, documents, type documentVersions } from '../../db/schema/documents.ts';
import type { DocumentMeetings, DocumentNotifications } from './service.ts';

type DocumentRow = typeof documents.$inferSelect;
type VersionRow = typeof documentVersions.$inferSelect;

/** The checksum identifies the original: only those who manage the meeting (and may have the original) see it. */
export function toVersionDto(v: VersionRow, canManage: boolean): DocumentVersionDto {
  return {
    version: v.version,
    pageCount: v.pageCount,
    sizeBytes: v.sizeBytes,
    originalFilename: v.originalFilename,
    ...(canManage ? { sha256: v.sha256 } : {}),
    createdAt: v.createdAt.toISOString(),
  };
}

export function toDocumentDto(d: DocumentRow, current: VersionRow | undefined): DocumentDto {
  return {
    id: d.id,
    meetingId: d.meetingId,
    agendaItemId: d.agendaItemId,
    title: d.title,
    kind: d.kind,
    confidentiality: d.confidentiality,
    audience: d.audience,
    currentVersion: d.currentVersion,
    pageCount: current?.pageCount ?? 0,
    sizeBytes: current?.sizeBytes ?? 0,
    updatedAt: d.updatedAt.toISOString(),
    viewOnly: isViewOnly(d.confidentiality),
  };
}

/** Notifies every participant who may read the document (not the uploader's secretariat colleagues twice). */
export async function notifyReaders(db: Db, meetings: Pick<DocumentMeetings, 'roster'>, notifications: DocumentNotifications, documentId: string, kind: string, title: string): Promise<void> {
  const found = await readersOf(db, meetings, documentId);
  if (found === null) return;
  await notifications.notify(found.readers, { kind, title, meetingId: found.meetingId, documentId });
}

/**
 * The participants who may read the document by its audience, named readers
 * and revocations (the meeting's secretaries, who read everything, left out:
 * they never lose access).
 */
export async function readersOf(db: Db, meetings: Pick<DocumentMeetings, 'roster'>, documentId: string): Promise<{ meetingId: string; readers: string[] } | null> {
  const [doc] = await db.select().from(documents).where(eq(documents.id, documentId));
  if (doc === undefined) return null;
  const participants = (await meetings.roster(doc.meetingId)).filter((p) => p.role !== 'secretary');
  const named = new Set(
    (await db.select({ userId: documentReaders.userId }).from(documentReaders).where(eq(documentReaders.documentId, documentId))).map((r) => r.userId),
  );
  const revoked = new Set(
    (await db.select({ userId: documentRevocations.userId }).from(documentRevocations).where(eq(documentRevocations.documentId, documentId))).map((r) => r.userId),
  );
  const readers = participants
    .filter((p) => !revoked.has(p.userId))
    .filter((p) => doc.audience === 'all' || (doc.audience === 'delegates' && p.role !== 'guest') || named.has(p.userId))
    .map((p) => p.userId);
  return { meetingId: doc.meetingId, readers };
}

