/**
 * One opener per embedded database directory (server/db/data-dir-lock.ts).
 * Two PGlite instances on the same files each keep their own buffers: each
 * sees only its own writes and both overwrite the files. A second opener, in
 * this process or another (`npm run demo:reset` while the server runs), is
 * refused with a message saying who holds it, and the first keeps its data;
 * a lock left by an owner that died is taken over, by exactly one of the
 * openers racing for it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../server/config.ts';
import { lockDataDir } from '../../server/db/data-dir-lock.ts';
import { embeddedPostgresOptions, startEmbeddedDatabase, type EmbeddedDatabase } from '../../server/db/embedded.ts';

const NODE = path.resolve('node_modules/.bin/node');

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'phs-lock-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function query<T>(database: EmbeddedDatabase, run: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(embeddedPostgresOptions(database, { max: 1, onnotice: () => {} }));
  try {
    return await run(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

const lockFile = () => path.join(dataDir, 'pglite.lock');

describe('an embedded database directory has one opener at a time', () => {
  it('refuses a second opener in this process and in another, and the first keeps its data', { timeout: 120_000 }, async () => {
    const first = await startEmbeddedDatabase(dataDir);
    try {
      await query(first, (sql) => sql`create table ghi_chu (noi_dung text); insert into ghi_chu values ('Biên bản phiên họp thứ nhất')`.simple());

      const again = await startEmbeddedDatabase(dataDir).then(
        () => null,
        (error: unknown) => error,
      );
      expect(again).toBeInstanceOf(ConfigError);
      expect((again as ConfigError).variable).toBe('DATA_DIR');
      expect((again as ConfigError).message).toContain('this process already has it open');

      // The operator's case: `npm run demo:reset` while the server holds the directory. Nothing is wiped.
      // Configured as a single embedded server is (the suite's own REDIS_URL would ask for a shared ballot key).
      const { REDIS_URL: _shared, ...env } = process.env;
      const reset = spawnSync(NODE, ['scripts/demo-reset.ts'], { env: { ...env, DATABASE_URL: '', DATA_DIR: dataDir }, encoding: 'utf8', timeout: 60_000 });
      expect(reset.status).toBe(2);
      expect(reset.stderr).toContain(`process ${process.pid} has it open`);
      expect(reset.stdout).not.toContain('wiping');

      expect(await query(first, (sql) => sql`select noi_dung from ghi_chu`)).toEqual([{ noi_dung: 'Biên bản phiên họp thứ nhất' }]);
    } finally {
      await first.stop();
    }

    // Stopped: the directory is free again, with what the first opener wrote.
    const next = await startEmbeddedDatabase(dataDir);
    try {
      expect(await query(next, (sql) => sql`select noi_dung from ghi_chu`)).toEqual([{ noi_dung: 'Biên bản phiên họp thứ nhất' }]);
    } finally {
      await next.stop();
    }
  });

  it('takes over a lock whose owner died, or whose pid now belongs to another process', { timeout: 120_000 }, async () => {
    // A process that has ended (kill -9, power cut): its pid names nobody.
    const ended = spawnSync(NODE, ['-e', 'process.exit(0)']);
    expect(ended.pid).toBeGreaterThan(0);
    await writeFile(lockFile(), JSON.stringify({ pid: ended.pid, startTime: null }));
    const afterCrash = await startEmbeddedDatabase(dataDir);
    expect(JSON.parse(await readFile(lockFile(), 'utf8'))).toMatchObject({ pid: process.pid });
    await afterCrash.stop();

    // A live pid that started at another moment than the one recorded: the system reused the dead owner's pid.
    await writeFile(lockFile(), JSON.stringify({ pid: process.pid, startTime: '1' }));
    const afterReuse = await startEmbeddedDatabase(dataDir);
    await afterReuse.stop();

    // A lock a crash left half written is nobody's.
    await writeFile(lockFile(), '');
    const afterTornWrite = await startEmbeddedDatabase(dataDir);
    await afterTornWrite.stop();
    await expect(readFile(lockFile())).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it("of openers racing for a dead owner's lock, in this process or in several, exactly one takes it", { timeout: 120_000 }, async () => {
    const deadOwner = async () => {
      const ended = spawnSync(NODE, ['-e', 'process.exit(0)']);
      await writeFile(lockFile(), JSON.stringify({ pid: ended.pid, startTime: null }));
    };

    // In this process: six openers, started a moment apart (0–3 ms, a different spread each round) so that
    // their steps interleave differently; in every round exactly one gets the directory. (The lock file alone
    // let two owners through in about half the rounds: a late opener removed the lock the first had just written.)
    for (let round = 0; round < 30; round += 1) {
      await deadOwner();
      const openers = await Promise.allSettled(
        Array.from({ length: 6 }, (_, i) => new Promise((resolve) => setTimeout(resolve, (i * 0.37 * round) % 3)).then(() => lockDataDir(lockFile(), dataDir))),
      );
      const taken = openers.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      for (const unlock of taken) await unlock();
      expect(taken, `round ${round}`).toHaveLength(1);
      for (const r of openers) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConfigError);
    }

    // Four processes at once (four `npm start`s after a power cut): each says whether it got the directory;
    // the winner holds it until every one has said (its stdin closes), then lets go.
    await deadOwner();
    const script = `
      import { lockDataDir } from ${JSON.stringify(path.resolve('server/db/data-dir-lock.ts'))};
      try {
        const unlock = await lockDataDir(${JSON.stringify(lockFile())}, ${JSON.stringify(dataDir)});
        console.log('taken');
        process.stdin.resume();
        process.stdin.on('end', () => unlock().then(() => process.exit(0)));
      } catch (error) {
        console.log(error.variable === 'DATA_DIR' ? 'refused' : 'failed: ' + error.message);
        process.exit(0);
      }`;
    const children = Array.from({ length: 4 }, () => spawn(NODE, ['--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] }));
    const said = children.map(
      (child) =>
        new Promise<string>((resolve) => {
          let out = '';
          child.stdout.on('data', (chunk: Buffer) => {
            out += chunk.toString();
            if (out.includes('\n')) resolve(out.trim());
          });
          child.on('close', () => resolve(out.trim()));
        }),
    );
    const outcomes = await Promise.all(said);
    const ended = children.map((child) => new Promise((resolve) => (child.exitCode === null ? child.on('close', resolve) : resolve(null))));
    for (const child of children) child.stdin.end();
    await Promise.all(ended);
    expect(outcomes.sort()).toEqual(['refused', 'refused', 'refused', 'taken']);
    // The winner let go: the directory is free.
    const after = await lockDataDir(lockFile(), dataDir);
    await after();
  });
});
