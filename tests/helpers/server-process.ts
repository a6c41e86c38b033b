/**
 * The server as its own process (`node server/main.ts`, as `npm start` runs
 * it), for drills that kill it: SIGKILL leaves no chance to close anything,
 * which an in-process server cannot show. Restarted on the same port and data,
 * so clients reconnect to the address they know.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import type { TestDatabase } from './database.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

export type ServerProcess = {
  url: string;
  /** what the process wrote (for a failure's message) */
  output(): string;
  /** Sends the signal and resolves once the process has exited. */
  kill(signal: NodeJS.Signals): Promise<void>;
};

/** A port free now (the server binds it itself; a restart reuses it). */
export async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return address.port;
}

/** Starts the server on `port` over the test database and resolves once /api/v1/health answers. */
export async function startServerProcess(db: TestDatabase, port: number, env: Record<string, string> = {}): Promise<ServerProcess> {
  const url = `http://127.0.0.1:${port}`;
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  // One process on its own: no shared adapter, no other database than the test's.
  delete childEnv.REDIS_URL;
  delete childEnv.DATABASE_URL;
  const child: ChildProcess = spawn(process.execPath, ['server/main.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...childEnv,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: url,
      DATA_DIR: db.dataDir,
      ...(db.databaseUrl === undefined ? {} : { DATABASE_URL: db.databaseUrl }),
      DEMO_DATA: 'true',
      // The tests were written against the three-level demo (districts and their endpoints); demo-data.test.ts covers both.
      DEMO_STRUCTURE: 'three-level',
      LOG_LEVEL: 'warn',
      ...env,
    },
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));

  const deadline = Date.now() + 90_000;
  for (;;) {
    if (gone) throw new Error(`the server exited while starting:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the server did not answer in time:\n${output}`);
    }
    // Bounded: a connection to the killed process's port can hang instead of failing.
    const healthy = await fetch(`${url}/api/v1/health`, { signal: AbortSignal.timeout(2_000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    output: () => output,
    async kill(signal) {
      if (!gone) child.kill(signal);
      await exited;
    },
  };
}
