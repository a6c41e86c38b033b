/**
 * Applies the SQL drizzle-kit generated under migrations/. An advisory lock
 * makes several app processes starting at once apply them exactly once.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import type { Database } from './client.ts';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');

const MIGRATION_LOCK = 7_340_001; // arbitrary, constant for this application

export async function runMigrations(database: Database): Promise<void> {
  // drizzle's migrator runs its own transaction on the pool; the lock is held by one reserved connection.
  const reserved = await database.sql.reserve();
  try {
    await reserved`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migrate(database.db, { migrationsFolder: MIGRATIONS_DIR });
  } finally {
    await reserved`select pg_advisory_unlock(${MIGRATION_LOCK})`;
    reserved.release();
  }
}
