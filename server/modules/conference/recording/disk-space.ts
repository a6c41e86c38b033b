/** Free space, in MiB, on the file system that holds `dir` (what an unprivileged process may use). */
import { statfs } from 'node:fs/promises';

export type FreeSpace = (dir: string) => Promise<number>;

export const freeMegabytes: FreeSpace = async (dir) => {
  const stats = await statfs(dir);
  return Math.floor((stats.bavail * stats.bsize) / (1024 * 1024));
};
