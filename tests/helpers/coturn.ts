/**
 * Debian's coturn started for a test with the configuration the project
 * generates (server/lib/coturn-config.ts), in a directory the caller owns;
 * resolves once it listens. The caller kills it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { coturnConfig, type CoturnOptions } from '../../server/lib/coturn-config.ts';

export async function startCoturn(dir: string, options: Omit<CoturnOptions, 'pidFile'>): Promise<ChildProcess> {
  writeFileSync(path.join(dir, 'turnserver.conf'), coturnConfig({ ...options, pidFile: path.join(dir, 'turnserver.pid') }));
  const turn = spawn('turnserver', ['-c', path.join(dir, 'turnserver.conf'), '--db', path.join(dir, 'turndb')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`coturn did not start:\n${log}`)), 20_000);
    turn.stdout?.on('data', (chunk: Buffer) => {
      log += chunk.toString('utf8');
      if (log.includes('Total General servers')) {
        clearTimeout(timer);
        resolve();
      }
    });
    turn.once('exit', () => reject(new Error(`coturn exited:\n${log}`)));
  });
  return turn;
}
