/**
 * One database handle for the whole process: drizzle over postgres.js, pointed
 * at DATABASE_URL or at the embedded PGlite server.
 */
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema/index.ts';
import { embeddedPostgresOptions, startEmbeddedDatabase } from './embedded.ts';

/** `$client`: the postgres.js pool under it (prepared.ts runs hot statements there). */
export type Db = PostgresJsDatabase<typeof schema> & { $client: postgres.Sql };
/** A transaction handle: read APIs of modules accept one so a caller's checks and writes see one snapshot. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Where a query runs: the pool, or the caller's transaction. */
export type Executor = Db | Tx;

export type Database = {
  db: Db;
  sql: postgres.Sql;
  kind: 'external' | 'embedded';
  close(): Promise<void>;
};

export type DatabaseOptions = {
  databaseUrl: string | undefined;
  /** where the embedded database lives; undefined keeps it in memory */
  embeddedDir: string | undefined;
};

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl !== undefined) {
    const sql = postgres(options.databaseUrl, { max: 10, onnotice: () => {} });
    return {
      db: drizzle(sql, { schema }),
      sql,
      kind: 'external',
      close: () => sql.end({ timeout: 5 }),
    };
  }
  const embedded = await startEmbeddedDatabase(options.embeddedDir);
  const sql = postgres(embeddedPostgresOptions(embedded, { max: embedded.maxConnections, onnotice: () => {} }));
  return {
    db: drizzle(sql, { schema }),
    sql,
    kind: 'embedded',
    async close() {
      await sql.end({ timeout: 5 });
      await embedded.stop();
    },
  };
}
