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
import { listenWithAcceptors, type Acceptors } from './lib/http/acceptors.ts';

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
// A database that cannot be opened as configured (e.g. an embedded one another process holds) stops with a clear message.
const { database, seeded } = await prepareDatabase(config).catch((error: unknown) => {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`✖ ${error.message}`);
  process.exit(2);
});
// Start-up checks that need the database (e.g. the keys of open secret polls) also stop with a clear message.
const app = await buildApp({ config, database }).catch(async (error: unknown) => {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`✖ ${error.message}`);
  await database.close();
  process.exit(2);
});

/**
 * A stop sent to `npm start`'s process group reaches the server twice within
 * milliseconds: once from the group, once passed on by the supervisor (which
 * must pass it on, since a service manager may signal the supervisor alone).
 * close-with-grace would take the duplicate as "stop now", and between its
 * one-time listener and the next there is a moment with no listener at all, in
 * which the duplicate kills the process outright: the graceful close cut
 * short, the embedded database left to recover at the next start. So the
 * server keeps its own listeners for SIGTERM and SIGINT for its whole life,
 * ignores a duplicate, and stops at once only on a second request made later
 * (an operator's second Ctrl-C).
 */
const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;
const DUPLICATE_SIGNAL_MS = 2_000;
let stopAskedAt = 0;
let stopSignal: NodeJS.Signals | undefined;
/** Set once listening; the graceful close stops its extra sockets first. */
const listening: { acceptors?: Acceptors } = {};
const graceful = closeWithGrace({ delay: config.shutdownTimeoutMs, skip: [...STOP_SIGNALS] }, async ({ signal, err }) => {
  if (err !== undefined) app.log.error({ err }, 'shutting down after an error');
  else app.log.info({ signal: signal ?? stopSignal }, 'shutting down');
  listening.acceptors?.close();
  await app.close();
  await database.close();
});
const onStopSignal = (signal: NodeJS.Signals) => {
  if (stopAskedAt === 0) {
    stopAskedAt = Date.now();
    stopSignal = signal;
    graceful.close();
    return;
  }
  if (Date.now() - stopAskedAt < DUPLICATE_SIGNAL_MS) return;
  console.error(`✖ ${signal} again: stopping at once`);
  process.exit(1);
};
for (const signal of STOP_SIGNALS) process.on(signal, onStopSignal);

if (seeded !== undefined) {
  await seedDemoMeeting(database.db, config.dataDir, app.log);
  app.log.info('demo data created');
}

// Several sockets accept a hall's burst of new connections (lib/http/acceptors.ts).
listening.acceptors = await listenWithAcceptors(app.server, { port: config.port, host: config.host }, (options) => app.listen(options));
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
