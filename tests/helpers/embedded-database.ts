/**
 * Throwaway in-memory embedded databases for the tests of the embedded
 * database itself, reached as the app reaches it (its postgres.js settings,
 * through the in-process wire).
 */
import postgres from 'postgres';
import { embeddedPostgresOptions, startEmbeddedDatabase, type EmbeddedDatabase } from '../../server/db/embedded.ts';

/** One connection of the app's kind to `database`. */
export const connectEmbedded = (database: EmbeddedDatabase): postgres.Sql => postgres(embeddedPostgresOptions(database, { max: 1, onnotice: () => {} }));

/** A fresh in-memory database for `run`; `open` makes a connection to it. Every connection is closed, then the database stopped. */
export async function withEmbeddedDatabase(run: (open: () => postgres.Sql, database: EmbeddedDatabase) => Promise<void>): Promise<void> {
  const database = await startEmbeddedDatabase(undefined);
  const opened: postgres.Sql[] = [];
  const open = () => {
    const sql = connectEmbedded(database);
    opened.push(sql);
    return sql;
  };
  try {
    await run(open, database);
  } finally {
    await Promise.all(opened.map((sql) => sql.end({ timeout: 5 })));
    await database.stop();
  }
}
