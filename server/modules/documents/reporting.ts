/**
 * What the meetings of a report put online: documents readers get, their
 * pages, and the pages delivered — each document's pages once for every
 * participant its audience admits, the sheets a paper meeting would have
 * printed. Revocations do not reduce it: those copies were delivered.
 */
import { and, eq, gt, inArray } from 'drizzle-orm';
import type { ParticipantRole } from '../../contract/meetings.ts';
import type { Executor } from '../../db/client.ts';
import { documentReaders, documentVersions, documents } from '../../db/schema/documents.ts';
import { audienceAdmits } from './access.ts';

export type DocumentFigures = { online: number; pages: number; pagesDelivered: number; byMeeting: Map<string, number> };

export async function documentFigures(
  executor: Executor,
  reported: readonly { id: string; participants: readonly { userId: string; role: ParticipantRole }[] }[],
): Promise<DocumentFigures> {
  const figures: DocumentFigures = { online: 0, pages: 0, pagesDelivered: 0, byMeeting: new Map() };
  if (reported.length === 0) return figures;
  const rows = await executor
    .select({ id: documents.id, meetingId: documents.meetingId, audience: documents.audience, pages: documentVersions.pageCount })
    .from(documents)
    .innerJoin(documentVersions, and(eq(documentVersions.documentId, documents.id), eq(documentVersions.version, documents.currentVersion)))
    .where(and(inArray(documents.meetingId, reported.map((meeting) => meeting.id)), gt(documents.currentVersion, 0)));
  const namedRows = rows.length === 0 ? [] : await executor.select().from(documentReaders).where(inArray(documentReaders.documentId, rows.map((row) => row.id)));
  const named = new Set(namedRows.map((row) => `${row.documentId}:${row.userId}`));
  const participantsOf = new Map(reported.map((meeting) => [meeting.id, meeting.participants]));
  for (const row of rows) {
    const readers = (participantsOf.get(row.meetingId) ?? []).filter((p) => audienceAdmits(row.audience, p.role, named.has(`${row.id}:${p.userId}`))).length;
    figures.online += 1;
    figures.pages += row.pages;
    figures.pagesDelivered += row.pages * readers;
    figures.byMeeting.set(row.meetingId, (figures.byMeeting.get(row.meetingId) ?? 0) + 1);
  }
  return figures;
}
