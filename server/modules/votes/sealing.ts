/**
 * Seals a secret ballot while its poll is open: AES-256-GCM with a key that is
 * not in the database (BALLOT_KEY, or a key file in DATA_DIR created on first
 * use with owner-only access). A database administrator sees who voted and
 * an opaque blob; nobody reading the database alone can tell what they chose.
 * Several app processes must share the key: set BALLOT_KEY for them.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export class BallotSeal {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('ballot key must be 32 bytes');
    this.#key = key;
  }

  static async load(dataDir: string, fromEnv: string | undefined): Promise<BallotSeal> {
    if (fromEnv !== undefined) return new BallotSeal(Buffer.from(fromEnv, 'base64'));
    const file = path.join(dataDir, 'keys', 'ballot.key');
    if (!existsSync(file)) {
      await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      await writeFile(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' }).catch((error: unknown) => {
        if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) throw error;
      });
      await chmod(file, 0o600);
    }
    return new BallotSeal(Buffer.from((await readFile(file, 'utf8')).trim(), 'base64'));
  }

  /** `context` (the poll id) is authenticated, so a sealed ballot cannot be moved to another poll. */
  seal(value: unknown, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  open<T>(sealed: string, context: string): T {
    const raw = Buffer.from(sealed, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(raw.subarray(12, 28));
    return JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')) as T;
  }
}
