/**
 * `npm run demo:reset`: wipes the configured database (embedded or
 * DATABASE_URL) and recreates the demo province and users. Stop the server
 * first when it uses the embedded database: only one process can open it,
 * and this script is refused (with a message) while the server holds it.
 */
import { ConfigError, loadConfig } from '../server/config.ts';
import { openDatabase } from '../server/db/client.ts';
import { runMigrations } from '../server/db/migrate.ts';
import pino from 'pino';
import { seedDemoMeeting } from '../server/db/seed/demo-meeting.ts';
import { describeDemoLogins, seedDemo, wipeDatabase } from '../server/db/seed/demo.ts';

/** A wrong setting, or an embedded database the server holds: say which and stop before anything is wiped. */
function stopOnConfigError(error: unknown): never {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`✖ ${error.message}`);
  process.exit(2);
}

const config = (() => {
  try {
    return loadConfig();
  } catch (error) {
    return stopOnConfigError(error);
  }
})();
const database = await openDatabase({ databaseUrl: config.databaseUrl, embeddedDir: config.dataDir }).catch(stopOnConfigError);
try {
  console.log('• Xóa dữ liệu cũ / wiping the database…');
  await wipeDatabase(database.db);
  console.log('• Tạo lại cấu trúc / migrating…');
  await runMigrations(database);
  console.log('• Tạo dữ liệu mẫu / seeding demo data…');
  const logins = describeDemoLogins(await seedDemo(database.db, config.demoStructure));
  console.log('• Tạo cuộc họp mẫu và tài liệu / creating the demo meeting and its documents…');
  await seedDemoMeeting(database.db, config.dataDir, pino({ level: 'warn' }));
  console.log(logins);
  console.log('✔ Xong / done');
} finally {
  await database.close();
}
