/**
 * Applies the SQL drizzle-kit generated under migrations/. Advisory locks make
 * several app processes starting at once migrate (and seed) exactly once.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import type { Database } from './client.ts';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');

// Arbitrary constants, fixed for this application.
export const LOCKS = { migrate: 7_340_001, seed: 7_340_002 } as const;

/**
 * Runs `work` while holding a cluster-wide advisory lock on one reserved
 * connection. The embedded database belongs to this process alone (and has a
 * single connection to reserve), so there it just runs `work`.
 */
export async function withAdvisoryLock<T>(database: Database, lock: number, work: () => Promise<T>): Promise<T> {
  if (database.kind === 'embedded') return work();
  const reserved = await database.sql.reserve();
  try {
    await reserved`select pg_advisory_lock(${lock})`;
    try {
      return await work();
    } finally {
      await reserved`select pg_advisory_unlock(${lock})`;
    }
  } finally {
    reserved.release();
  }
}

export async function runMigrations(database: Database): Promise<void> {
  await withAdvisoryLock(database, LOCKS.migrate, () => migrate(database.db, { migrationsFolder: MIGRATIONS_DIR }));
}
