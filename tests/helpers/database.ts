/**
 * A throwaway database per test file: on the real PostgreSQL named by
 * DATABASE_URL (a fresh database created beside it), or embedded PGlite in a
 * temporary directory when DATABASE_URL is unset. Both can be reopened, so a
 * test can restart the server on the same data.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';

export type TestDatabase = {
  kind: 'external' | 'embedded';
  /** DATABASE_URL for the app, undefined for embedded */
  databaseUrl: string | undefined;
  /** DATA_DIR for the app (the embedded database lives under it) */
  dataDir: string;
  drop(): Promise<void>;
};

export const realDatabaseUrl = process.env.DATABASE_URL?.trim() || undefined;

export async function createTestDatabase(kind: 'external' | 'embedded' = realDatabaseUrl ? 'external' : 'embedded'): Promise<TestDatabase> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'phs-test-'));
  const removeDir = () => fs.rm(dataDir, { recursive: true, force: true });
  if (kind === 'embedded') {
    return { kind, databaseUrl: undefined, dataDir, drop: removeDir };
  }
  if (realDatabaseUrl === undefined) throw new Error('DATABASE_URL is not set: no real PostgreSQL to test against');
  const name = `phs_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(realDatabaseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(realDatabaseUrl);
  url.pathname = `/${name}`;
  return {
    kind,
    databaseUrl: url.href,
    dataDir,
    async drop() {
      const cleaner = postgres(realDatabaseUrl, { max: 1, onnotice: () => {} });
      await cleaner.unsafe(`drop database if exists ${name} with (force)`);
      await cleaner.end();
      await removeDir();
    },
  };
}
