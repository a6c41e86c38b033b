/** Files that appear under their final name only when complete (a killed worker never leaves half a file). */
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';

/** Writes `bytes` to `out` through a temp name in the same directory, then renames. */
export async function writeAtomically(out: string, bytes: Uint8Array): Promise<void> {
  const temp = `${out}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temp, bytes);
    await rename(temp, out);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
