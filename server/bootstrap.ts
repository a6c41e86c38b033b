/**
 * Opens and migrates the database the configuration names, and seeds the
 * demo province into an empty one. Shared by main.ts, demo:reset and tests.
 */
import type { Config } from './config.ts';
import { openDatabase, type Database } from './db/client.ts';
import { LOCKS, runMigrations, withAdvisoryLock } from './db/migrate.ts';
import { isDatabaseEmpty, seedDemo } from './db/seed/demo.ts';
import type { DemoUser } from './db/seed/demo-data.ts';

export type PreparedDatabase = { database: Database; seeded: DemoUser[] | undefined };

export async function prepareDatabase(config: Config): Promise<PreparedDatabase> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, embeddedDir: config.dataDir });
  try {
    await runMigrations(database);
    const seeded = config.demoData
      ? await withAdvisoryLock(database, LOCKS.seed, async () => ((await isDatabaseEmpty(database.db)) ? seedDemo(database.db, config.demoStructure) : undefined))
      : undefined;
    return { database, seeded };
  } catch (error) {
    await database.close();
    throw error;
  }
}
