/**
 * Creates a new embedded database directory (PostgreSQL's initdb, inside
 * PGlite) in a process of its own, which then ends. Run by embedded.ts on a
 * first start only: initdb grows PGlite's WebAssembly memory to ~600 MB, and
 * neither a WebAssembly instance nor a worker thread gives that back to the
 * system (measured: a process that ran initdb and closed it still held
 * ~370 MB; after initdb in a worker thread ~290 MB). Done in a child, it goes
 * with the child, and the app opens the new directory with a fresh instance.
 *
 *   node server/db/embedded-initdb.ts <data directory> <start parameters as JSON>
 */
import { PGlite } from '@electric-sql/pglite';

const [dataDir, params] = process.argv.slice(2);
if (dataDir === undefined || params === undefined) {
  console.error('usage: embedded-initdb.ts <data directory> <start parameters as JSON>');
  process.exit(2);
}
const db = await PGlite.create({ dataDir, startParams: JSON.parse(params) as string[] });
await db.close();
