/**
 * Reads of a meeting's document versions that need no reader (their callers
 * are authorised otherwise): the live module's page counts (a page turn is the
 * hot path of a meeting) and the paired wall's presented file.
 */
import { and, eq } from 'drizzle-orm';
import { isViewOnly, type Confidentiality } from '../../contract/documents.ts';
import type { Db, Executor } from '../../db/client.ts';
import { documents, documentVersions } from '../../db/schema/documents.ts';
import type { BlobStore } from './blob-store.ts';

export type MeetingVersionFile = { path: string; sha256: string; filename: string; confidentiality: Confidentiality; viewOnly: boolean };

/** Pages of one version of one of this meeting's documents; null when the meeting has no such document or version. */
export async function versionPageCount(executor: Executor, meetingId: string, documentId: string, version: number): Promise<number | null> {
  const [row] = await executor
    .select({ pages: documentVersions.pageCount })
    .from(documentVersions)
    .innerJoin(documents, eq(documents.id, documentVersions.documentId))
    .where(and(eq(documents.id, documentId), eq(documents.meetingId, meetingId), eq(documentVersions.version, version)));
  return row?.pages ?? null;
}

/**
 * One stored version of a document of this meeting (another meeting's
 * document, or a missing version → null), with its confidentiality.
 * No user check: the caller (a paired hall display) has been authorised by
 * its pairing, and asks only for the version presented in its meeting.
 */
export async function meetingVersionFile(db: Db, blobs: BlobStore, meetingId: string, documentId: string, version: number): Promise<MeetingVersionFile | null> {
  const [row] = await db
    .select({ sha256: documentVersions.sha256, filename: documentVersions.originalFilename, confidentiality: documents.confidentiality })
    .from(documentVersions)
    .innerJoin(documents, eq(documents.id, documentVersions.documentId))
    .where(and(eq(documentVersions.documentId, documentId), eq(documentVersions.version, version), eq(documents.meetingId, meetingId)))
    .limit(1);
  if (row === undefined) return null;
  return { path: blobs.pathFor(row.sha256), sha256: row.sha256, filename: row.filename, confidentiality: row.confidentiality, viewOnly: isViewOnly(row.confidentiality) };
}
