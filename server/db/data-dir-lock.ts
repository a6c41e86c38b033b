/**
 * One owner per embedded database directory. PGlite is PostgreSQL inside this
 * process's memory: a second process (a second `npm start`, `npm run
 * demo:reset` while the server runs) or a second instance in this process
 * opening the same files keeps buffers of its own, so each sees only its own
 * writes and the files end up overwritten by both. A lock file beside the
 * database names its owner (pid and, on Linux, the process's start time, so a
 * pid the system handed to someone else later is not taken for the owner).
 * While the owner lives, another open is refused with a message saying who
 * holds it; a lock left by an owner that died (kill -9, power cut) is taken over.
 *
 * The file alone cannot make the takeover safe: two openers that both find a
 * dead owner's lock would each remove it and write their own, and the later
 * removal can take away the lock the other has just written, leaving two
 * owners. So on Linux the owner also holds a guard the kernel releases when
 * its process dies: a Unix socket bound in the abstract namespace, named
 * after the directory. Binding it is atomic; only its holder reads, takes
 * over or writes the lock file, and it is held for as long as the database
 * is open. Its limit: the abstract namespace belongs to a network namespace,
 * so containers with their own networks sharing one data volume see only
 * each other's lock files (still refused while the owner lives).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { ConfigError } from '../config.ts';

type Owner = { pid: number; startTime: string | null };

/** The process's start time in clock ticks since boot (Linux /proc), or null where there is none. */
function startTimeOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After the command name (which may hold spaces and parentheses) come the fields from the 3rd on; starttime is the 22nd.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function isAlive(owner: Owner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to another account; it still holds the files.
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  if (owner.startTime === null) return true;
  const now = startTimeOf(owner.pid);
  return now === null || now === owner.startTime;
}

async function readOwner(lockPath: string): Promise<Owner | null> {
  try {
    const parsed: unknown = JSON.parse(await fs.readFile(lockPath, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) return null;
    const { pid, startTime } = parsed as Record<string, unknown>;
    if (!Number.isSafeInteger(pid) || (pid as number) <= 0) return null;
    return { pid: pid as number, startTime: typeof startTime === 'string' ? startTime : null };
  } catch {
    // Gone meanwhile, or not a lock we wrote (a crash mid-write leaves it empty): nobody holds it.
    return null;
  }
}

/**
 * The directory's guard: resolves with its release once bound, with null when
 * another opener (in this process or another) holds it, and with a release
 * that does nothing where there is no abstract namespace (not Linux).
 */
async function takeGuard(databaseDir: string): Promise<(() => Promise<void>) | null> {
  if (process.platform !== 'linux') return async () => {};
  const real = await fs.realpath(databaseDir).catch(() => path.resolve(databaseDir));
  const name = `\0phong-hop-so/pglite/${createHash('sha256').update(real).digest('hex')}`;
  const guard = net.createServer();
  guard.unref();
  return new Promise((resolve, reject) => {
    guard.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolve(null) : reject(error)));
    guard.listen(name, () => resolve(() => new Promise<void>((done) => guard.close(() => done()))));
  });
}

function inUse(databaseDir: string, owner: Owner | null): ConfigError {
  const who = owner === null ? 'another opener has it open' : owner.pid === process.pid ? 'this process already has it open' : `process ${owner.pid} has it open`;
  return new ConfigError(
    'DATA_DIR',
    `holds an embedded database that is in use (${databaseDir}: ${who}). Cơ sở dữ liệu nhúng chỉ mở được bởi một tiến trình: dừng tiến trình kia hoặc dùng DATA_DIR khác / only one process may open it: stop the other one, or give this one its own DATA_DIR`,
  );
}

/** Takes the directory for this process; resolves with the function that lets it go. */
export async function lockDataDir(lockPath: string, databaseDir: string): Promise<() => Promise<void>> {
  const releaseGuard = await takeGuard(databaseDir);
  if (releaseGuard === null) throw inUse(databaseDir, await readOwner(lockPath));
  try {
    await takeLockFile(lockPath, databaseDir);
  } catch (error) {
    await releaseGuard();
    throw error;
  }
  return async () => {
    // The file first: whoever takes the guard next finds the directory free.
    await fs.rm(lockPath, { force: true });
    await releaseGuard();
  };
}

/** With the guard held: writes this process's lock file, taking over one whose owner is gone. */
async function takeLockFile(lockPath: string, databaseDir: string): Promise<void> {
  const me: Owner = { pid: process.pid, startTime: startTimeOf(process.pid) };
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      await fs.writeFile(lockPath, JSON.stringify(me), { flag: 'wx', mode: 0o600 });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = await readOwner(lockPath);
    // Alive: an owner this guard cannot see (another network namespace), or one that predates it.
    if (owner !== null && isAlive(owner)) throw inUse(databaseDir, owner);
    // Left by an owner that is gone: take it over.
    await fs.rm(lockPath, { force: true });
  }
  throw new ConfigError('DATA_DIR', `holds an embedded database whose lock (${lockPath}) could not be taken`);
}
