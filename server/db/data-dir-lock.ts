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
 */
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
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

/** Takes the directory for this process; resolves with the function that lets it go. */
export async function lockDataDir(lockPath: string, databaseDir: string): Promise<() => Promise<void>> {
  const me: Owner = { pid: process.pid, startTime: startTimeOf(process.pid) };
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      await fs.writeFile(lockPath, JSON.stringify(me), { flag: 'wx', mode: 0o600 });
      return () => fs.rm(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = await readOwner(lockPath);
    if (owner !== null && isAlive(owner)) {
      const who = owner.pid === process.pid ? 'this process already has it open' : `process ${owner.pid} has it open`;
      throw new ConfigError(
        'DATA_DIR',
        `holds an embedded database that is in use (${databaseDir}: ${who}). Cơ sở dữ liệu nhúng chỉ mở được bởi một tiến trình: dừng tiến trình kia hoặc dùng DATA_DIR khác / only one process may open it: stop the other one, or give this one its own DATA_DIR`,
      );
    }
    // Left by an owner that is gone: take it over.
    await fs.rm(lockPath, { force: true });
  }
  throw new ConfigError('DATA_DIR', `holds an embedded database whose lock (${lockPath}) could not be taken`);
}
