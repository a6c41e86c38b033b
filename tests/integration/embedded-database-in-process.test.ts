/**
 * The embedded database trusts whoever connects, so only the app's own OS
 * account may reach it: a Unix socket in a directory no other account can
 * enter, gone when the database stops. (On a TCP port of 127.0.0.1 any local
 * account could have read every meeting and written to it.)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { startEmbeddedDatabase } from '../../server/db/embedded.ts';

/** Another account on this machine, when the tests run as root and can become it. */
function asNobody(script: string): string {
  return execFileSync('runuser', ['-u', 'nobody', '--', process.execPath, '-e', script], { encoding: 'utf8', timeout: 20_000 });
}

describe('the embedded database is reachable by the app’s own account only', () => {
  it('listens on a Unix socket in a private directory, refuses another account, and leaves nothing behind', async () => {
    const database = await startEmbeddedDatabase(undefined);
    const { path: socketPath } = database.connection;
    const socketDir = path.dirname(socketPath);
    try {
      const dir = statSync(socketDir);
      expect(dir.mode & 0o777).toBe(0o700);
      expect(dir.uid).toBe(process.getuid!());
      expect(statSync(socketPath).isSocket()).toBe(true);

      const sql = postgres({ ...database.connection, max: 1, onnotice: () => {} });
      try {
        expect(await sql`select 1 + 1 as two`).toEqual([{ two: 2 }]);
      } finally {
        await sql.end({ timeout: 5 });
      }

      if (process.getuid!() === 0) {
        // What another local account sees when it tries the socket: no way in.
        const attempt = `require('node:net').connect(${JSON.stringify(socketPath)}).on('connect', () => { console.log('connected'); process.exit(0); }).on('error', (e) => { console.log(e.code); process.exit(0); })`;
        expect(asNobody(attempt).trim()).toBe('EACCES');
      }
    } finally {
      await database.stop();
    }
    expect(existsSync(socketDir)).toBe(false);
  });
});
