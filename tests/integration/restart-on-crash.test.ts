/**
 * `npm start` runs the server under a supervisor (scripts/lib/supervise.mjs):
 * a server killed outright (kill -9, as an out-of-memory kill or an
 * unforeseen crash would end it) answers /api/v1/health again within
 * seconds, and a SIGTERM to the supervisor stops it for good. A SIGTERM to
 * the whole process group (a terminal's Ctrl-C, a CI script) reaches the
 * server twice, and still closes it gracefully.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const STARTED = /server started \(pid (\d+)\)/g;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the server is restarted after a crash', () => {
  let db: TestDatabase;
  let supervisor: ChildProcess;
  let output = '';
  let port: number;
  const serverPids = () => [...output.matchAll(STARTED)].map((match) => Number(match[1]));
  const health = async () => {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
      return response.status === 200 ? ((await response.json()) as { uptimeSeconds: number }) : undefined;
    } catch {
      return undefined; // not listening (yet)
    }
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    port = await freePort();
    supervisor = spawn(process.execPath, ['scripts/serve.mjs'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: db.dataDir,
        DATABASE_URL: db.databaseUrl ?? '',
        REDIS_URL: '',
        DEMO_DATA: 'false',
        LOG_LEVEL: 'warn',
        WEB_BUILD_DIR: path.join(db.dataDir, 'no-web-build'),
      },
    });
    supervisor.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    supervisor.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  });
  afterAll(async () => {
    if (supervisor.exitCode === null && supervisor.signalCode === null) {
      const exited = new Promise((resolve) => supervisor.once('exit', resolve));
      supervisor.kill('SIGTERM');
      await exited;
    }
    for (const pid of serverPids()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await db?.drop();
  });

  it('answers health again after the server process is killed with SIGKILL, and stops on SIGTERM', async () => {
    await until('the first health answer', health);
    const [first] = serverPids();
    expect(first).toBeGreaterThan(0);

    process.kill(first!, 'SIGKILL');
    const killedAt = Date.now();
    const second = await until('a restarted server', () => serverPids().find((pid) => pid !== first));
    await until('health after the restart', async () => {
      const answer = await health();
      return answer !== undefined && serverPids().length === 2 ? answer : undefined;
    });
    expect(Date.now() - killedAt).toBeLessThan(30_000);
    expect(second).not.toBe(first);
    expect(output).toMatch(/restarting in 1 s/);

    // Asked to stop, the supervisor stops the server and does not start it again.
    const exited = new Promise<number | null>((resolve) => supervisor.once('exit', (code) => resolve(code)));
    supervisor.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(serverPids()).toHaveLength(2);
    expect(await health()).toBeUndefined();
  }, 120_000);
});

describe('a crash loop is cut short', () => {
  it('stops restarting after 5 restarts within a minute and exits with the server’s code', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'phs-crashloop-'));
    try {
      // Nothing listens on port 1: every start fails at once with exit code 1, as a broken deployment would.
      const supervisor = spawn(process.execPath, ['scripts/serve.mjs'], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', REDIS_URL: '', LOG_LEVEL: 'fatal' },
      });
      let output = '';
      supervisor.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      supervisor.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      const code = await new Promise<number | null>((resolve) => supervisor.once('exit', (exitCode) => resolve(exitCode)));
      expect(code).toBe(1);
      expect([...output.matchAll(STARTED)]).toHaveLength(6);
      expect(output).toMatch(/not restarting it again/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('a stop sent to the whole process group', () => {
  it('closes the server gracefully (exit code 0), though the server hears the signal twice', async () => {
    const db = await createTestDatabase();
    const port = await freePort();
    // Its own process group, as `npm start` in a terminal or under CI.
    const supervisor = spawn(process.execPath, ['scripts/serve.mjs'], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: db.dataDir, DATABASE_URL: db.databaseUrl ?? '', REDIS_URL: '', DEMO_DATA: 'false', LOG_LEVEL: 'warn', WEB_BUILD_DIR: path.join(db.dataDir, 'no-web-build') },
    });
    let output = '';
    supervisor.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    supervisor.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    try {
      await until('the first health answer', async () => {
        try {
          return (await fetch(`http://127.0.0.1:${port}/api/v1/health`)).status === 200 ? true : undefined;
        } catch {
          return undefined;
        }
      });
      const exited = new Promise<number | null>((resolve) => supervisor.once('exit', (code) => resolve(code)));
      process.kill(-supervisor.pid!, 'SIGTERM');
      expect(await exited).toBe(0);
      expect(output).not.toMatch(/again: stopping at once|second SIGTERM/);
    } finally {
      try {
        process.kill(-supervisor.pid!, 'SIGKILL');
      } catch {
        // the group is gone
      }
      await db.drop();
    }
  }, 120_000);
});
