import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { openDatabase } from '../../server/db/client.ts';
import { MIGRATIONS_DIR, runMigrations } from '../../server/db/migrate.ts';
import { createTestDatabase, realDatabaseUrl } from '../helpers/database.ts';
import { startTestServer, TestClient } from '../helpers/server.ts';

const migrationCount = readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).length;

async function appliedMigrations(kind: 'external' | 'embedded') {
  const db = await createTestDatabase(kind);
  const config = loadConfig({ DATA_DIR: db.dataDir, ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {}) });
  const database = await openDatabase({ databaseUrl: config.databaseUrl, embeddedDir: config.dataDir });
  try {
    await runMigrations(database);
    await runMigrations(database); // a second start applies nothing twice
    const journal = await database.sql<{ count: number }[]>`select count(*)::int as count from drizzle.__drizzle_migrations`;
    const tables = await database.sql<{ table_name: string }[]>`
      select table_name from information_schema.tables where table_schema = 'public' order by table_name`;
    return { kind: database.kind, journal: journal[0]!.count, tables: tables.map((t) => t.table_name) };
  } finally {
    await database.close();
    await db.drop();
  }
}

describe('both database paths run the migrations', () => {
  it('embedded PGlite, served over the wire protocol to postgres.js', async () => {
    const result = await appliedMigrations('embedded');
    expect(result.kind).toBe('embedded');
    expect(result.journal).toBe(migrationCount);
    expect(result.tables).toEqual(expect.arrayContaining(['units', 'users', 'sessions', 'login_throttle']));
  });

  it.runIf(realDatabaseUrl !== undefined)('the real PostgreSQL named by DATABASE_URL', async () => {
    const result = await appliedMigrations('external');
    expect(result.kind).toBe('external');
    expect(result.journal).toBe(migrationCount);
    expect(result.tables).toEqual(expect.arrayContaining(['units', 'users', 'sessions', 'login_throttle']));
  });

  it.runIf(realDatabaseUrl !== undefined)('several processes starting at once migrate exactly once', async () => {
    const db = await createTestDatabase('external');
    try {
      const openers = await Promise.all([0, 1, 2].map(() => openDatabase({ databaseUrl: db.databaseUrl, embeddedDir: undefined })));
      await Promise.all(openers.map((d) => runMigrations(d)));
      const [row] = await openers[0]!.sql<{ count: number }[]>`select count(*)::int as count from drizzle.__drizzle_migrations`;
      expect(row!.count).toBe(migrationCount);
      await Promise.all(openers.map((d) => d.close()));
    } finally {
      await db.drop();
    }
  });

  it('the embedded path serves the app end to end (login on demo data)', async () => {
    const db = await createTestDatabase('embedded');
    const server = await startTestServer(db);
    try {
      expect(server.database.kind).toBe('embedded');
      expect((await new TestClient(server.url).login('admin', 'HoaBinh@2026')).status).toBe(200);
    } finally {
      await server.close();
      await db.drop();
    }
  });
});
