/**
 * The embedded database's statement cache: every statement the app sends
 * unnamed is prepared once, under a name of its own, and reused.
 *
 * Why: drizzle sends each query unnamed, and postgres.js sends an unnamed
 * query with parameters twice (Parse + Describe to learn the parameter types,
 * then Parse + Bind + Execute), so the embedded database, WebAssembly in the
 * app's own process, parsed every query twice and planned it once each time.
 * That was most of a query's cost: 0.56–0.84 ms of wall time for the session,
 * document and meeting reads of a document request, against 0.11–0.21 ms
 * prepared (scratch loop, 200 runs each). A server keeps no such cache because
 * its clients do; this app's client does not, and only this process talks to
 * this database, so the wire can keep it.
 *
 * How, in protocol terms (one PGlite session shared by every connection):
 *  - Parse of the unnamed statement: the first time its text and parameter
 *    types are seen, it becomes Parse of a fresh name; later, Parse of an empty
 *    query (which costs nothing, and answers ParseComplete as the client
 *    expects). The connection's "unnamed statement" is then that name.
 *  - Bind and Describe of the unnamed statement name it instead.
 *  - A batch whose answer holds an error forgets the statements it used (a
 *    statement may then be broken, for example by a changed table), and at
 *    most LIMIT names are kept, the least recently used going first. Names
 *    are dropped (DEALLOCATE) between transactions, and never while a
 *    connection's unnamed statement still points at them.
 *  - A statement that changes the schema or the session's prepared statements
 *    (CREATE, ALTER, DROP, DISCARD…, sent any way) forgets them all: a cached
 *    plan whose table changed its columns would fail where a fresh one works.
 *    The app changes its schema only in its migrations, before it serves.
 * A client's own named statements pass through untouched.
 */

/** Most statements kept prepared: the app has a few hundred query shapes; a plan costs the session some KB. */
export const STATEMENT_LIMIT = 256;
/** A longer statement (its text, with its parameter types) is not kept: one that long is rarely repeated. */
const LONGEST_KEPT = 16_384;
const NAME_PREFIX = 'phs_wire_';

/** 'P': Parse, which names the statement it prepares ('' is the unnamed one, replaced by the next). */
export const PARSE = 0x50;
const BIND = 0x42; // 'B'
const DESCRIBE = 0x44; // 'D'
const CLOSE = 0x43; // 'C'
const STATEMENT = 0x53; // 'S': Describe or Close of a statement (not a portal)
const ERROR_RESPONSE = 0x45; // 'E'
const QUERY = 0x51; // 'Q': a simple query

/** A statement (at the start of the text or after a semicolon) that may change what a cached plan means. */
const CHANGES_SCHEMA = /(?:^|;)\s*(?:create|alter|drop|truncate|comment|grant|revoke|reindex|cluster|vacuum|do|discard|deallocate|reset|import|refresh|security)\b/i;

/** A connection's view: which prepared name its unnamed statement is now, if any. */
export type UnnamedSlot = { name: string | undefined };

