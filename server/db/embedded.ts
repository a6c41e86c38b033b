/**
 * The zero-setup database: PGlite (PostgreSQL compiled to WebAssembly) kept on
 * disk under DATA_DIR, served in-process over the PostgreSQL wire protocol by
 * pglite-socket. The app then talks to it through postgres.js exactly as it
 * talks to a real server, so there is one code path to test.
 *
 * It listens on a Unix socket in a directory of its own that only this OS user
 * may enter (mkdtemp makes it 0700). The server trusts whoever connects, so a
 * TCP port on 127.0.0.1 would let any local account read and write every
 * meeting.
 *
 * PGlite is single-process: only one app process may open a data directory,
 * and a second opener is refused (data-dir-lock.ts).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { lockDataDir } from './data-dir-lock.ts';

export type EmbeddedDatabase = {
  /** what postgres.js needs to connect: the socket's path, the user and the database */
  connection: { path: string; username: string; database: string };
  /**
   * postgres.js must use ONE connection: pglite-socket queues protocol messages,
   * not whole statements, so two connections can interleave Parse/Bind of the
   * unnamed statement ("bind message supplies 5 parameters, but prepared
   * statement requires 3"). PGlite runs one query at a time anyway.
   */
  maxConnections: 1;
  stop(): Promise<void>;
};

const SOCKET_CONNECTIONS = 16;
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

/** PGlite on `pgDir` (in memory when undefined) behind its socket; `unlock` runs last when it stops. */
async function serve(pgDir: string | undefined, unlock: () => Promise<void>): Promise<EmbeddedDatabase> {
  const db = await PGlite.create({ ...(pgDir === undefined ? {} : { dataDir: pgDir }), startParams: START_PARAMS });
  const socketDir = await fs.mkdtemp(path.join(os.tmpdir(), 'phs-db-'));
  // The name PostgreSQL gives its socket, so `psql -h <dir>` finds it when someone has to look inside.
  const socketPath = path.join(socketDir, '.s.PGSQL.5432');
  const server = new PGLiteSocketServer({ db, path: socketPath, maxConnections: SOCKET_CONNECTIONS });
  try {
    await server.start();
  } catch (error) {
    await Promise.allSettled([db.close(), fs.rm(socketDir, { recursive: true, force: true })]);
    throw error;
  }
  let stopped = false;
  return {
    connection: { path: socketPath, username: 'postgres', database: 'postgres' },
    maxConnections: 1,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      await db.close();
      await fs.rm(socketDir, { recursive: true, force: true });
      await unlock();
    },
  };
}
