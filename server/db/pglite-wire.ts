/**
 * A PostgreSQL wire-protocol connection to PGlite inside this process, for
 * postgres.js's `socket` option: what postgres.js writes is handed to PGlite
 * whole, and PGlite's answer comes back as the stream's data. Nothing listens
 * (no port, no socket file), so no other account or process can reach the
 * embedded database, and a query costs no trip through the kernel.
 *
 * Why not pglite-socket behind a Unix socket, as before: besides the two
 * socket hops, it runs each protocol message as its own PGlite call (a
 * promise, a lock, a file-system sync and a timer turn per message; a query
 * is four or five messages). Here every complete message that has arrived
 * goes to PGlite in one call, which runs them in order as a server would.
 */
import { Duplex } from 'node:stream';
import type { PGlite } from '@electric-sql/pglite';
import { deallocateMessage, deallocateStatement, PARSE, StatementCache, type UnnamedSlot } from './pglite-statements.ts';

/** The startup message's protocol version 3.0, and the codes a client may send in its place. */
const PROTOCOL_3 = 196_608;
const CANCEL_REQUEST = 80_877_102;
const SSL_REQUEST = 80_877_103;
/** 'X': the client says goodbye. */
const TERMINATE = 0x58;

/**
 * Who may run statements now. PGlite is one PostgreSQL session: a transaction
 * begun by one connection must not see another connection's statements in the
 * middle, so the connection whose batch left a transaction open keeps the turn
 * until it ends it (or goes away, and its transaction is rolled back).
 */
export class SessionTurns {
  #holder: PgliteWire | undefined;
  #waiting: (() => void)[] = [];
  readonly db: PGlite;
  /** statements prepared for every connection of this session (pglite-statements.ts) */
  readonly statements = new StatementCache();

  constructor(db: PGlite) {
    this.db = db;
  }

  async take(wire: PgliteWire): Promise<void> {
    while (this.#holder !== undefined && this.#holder !== wire) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#holder = wire;
  }

  /** After a batch: the turn passes on unless `wire` is inside a transaction. */
  settle(wire: PgliteWire): void {
    if (this.#holder !== wire || this.db.isInTransaction()) return;
    this.#release();
  }

  /**
   * `wire` went away: roll back what it left open and drop the statements it
   * prepared (the session outlives it: postgres.js opens a new connection
   * every 30–60 minutes, and each would leave its statements behind), then
   * let the others on.
   */
  async leave(wire: PgliteWire, prepared: ReadonlySet<string>): Promise<void> {
    if (this.#holder !== wire) {
      if (prepared.size === 0) return;
      await this.take(wire);
    }
    try {
      if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
      // One by one: a statement whose Parse failed was never created, and its error must not keep the others.
      for (const name of prepared) await this.db.exec(deallocateStatement(name)).catch(() => undefined);
    } finally {
      this.#release();
    }
  }

  #release(): void {
    this.#holder = undefined;
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const wake of waiting) wake();
  }
}

/** One client connection. `readyState` is what postgres.js reads of a net.Socket to know it may still end it. */
export class PgliteWire extends Duplex {
  readonly #turns: SessionTurns;
  #pending: Buffer = Buffer.alloc(0);
  #started = false;
  /** names of the statements this connection prepared, dropped when it goes away */
  readonly #prepared = new Set<string>();
  /** which of the shared cache's statements this connection's unnamed statement is now */
  readonly #unnamed: UnnamedSlot = { name: undefined };

