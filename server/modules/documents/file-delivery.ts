/**
 * How document bytes leave the server. `direct`: the app streams them.
 * `x-accel`: the app only authorises and names the file in an
 * `X-Accel-Redirect` header; the nginx in front (deploy/nginx/) sends it from
 * an `internal` location that maps `prefix` onto DATA_DIR, so the kernel
 * copies the bytes and ranges cost the app nothing. A client can never ask
 * for that location itself (nginx answers 404 to it).
 */
import path from 'node:path';
import type { MemoryFiles } from '../../lib/http/memory-files.ts';

/** `memory`: in direct delivery, where shared (unstamped) files are held for the many readers of one file. */
export type FileDelivery = { mode: 'direct'; memory?: MemoryFiles } | { mode: 'x-accel'; prefix: string; dataDir: string };

/** The internal URI nginx serves for a file under DATA_DIR (each segment percent-encoded). */
export function accelRedirect(delivery: { prefix: string; dataDir: string }, filePath: string): string {
  const relative = path.relative(delivery.dataDir, filePath);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) throw new Error(`file outside DATA_DIR: ${filePath}`);
  return delivery.prefix + relative.split(path.sep).map(encodeURIComponent).join('/');
}
