/**
 * Full-text search over the current version of every document the user may
 * read: accents and case ignored (pages are stored folded), best matches
 * first, a title match weighing five, each hit with a highlighted snippet.
 */
import { and, eq, ilike } from 'drizzle-orm';
import type { SearchHit, SearchQuery } from '../../contract/documents.ts';
import type { SessionUser } from '../../contract/identity.ts';
import { foldVietnamese } from '../../contract/text.ts';
import type { Db } from '../../db/client.ts';
import { documentPages, documents, documentVersions } from '../../db/schema/documents.ts';
import { containsFolded } from '../../db/search.ts';
import { readableCondition, scopeOfParticipations } from './access.ts';
import type { DocumentMeetings } from './service.ts';
import { buildSnippet, countMatches } from './snippet.ts';

export async function searchDocuments(db: Db, meetings: DocumentMeetings, user: SessionUser, query: SearchQuery): Promise<SearchHit[]> {
  const folded = foldVietnamese(query.q);
  if (folded.length < 2) return [];
  const pattern = containsFolded(query.q);
  const scope = scopeOfParticipations(user, await meetings.participations(user.id));
  const rows = await db
    .select({
      documentId: documents.id,
      meetingId: documents.meetingId,
      title: documents.title,
      version: documentVersions.version,
      page: documentPages.pageNumber,
      text: documentPages.text,
      textSearch: documentPages.textSearch,
    })
    .from(documentPages)
    .innerJoin(documentVersions, eq(documentVersions.id, documentPages.versionId))
    .innerJoin(documents, and(eq(documents.id, documentVersions.documentId), eq(documents.currentVersion, documentVersions.version)))
    .where(and(ilike(documentPages.textSearch, pattern), readableCondition(user.id, scope), query.meetingId === undefined ? undefined : eq(documents.meetingId, query.meetingId)))
    .limit(1000);
  const titleBonus = (title: string) => (foldVietnamese(title).includes(folded) ? 5 : 0);
  const best = rows
    .map((r) => ({ ...r, matches: countMatches(r.textSearch, folded) }))
    .sort((a, b) => b.matches + titleBonus(b.title) - (a.matches + titleBonus(a.title)) || a.page - b.page)
    .slice(0, query.limit ?? 20);
  const titles = await meetings.titlesById(best.map((r) => r.meetingId));
  return best.map((r) => ({
    documentId: r.documentId,
    meetingId: r.meetingId,
    meetingTitle: titles.get(r.meetingId) ?? '',
    title: r.title,
    version: r.version,
    page: r.page,
    matches: r.matches,
    snippet: buildSnippet(r.text, query.q),
  }));
}