  /** `turns`: the session's, shared by every connection to it (one per PGlite instance). */
  constructor(turns: SessionTurns) {
    // write() never says "full", so the stream never emits 'drain'. postgres.js takes a drain with no query
    // running as "this connection is free again" and hands it to the next caller, even in the middle of a
    // transaction: with answers arriving before the write completes (as here), a write over the default 16 KB
    // (a PDF as a parameter) put a second `begin` inside the first transaction. A kernel socket drains long
    // before the server answers, which is why postgres.js gets away with it there.
    super({ allowHalfOpen: false, decodeStrings: true, writableHighWaterMark: 2 ** 30 });
    this.#turns = turns;
    turns.statements.open(this.#unnamed);
  }

  get readyState(): 'open' | 'closed' {
    return this.destroyed || this.writableEnded ? 'closed' : 'open';
  }

  override _read(): void {
    // Answers are pushed as PGlite produces them; there is nothing to pull.
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#take(chunk).then(() => callback(), callback);
  }

  override _writev(chunks: { chunk: Buffer }[], callback: (error?: Error | null) => void): void {
    this.#take(Buffer.concat(chunks.map((c) => c.chunk))).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    callback();
    this.destroy();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#turns.statements.close(this.#unnamed);
    this.#turns.leave(this, this.#prepared).then(
      () => callback(error),
      (rollbackError: unknown) => callback(error ?? (rollbackError as Error)),
    );
  }

  /** Cuts what has arrived into whole messages and runs them; a partial message waits for the rest. */
  async #take(chunk: Buffer): Promise<void> {
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    if (!this.#started) {
      if (this.#pending.length < 8) return;
      const length = this.#pending.readInt32BE(0);
      const code = this.#pending.readInt32BE(4);
      if (code === CANCEL_REQUEST || code === SSL_REQUEST) {
        // PGlite runs a statement synchronously, so there is never one to cancel by the time this is read; no TLS in-process.
        this.destroy();
        return;
      }
      if (code !== PROTOCOL_3) throw new Error(`unsupported PostgreSQL protocol ${code}`);
      if (this.#pending.length < length) return;
      this.#started = true;
      await this.#run(this.#cut(length));
    }
    let end = 0;
    while (end + 5 <= this.#pending.length) {
      const next = end + 1 + this.#pending.readInt32BE(end + 1);
      if (next > this.#pending.length) break;
      if (this.#pending[end] === TERMINATE) {
        const before = this.#pending.subarray(0, end);
        this.#pending = Buffer.alloc(0);
        if (before.length > 0) await this.#run(before);
        this.destroy();
        return;
      }
      if (this.#pending[end] === PARSE) this.#notePrepared(end + 5, next);
      end = next;
    }
    if (end > 0) await this.#run(this.#cut(end));
  }

  /** Remembers the name a Parse message gives its statement; the name runs from `at` to a NUL before `end`. */
  #notePrepared(at: number, end: number): void {
    const nul = this.#pending.indexOf(0, at);
    if (nul > at && nul < end) this.#prepared.add(this.#pending.toString('utf8', at, nul));
  }

  #cut(length: number): Buffer {
    const messages = this.#pending.subarray(0, length);
    this.#pending = this.#pending.subarray(length);
    return messages;
  }

  async #run(messages: Buffer): Promise<void> {
    await this.#turns.take(this);
    const { db, statements } = this.#turns;
    const chunks: Buffer[] = [];
    let answer: Buffer | undefined;
    try {
      const batch = statements.rewrite(messages, this.#unnamed);
      // The runExclusive lock is PGlite's own, shared with its query API and close().
      await db.runExclusive(async () => {
        await db.execProtocolRawStream(batch.messages, {
          // PGlite reuses this memory for its next answer: copy it.
          onRawData: (data) => chunks.push(Buffer.from(data)),
        });
        answer = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        statements.settle(answer, batch.used);
        // Forgotten statements go between transactions (DEALLOCATE fails in an aborted one); their answers are not the client's.
        if (!db.isInTransaction()) for (const name of statements.takeDoomed()) await db.execProtocolRawStream(deallocateMessage(name), { onRawData: () => undefined });
      });
    } finally {
      this.#turns.settle(this);
    }
    if (answer !== undefined && answer.length > 0 && !this.destroyed) this.push(answer);
  }
}
