/**
 * The offline queue of one reader's annotation changes on one document
 * version. Every change is written to storage first and only then sent, so a
 * dropped Wi-Fi, a timed-out ack or a reload never loses ink: the queue is
 * sent again, in order, when the connection is back (the server's upsert is
 * idempotent by the client's id, so a replay is harmless). A change the
 * server refuses for good (validation, no access) is dropped and reported
 * instead of being retried forever.
 *
 * Plain TypeScript with injected storage and transport, so it is unit-tested
 * without a browser (tests/unit/annotations-outbox.test.ts).
 */
import type { AnnotationDto, AnnotationUpsert } from '$contract/annotations.ts';
import type { Ack, AckError } from '$contract/realtime.ts';

export type OutboxOp = { type: 'upsert'; annotation: AnnotationUpsert } | { type: 'delete'; id: string };
export type OutboxEntry = { seq: number; op: OutboxOp };

/** Synchronous key/value storage (localStorage fits; tests use a Map). */
export type OutboxStorage = {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
};

/** Sends one change and resolves with its ack; never throws (offline and timeouts are error acks). */
export type OutboxTransport = (op: OutboxOp) => Promise<Ack<AnnotationDto>>;

export type OutboxOptions = {
  storage: OutboxStorage;
  /** one queue per user, document and version */
  key: string;
  transport: OutboxTransport;
  /**
   * Whether sending is worth trying now (the socket is connected). While not,
   * changes only wait (and a note being typed is kept as one change); the
   * owner calls flush() when the connection is back.
   */
  online?: () => boolean;
  /** the server stored a change: its answer, to adopt the revision */
  onAck?: (dto: AnnotationDto, op: OutboxOp) => void;
  /** the server refused a change for good; it has left the queue */
  onDrop?: (op: OutboxOp, error: AckError) => void;
  /** the queue grew or shrank */
  onChange?: (pending: number) => void;
  /** waits before retrying after a passing failure (last one repeats) */
  retryDelaysMs?: readonly number[];
  /** setTimeout by default; injectable for tests */
  schedule?: (run: () => void, ms: number) => () => void;
};

/**
 * Failures worth retrying: the connection, the clock, the server's rate
 * limit or a passing server error. Anything else (validation, not found, no
 * access) will fail the same way again.
 */
const TRANSIENT = new Set(['offline', 'timeout', 'rateLimited', 'internal', 'network', 'unavailable']);

export function isTransient(error: AckError): boolean {
  return TRANSIENT.has(error.code);
}

export function outboxKey(userId: string, documentId: string, version: number): string {
  return `phs.annotations.outbox.v1:${userId}:${documentId}:${version}`;
}

/** The id an operation is about. */
export function opId(op: OutboxOp): string {
  return op.type === 'upsert' ? op.annotation.id : op.id;
}

export class Outbox {
  readonly #options: OutboxOptions;
  #entries: OutboxEntry[];
  #nextSeq: number;
  /** seq of the entry being sent (it stays stored until acknowledged) */
  #inFlight: number | null = null;
  #running: Promise<void> | null = null;
  /** flush() was asked for while a drain ran: look again when it ends (it may have just passed its last check) */
  #again = false;
  #cancelRetry: (() => void) | null = null;
  #failures = 0;
  #closed = false;

  constructor(options: OutboxOptions) {
    this.#options = options;
    this.#entries = readEntries(options.storage, options.key);
    this.#nextSeq = (this.#entries.at(-1)?.seq ?? 0) + 1;
  }

  /** What is waiting, oldest first (restored from storage after a reload). */
  get entries(): readonly OutboxEntry[] {
    return this.#entries;
  }

  get pending(): number {
    return this.#entries.length;
  }

  /** Whether a change for this id is still waiting (a push from the server must not overwrite it). */
  has(id: string): boolean {
    return this.#entries.some((entry) => opId(entry.op) === id);
  }

