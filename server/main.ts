/**
 * Start-up: configuration → database (migrated, demo data when empty) → app →
 * listen. SIGINT/SIGTERM stop accepting, let requests finish, close sockets
 * and the database; a second signal or the timeout forces the exit.
 */
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.ts';
import { prepareDatabase } from './bootstrap.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { describeDemoLogins } from './db/seed/demo.ts';
import { demoTree } from './db/seed/demo-data.ts';
import { seedDemoMeeting } from './db/seed/demo-meeting.ts';

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`✖ ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
}

const config = readConfig();
const { database, seeded } = await prepareDatabase(config);
// Start-up checks that need the database (e.g. the keys of open secret polls) also stop with a clear message.
const app = await buildApp({ config, database }).catch(async (error: unknown) => {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`✖ ${error.message}`);
  await database.close();
  process.exit(2);
});

closeWithGrace({ delay: config.shutdownTimeoutMs }, async ({ signal, err }) => {
  if (err !== undefined) app.log.error({ err }, 'shutting down after an error');
  else app.log.info({ signal }, 'shutting down');
  await app.close();
  await database.close();
});

if (seeded !== undefined) {
  await seedDemoMeeting(database.db, config.dataDir, app.log);
  app.log.info('demo data created');
}

await app.listen({ port: config.port, host: config.host });
const address = app.server.address();
const port = typeof address === 'object' && address !== null ? address.port : config.port;
console.log(
  [
    '',
    `Phòng Họp Số đang chạy tại / is running at: http://localhost:${port}/  (PUBLIC_URL ${config.publicUrl.href})`,
    `Cơ sở dữ liệu / database: ${database.kind === 'embedded' ? `nhúng (embedded PGlite) in ${config.dataDir}` : 'PostgreSQL (DATABASE_URL)'}`,
    config.demoData ? describeDemoLogins(demoTree(config.demoStructure).users) : '',
    '',
  ].join('\n'),
);
