/**
 * The zero-setup database: PGlite (PostgreSQL compiled to WebAssembly) kept on
 * disk under DATA_DIR, spoken to over the PostgreSQL wire protocol inside this
 * process (pglite-wire.ts). The app then talks to it through postgres.js
 * exactly as it talks to a real server, so there is one code path to test.
 *
 * Nothing listens: the database trusts whoever connects, and the only one who
 * can connect is this process. (A TCP port on 127.0.0.1 would have let any
 * local account read and write every meeting.)
 *
 * PGlite is single-process: only one app process may open a data directory,
 * and a second opener is refused (data-dir-lock.ts).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import type postgres from 'postgres';
import { lockDataDir } from './data-dir-lock.ts';
import { PgliteWire, SessionTurns } from './pglite-wire.ts';

export type EmbeddedDatabase = {
  /**
   * What postgres.js needs to connect: a new in-process connection for its
   * `socket` option (postgres.js reads it, its published types do not name it:
   * see embeddedPostgresOptions), the user and the database.
   */
  connection: { socket: () => Duplex; username: string; database: string };
  /**
   * PGlite is one PostgreSQL session running one statement at a time, so more
   * connections would only queue behind each other (and a transaction keeps
   * the session to itself: pglite-wire.ts).
   */
  maxConnections: 1;
  stop(): Promise<void>;
};

/** initdb takes 3–10 s on a slow machine; far longer means it hangs. */
const INITDB_TIMEOUT_MS = 120_000;

/**
 * PGlite starts with PostgreSQL's 128 MB of shared buffers, all of it in the
 * WebAssembly heap of this process (an idle server held ~300 MB more than it
 * needed). The embedded database is the small-deployment path: a few
 * committees' meetings fit in 16 MB of buffer cache, and what misses it is
 * read from the data files through the OS page cache. Measured: an idle
 * reopen of a data directory 309 MB RSS with the default, 176 MB with this.
 */
const START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];

/** A directory PostgreSQL has been initialised in holds PG_VERSION. */
async function isInitialised(pgDir: string): Promise<boolean> {
  return fs.access(path.join(pgDir, 'PG_VERSION')).then(
    () => true,
    () => false,
  );
}

/** initdb in a process of its own that then ends, taking the memory initdb grew with it (embedded-initdb.ts). */
async function initialiseApart(pgDir: string): Promise<void> {
  const script = fileURLToPath(new URL('./embedded-initdb.ts', import.meta.url));
  // Not this process's NODE_OPTIONS: an inspector or profiler flag meant for the app would start in the child too.
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  await promisify(execFile)(process.execPath, [script, pgDir, JSON.stringify(START_PARAMS)], { env, timeout: INITDB_TIMEOUT_MS }).catch((error: unknown) => {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`creating the embedded database in ${pgDir} failed${stderr ? `: ${stderr}` : ''}`, { cause: error });
  });
}

/** `dataDir` undefined means in memory (used by tests that need a throwaway database). */
export async function startEmbeddedDatabase(dataDir: string | undefined): Promise<EmbeddedDatabase> {
  if (dataDir === undefined) return serve(undefined, async () => {});
  const pgDir = path.join(dataDir, 'pglite');
  await fs.mkdir(pgDir, { recursive: true, mode: 0o700 });
  // Before anything reads or writes the files: a second opener would overwrite the first's (data-dir-lock.ts).
  const unlock = await lockDataDir(path.join(dataDir, 'pglite.lock'), pgDir);
  try {
    if (!(await isInitialised(pgDir))) await initialiseApart(pgDir);
    return await serve(pgDir, unlock);
  } catch (error) {
    await unlock();
    throw error;
  }
}

/** PGlite on `pgDir` (in memory when undefined); `unlock` runs last when it stops. */
async function serve(pgDir: string | undefined, unlock: () => Promise<void>): Promise<EmbeddedDatabase> {
  const db = await PGlite.create({ ...(pgDir === undefined ? {} : { dataDir: pgDir }), startParams: START_PARAMS });
  const wires = new Set<PgliteWire>();
  const turns = new SessionTurns(db);
  let stopped = false;
  return {
    connection: {
      socket: () => {
        if (stopped) throw new Error('the embedded database has stopped');
        const wire = new PgliteWire(turns);
        wires.add(wire);
        wire.once('close', () => wires.delete(wire));
        return wire;
      },
      username: 'postgres',
      database: 'postgres',
    },
    maxConnections: 1,
    async stop() {
      if (stopped) return;
      stopped = true;
      // Each wire rolls back what it left open as it closes: let that finish before PGlite goes.
      await Promise.all([...wires].map((wire) => new Promise((closed) => wire.once('close', closed).destroy())));
      await db.close();
      await unlock();
    },
  };
}

/** postgres.js options that reach `embedded`, with the caller's own (pool size, notices…). */
export function embeddedPostgresOptions(embedded: EmbeddedDatabase, options: postgres.Options<Record<string, never>>): postgres.Options<Record<string, never>> {
  // postgres.js supports `socket` (src/connection.js createSocket); its .d.ts does not list it.
  return { ...options, ...embedded.connection } as postgres.Options<Record<string, never>>;
}