function message(type: number, body: Buffer): Buffer {
  const head = Buffer.allocUnsafe(5);
  head[0] = type;
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

function cstring(text: string): Buffer {
  return Buffer.from(`${text}\0`, 'utf8');
}

/** Parse of the unnamed statement with an empty query and no parameter types. */
const EMPTY_PARSE = message(PARSE, Buffer.from([0, 0, 0, 0]));

export class StatementCache {
  /** statement key (text and parameter types, as sent) → name, least recently used first */
  readonly #names = new Map<string, string>();
  /** names to DEALLOCATE once no connection's unnamed statement points at them */
  readonly #doomed = new Set<string>();
  /** every connection's slot, to know which names are still pointed at */
  readonly #slots = new Set<UnnamedSlot>();
  #next = 0;
  readonly #limit: number;

  constructor(limit = STATEMENT_LIMIT) {
    this.#limit = limit;
  }

  open(slot: UnnamedSlot): void {
    this.#slots.add(slot);
  }

  close(slot: UnnamedSlot): void {
    this.#slots.delete(slot);
  }

  /** `messages`: whole protocol messages of one batch; returns them rewritten, and what they used. */
  rewrite(messages: Buffer, slot: UnnamedSlot): { messages: Buffer; used: Set<string> } {
    const out: Buffer[] = [];
    const used = new Set<string>();
    let copiedTo = 0;
    const replace = (start: number, end: number, replacement: Buffer) => {
      if (start > copiedTo) out.push(messages.subarray(copiedTo, start));
      out.push(replacement);
      copiedTo = end;
    };
    let at = 0;
    while (at + 5 <= messages.length) {
      const type = messages[at]!;
      const end = at + 1 + messages.readInt32BE(at + 1);
      const body = at + 5;
      const unnamedParse = type === PARSE && messages[body] === 0;
      const key = unnamedParse && end - body - 1 <= LONGEST_KEPT ? messages.toString('latin1', body + 1, end) : undefined;
      const known = key === undefined ? undefined : this.#names.get(key);
      // A statement in the cache was read when it was cached, and only texts that leave the schema alone are kept.
      const changesSchema = known === undefined && (type === QUERY || type === PARSE) && this.#watchSchema(messages, type === QUERY ? body : messages.indexOf(0, body) + 1, end);
      if (unnamedParse) {
        if (key === undefined || changesSchema) {
          slot.name = undefined; // the real unnamed statement, as sent
        } else {
          const rest = messages.subarray(body + 1, end); // query text and parameter types
          if (known !== undefined) {
            this.#names.delete(key);
            this.#names.set(key, known); // most recently used now
            replace(at, end, EMPTY_PARSE);
            slot.name = known;
          } else {
            const name = `${NAME_PREFIX}${this.#next++}`;
            this.#names.set(key, name);
            replace(at, end, message(PARSE, Buffer.concat([cstring(name), rest])));
            slot.name = name;
            this.#evictBeyondLimit();
          }
          used.add(slot.name);
        }
      } else if (type === BIND && slot.name !== undefined) {
        const portalEnd = messages.indexOf(0, body);
        if (messages[portalEnd + 1] === 0) {
          // Bind of the unnamed statement: portal name, then our name instead of the empty one.
          replace(at, end, message(BIND, Buffer.concat([messages.subarray(body, portalEnd + 1), cstring(slot.name), messages.subarray(portalEnd + 2, end)])));
        }
      } else if (type === DESCRIBE && messages[body] === STATEMENT && messages[body + 1] === 0 && slot.name !== undefined) {
        replace(at, end, message(DESCRIBE, Buffer.concat([Buffer.from([STATEMENT]), cstring(slot.name)])));
      } else if (type === CLOSE && messages[body] === STATEMENT && messages[body + 1] === 0) {
        slot.name = undefined; // the client closed its unnamed statement: the next Bind of it fails as it would
      }
      at = end;
    }
    if (copiedTo === 0) return { messages, used };
    if (copiedTo < messages.length) out.push(messages.subarray(copiedTo));
    return { messages: Buffer.concat(out), used };
  }

  /** After the batch ran: an error in its answer makes the statements it used suspect, so they are forgotten. */
  settle(answer: Buffer, used: ReadonlySet<string>): void {
    if (used.size === 0 || !hasError(answer)) return;
    for (const [key, name] of this.#names) {
      if (used.has(name)) {
        this.#names.delete(key);
        this.#doomed.add(name);
      }
    }
  }

  /** Names to DEALLOCATE now (between transactions); they are forgotten as they are handed out. */
  takeDoomed(): string[] {
    if (this.#doomed.size === 0) return [];
    const pointed = new Set([...this.#slots].map((slot) => slot.name));
    const now = [...this.#doomed].filter((name) => !pointed.has(name));
    for (const name of now) this.#doomed.delete(name);
    return now;
  }

  /** Whether the text from `at` (NUL-terminated, before `end`) may change the schema; if so, every statement is forgotten. */
  #watchSchema(messages: Buffer, at: number, end: number): boolean {
    const nul = messages.indexOf(0, at);
    const text = messages.toString('utf8', at, nul >= at && nul < end ? nul : end);
    if (!CHANGES_SCHEMA.test(text)) return false;
    for (const name of this.#names.values()) this.#doomed.add(name);
    this.#names.clear();
    return true;
  }

  #evictBeyondLimit(): void {
    while (this.#names.size > this.#limit) {
      const [key, name] = this.#names.entries().next().value!;
      this.#names.delete(key);
      this.#doomed.add(name);
    }
  }
}

/** Whether an answer holds an ErrorResponse (walked message by message: a data row may hold the byte 'E'). */
function hasError(chunk: Buffer): boolean {
  let at = 0;
  while (at + 5 <= chunk.length) {
    if (chunk[at] === ERROR_RESPONSE) return true;
    at += 1 + chunk.readInt32BE(at + 1);
  }
  return false;
}

/** The statement that drops one prepared statement. */
export function deallocateStatement(name: string): string {
  return `DEALLOCATE "${name.replaceAll('"', '""')}"`;
}

/** The same as a simple-query message, to run inside a batch's turn (its answer is read and discarded). */
export function deallocateMessage(name: string): Buffer {
  return message(QUERY, cstring(deallocateStatement(name)));
}