  /** Stores a change, then tries to send it. */
  enqueue(op: OutboxOp): void {
    if (this.#closed) return;
    const id = opId(op);
    // A later save of the same annotation replaces one still waiting (not the one on the wire):
    // a note typed offline is sent once, not once per keystroke pause.
    const waiting = this.#entries.findIndex((entry) => entry.seq !== this.#inFlight && opId(entry.op) === id);
    if (op.type === 'upsert' && waiting !== -1 && this.#entries[waiting]!.op.type === 'upsert') {
      this.#entries[waiting] = { seq: this.#entries[waiting]!.seq, op };
    } else {
      if (op.type === 'delete') {
        // Unsent saves of something now deleted need not travel.
        this.#entries = this.#entries.filter((entry) => entry.seq === this.#inFlight || opId(entry.op) !== id);
      }
      this.#entries.push({ seq: this.#nextSeq++, op });
    }
    this.#persist();
    void this.flush();
  }

  /**
   * Sends the queue in order, one change at a time. Stops at the first
   * passing failure and retries later (or on the next flush, e.g. on reconnect).
   */
  flush(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    if (this.#running !== null) {
      this.#again = true;
      return this.#running;
    }
    this.#running = this.#drain().finally(() => {
      this.#running = null;
      if (this.#again) {
        this.#again = false;
        void this.flush();
      }
    });
    return this.#running;
  }

  /** Stops retrying; what is queued stays stored for the next time. */
  close(): void {
    this.#closed = true;
    this.#cancelRetry?.();
    this.#cancelRetry = null;
  }

  async #drain(): Promise<void> {
    this.#cancelRetry?.();
    this.#cancelRetry = null;
    while (!this.#closed) {
      const entry = this.#entries[0];
      if (entry === undefined) return;
      if (this.#options.online?.() === false) return;
      this.#inFlight = entry.seq;
      const ack = await this.#options.transport(entry.op);
      this.#inFlight = null;
      if (this.#closed) return;
      if (ack.ok) {
        this.#failures = 0;
        this.#remove(entry.seq);
        this.#options.onAck?.(ack.data, entry.op);
        continue;
      }
      // Deleting something the server no longer has is what we wanted anyway.
      if (entry.op.type === 'delete' && ack.error.code === 'notFound') {
        this.#failures = 0;
        this.#remove(entry.seq);
        continue;
      }
      if (!isTransient(ack.error)) {
        this.#remove(entry.seq);
        this.#options.onDrop?.(entry.op, ack.error);
        continue;
      }
      this.#retryLater();
      return;
    }
  }

  #retryLater(): void {
    const delays = this.#options.retryDelaysMs ?? [1_000, 2_000, 5_000, 10_000, 30_000];
    const delay = delays[Math.min(this.#failures, delays.length - 1)] ?? 30_000;
    this.#failures += 1;
    const schedule = this.#options.schedule ?? defaultSchedule;
    this.#cancelRetry = schedule(() => {
      this.#cancelRetry = null;
      void this.flush();
    }, delay);
  }

  #remove(seq: number): void {
    this.#entries = this.#entries.filter((entry) => entry.seq !== seq);
    this.#persist();
  }

  #persist(): void {
    const { storage, key } = this.#options;
    try {
      if (this.#entries.length === 0) storage.removeItem(key);
      else storage.setItem(key, JSON.stringify(this.#entries));
    } catch {
      // Storage full or blocked (private mode): the queue still lives in memory until sent.
    }
    this.#options.onChange?.(this.#entries.length);
  }
}

function defaultSchedule(run: () => void, ms: number): () => void {
  const timer = setTimeout(run, ms);
  return () => clearTimeout(timer);
}

/** The stored queue; anything unreadable (another app version, a broken write) is ignored, not thrown. */
function readEntries(storage: OutboxStorage, key: string): OutboxEntry[] {
  let text: string | null;
  try {
    text = storage.getItem(key);
  } catch {
    return [];
  }
  if (text === null) return [];
  try {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(isEntry);
  } catch {
    return [];
  }
}

function isEntry(value: unknown): value is OutboxEntry {
  if (typeof value !== 'object' || value === null) return false;
  const { seq, op } = value as { seq?: unknown; op?: unknown };
  if (typeof seq !== 'number' || typeof op !== 'object' || op === null) return false;
  const { type } = op as { type?: unknown };
  if (type === 'delete') return typeof (op as { id?: unknown }).id === 'string';
  if (type === 'upsert') {
    const annotation = (op as { annotation?: unknown }).annotation;
    return typeof annotation === 'object' && annotation !== null && typeof (annotation as { id?: unknown }).id === 'string';
  }
  return false;
}
