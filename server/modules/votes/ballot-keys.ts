/**
 * The keys of secret ballots (see README, "Secret ballots").
 *
 * - The master key: BALLOT_KEY, or `DATA_DIR/keys/ballot.key` made on the
 *   first start (one process only: several processes must share BALLOT_KEY,
 *   config.ts refuses REDIS_URL without it). It never seals a ballot: it
 *   wraps the poll keys and derives receipts.
 * - One key per secret poll, drawn when the poll opens and kept only in
 *   `DATA_DIR/keys/polls/<poll id>.key`, wrapped by the master key. It is
 *   never written to the database, so no row, dead row version, WAL segment
 *   or backup of the database holds it. When the poll closes (or is
 *   cancelled, counted on paper, or closed with its meeting) the file is
 *   overwritten and removed: the seals left behind in dead rows and WAL can
 *   no longer be opened by anyone, the master key's holder included.
 * - A receipt is HMAC(master, poll, voter): the server can show it to the
 *   voter on any device, and it says nothing about the choice.
 */
import { createCipheriv, createDecipheriv, createHmac, createSecretKey, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../../config.ts';
import { encodeReceipt } from './sealing.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function derive(master: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `phong-hop-so/${purpose}`, 32));
}

/** The problem a start-up check found, as an error main.ts prints and exits on. */
function refuse(problem: string): ConfigError {
  return new ConfigError('BALLOT_KEY', problem);
}

export class BallotKeys {
  readonly #wrapKey: Buffer;
  /** a KeyObject made once: a raw key would be wrapped anew for every receipt of a vote storm */
  readonly #receiptKey: KeyObject;
  readonly #dir: string;

  private constructor(master: Buffer, keysDir: string) {
    if (master.length !== 32) throw refuse('must be 32 bytes in base64');
    this.#wrapKey = derive(master, 'poll-key-wrap');
    this.#receiptKey = createSecretKey(derive(master, 'receipt'));
    this.#dir = path.join(keysDir, 'polls');
  }

  /**
   * Loads the master key and checks, before the server accepts anyone, that
   * every open secret poll's key is there and opens with it. A missing master
   * key file is made only when no secret poll is open: otherwise a new key
   * would silently strand those polls (their close would fail).
   */
  static async load(dataDir: string, fromEnv: string | undefined, openSecretPolls: readonly string[], receiptsIssued = false): Promise<BallotKeys> {
    const keysDir = path.join(dataDir, 'keys');
    let master: Buffer;
    if (fromEnv !== undefined) {
      master = Buffer.from(fromEnv, 'base64');
    } else {
      const file = path.join(keysDir, 'ballot.key');
      if (!existsSync(file)) {
        if (openSecretPolls.length > 0) {
          throw refuse(
            `is unset and ${file} is missing while ${openSecretPolls.length} secret poll(s) are open (${openSecretPolls.join(', ')}): restore the key file (or set BALLOT_KEY to the key these polls were opened with) and start again`,
          );
        }
        if (receiptsIssued) {
          throw refuse(
            `is unset and ${file} is missing, but voters hold receipts derived from it: restore the key file, or set BALLOT_KEY to a new key (openssl rand -base64 32) to accept that the receipts of earlier polls will no longer be shown to their voters`,
          );
        }
        await mkdir(keysDir, { recursive: true, mode: 0o700 });
        await writeFile(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' }).catch((error: unknown) => {
          if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) throw error;
        });
        await chmod(file, 0o600);
      }
      master = Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
    }
    const keys = new BallotKeys(master, keysDir);
    const unusable: string[] = [];
    for (const pollId of openSecretPolls) if ((await keys.pollKey(pollId).catch(() => null)) === null) unusable.push(pollId);
    if (unusable.length > 0) {
      throw refuse(
        `cannot open the key of ${unusable.length} open secret poll(s) (${unusable.join(', ')}): their key files under ${keys.#dir} are missing or were made with another master key. Several app processes must share BALLOT_KEY and DATA_DIR; restore the files or the key and start again`,
      );
    }
    return keys;
  }

  #file(pollId: string): string {
    if (!UUID.test(pollId)) throw new Error('not a poll id');
    return path.join(this.#dir, `${pollId}.key`);
  }

  /**
   * Draws the poll's key and stores it wrapped. Called while the poll's row
   * is locked for opening, so two opens of one poll cannot both write; the
   * rename replaces a file a failed earlier opening left behind.
   */
  async createPollKey(pollId: string): Promise<void> {
    await mkdir(this.#dir, { recursive: true, mode: 0o700 });
    const key = randomBytes(32);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#wrapKey, iv);
    cipher.setAAD(Buffer.from(`poll-key:${pollId}`));
    const wrapped = Buffer.concat([iv, cipher.update(key), cipher.final(), cipher.getAuthTag()]);
    const file = this.#file(pollId);
    const partial = `${file}.${randomBytes(6).toString('hex')}.part`;
    await writeFile(partial, wrapped.toString('base64'), { mode: 0o600, flag: 'wx' });
    const handle = await open(partial, 'r');
    await handle.sync().finally(() => handle.close());
    await rename(partial, file);
  }

  /**
   * The poll's key, or null when it has no key file (never opened, or closed). Throws when the file does not open with this master key.
   * The file (a few dozen bytes on local disk) is read at once: an asynchronous read is four trips through the event loop, and in a
   * vote storm each trip waits behind the whole hall's ballots.
   */
  async pollKey(pollId: string): Promise<Buffer | null> {
    let text: string;
    try {
      text = readFileSync(this.#file(pollId), 'utf8');
    } catch (error) {
      if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return null;
      throw error;
    }
    const raw = Buffer.from(text.trim(), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.#wrapKey, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(`poll-key:${pollId}`));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]);
  }

  /** Overwrites the poll's key file and removes it: from now on its seals open for nobody. */
  async destroyPollKey(pollId: string): Promise<void> {
    const file = this.#file(pollId);
    try {
      const handle = await open(file, 'r+');
      try {
        const { size } = await handle.stat();
        await handle.write(randomBytes(size), 0, size, 0);
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch (error) {
      if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return;
      throw error;
    }
    await rm(file, { force: true });
  }

  /** Poll ids that have a key file (for the sweep of keys whose poll is no longer open). */
  async storedPollIds(): Promise<string[]> {
    const names = await readdir(this.#dir).catch(() => [] as string[]);
    return names.flatMap((name) => {
      const id = name.endsWith('.key') ? name.slice(0, -'.key'.length) : '';
      return UUID.test(id) ? [id] : [];
    });
  }

  /** The voter's receipt for this poll: the same on every device and after logout, derived, never stored beside a choice. */
  receipt(pollId: string, voterUserId: string): string {
    return encodeReceipt(createHmac('sha256', this.#receiptKey).update(`${pollId}:${voterUserId}`).digest());
  }
}
