/**
 * A document, one of its versions, and for each reader asking whether they
 * are named on it and whether their access was revoked: the documents half of
 * "may this user read this version?" (access.ts's `canRead` decides, with the
 * meetings module's answer). A hall's tablets ask it together when the
 * presenter puts a document up, so the questions are gathered
 * (lib/natural-batch.ts) and each document's are answered in one query.
 */
import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { documentReaders, documentRevocations, documents, documentVersions } from '../../db/schema/documents.ts';
import { naturalBatch } from '../../lib/natural-batch.ts';

type DocumentRow = typeof documents.$inferSelect;
type VersionRow = typeof documentVersions.$inferSelect;

/** `which`: a version number, 'current' (the one readers get), or null (the document alone). */
export type ReadableQuestion = { userId: string; documentId: string; which: number | 'current' | null };
/** null: no such document. `row` null: no such version. */
export type ReadableAnswer = { doc: DocumentRow; row: VersionRow | null; named: boolean; revoked: boolean } | null;

const groupOf = (q: ReadableQuestion) => `${q.documentId}\n${q.which}`;

/**
 * The question for one form of `which`, built once (a hall asks it at every document put up, and drizzle would
 * build its text again each time), run prepared. The readers are one array parameter: the statement's text is the
 * same however many ask, and the document and version come back once, with the readers named and revoked as two lists.
 */
function readableQuery(db: Db, form: 'current' | 'none' | 'number') {
  const versionNumber: SQL | typeof documents.currentVersion = form === 'current' ? documents.currentVersion : form === 'none' ? sql`null` : sql`${sql.placeholder('version')}::int`;
  const readers = sql`unnest(${sql.placeholder('readers')}::uuid[]) as readers(id)`;
  return db
    .select({
      doc: documents,
      version: documentVersions,
      named: sql<string[]>`array(select readers.id::text from ${readers} where exists (select 1 from ${documentReaders} where ${documentReaders.documentId} = ${documents.id} and ${documentReaders.userId} = readers.id))`,
      revoked: sql<string[]>`array(select readers.id::text from ${readers} where exists (select 1 from ${documentRevocations} where ${documentRevocations.documentId} = ${documents.id} and ${documentRevocations.userId} = readers.id))`,
    })
    .from(documents)
    .leftJoin(documentVersions, and(eq(documentVersions.documentId, documents.id), eq(documentVersions.version, versionNumber)))
    .where(eq(documents.id, sql.placeholder('documentId')))
    .prepare(`readable_${form}`);
}

type ReadableQueries = Record<'current' | 'none' | 'number', ReturnType<typeof readableQuery>>;

async function answerGroup(queries: ReadableQueries, documentId: string, which: ReadableQuestion['which'], userIds: string[]): Promise<Map<string, ReadableAnswer>> {
  const query = which === 'current' ? queries.current : which === null ? queries.none : queries.number;
  const [row] = await query.execute({ documentId, readers: userIds, version: which });
  if (row === undefined) return new Map();
  const named = new Set(row.named.map((id) => id.toLowerCase()));
  const revoked = new Set(row.revoked.map((id) => id.toLowerCase()));
  return new Map(userIds.map((id) => [id, { doc: row.doc, row: row.version, named: named.has(id), revoked: revoked.has(id) }]));
}

/** Asks for one reader; questions asked together are answered together. */
export function readableBatch(db: Db): (question: ReadableQuestion) => Promise<ReadableAnswer> {
  const queries: ReadableQueries = { current: readableQuery(db, 'current'), none: readableQuery(db, 'none'), number: readableQuery(db, 'number') };
  return naturalBatch<ReadableQuestion, ReadableAnswer>(
    async (questions) => {
      const groups = Map.groupBy(questions, groupOf);
      const answered = new Map<string, Map<string, ReadableAnswer>>();
      await Promise.all(
        [...groups].map(async ([group, asked]) => {
          const first = asked[0]!;
          answered.set(group, await answerGroup(queries, first.documentId, first.which, [...new Set(asked.map((q) => q.userId.toLowerCase()))]));
        }),
      );
      return questions.map((q) => answered.get(groupOf(q))?.get(q.userId.toLowerCase()) ?? null);
    },
    { concurrency: 2 },
  );
}
