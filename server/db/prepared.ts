/**
 * Runs a hot statement as a named prepared statement of its connection.
 *
 * drizzle sends every query unnamed, so the database parses and plans it
 * each time. For a statement the app runs at every page turn that is most of
 * its cost: in the embedded database (PGlite, WebAssembly in the app's own
 * process) the page turn's statement took 1.0–1.2 ms of the app's CPU
 * unprepared and 0.3–0.9 ms prepared (scratch loop, back to back and with
 * 20 ms gaps). postgres.js keeps one prepared statement per connection and
 * query text, so use this only for statements whose text has a fixed shape
 * (no lists that grow with their input), or the cache grows without bound.
 */
import { PgDialect } from 'drizzle-orm/pg-core';
import type { SQL } from 'drizzle-orm';
import type { Db } from './client.ts';

const dialect = new PgDialect();

export async function executePrepared<Row extends Record<string, unknown>>(db: Db, query: SQL): Promise<Row[]> {
  const { sql: text, params } = dialect.sqlToQuery(query);
  // The parameters are what drizzle would have sent for the same SQL object.
  return db.$client.unsafe<Row[]>(text, params as never[], { prepare: true });
}
