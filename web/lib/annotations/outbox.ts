/**
 * The offline queue of one reader's annotation changes on one document
 * version. Every change is written to storage first and only then sent, so a
 * dropped Wi-Fi, a timed-out ack or a reload never loses ink: the queue is
 * sent again, in order, when the connection is back (the server's upsert is
 * idempotent by the client's id, so a replay is harmless). A change the
 * server refuses for good (validation, no access) is dropped and reported
 * instead of being retried forever.
 *
 * Several tabs (or several stores in one tab over time) may queue changes to
 * the same document at once. Each instance owns one storage entry, under the
 * shared key plus its own tab id, and only ever writes that one, so no tab can
 * overwrite another's queue. An entry carries a heartbeat; an entry whose
 * heartbeat stopped (its tab was closed, reloaded or crashed) is adopted by
 * the next instance that looks: merged into its own queue by time, written
 * to its own entry, and only then removed. A live tab's entry is never
 * adopted, so two live tabs never both send the same changes. Between live
 * tabs the later change of an annotation wins: before sending, a tab checks
 * the other tabs' entries and skips a change another tab has already
 * superseded (queued or sent later).
 *
 * This file is the queue; what it is given is in outbox-options.ts, the tabs'
 * entries are read in outbox-tabs.ts and stored as outbox-codec.ts says. Plain TypeScript with injected storage,
 * clock and transport, so it is unit-tested without a browser
 * (tests/unit/annotations-outbox.test.ts).
 */
import { isRetryable } from '../realtime/errors.ts';
import { newId } from './ids.ts';
import { opId, type OutboxEntry, type OutboxOp, type TabRecord } from './outbox-codec.ts';
import type { OutboxOptions } from './outbox-options.ts';
import { changedLaterElsewhere, olderElsewhere, TabRegistry } from './outbox-tabs.ts';

export { opId, type OutboxEntry, type OutboxOp } from './outbox-codec.ts';
export type { OutboxStorage } from './outbox-tabs.ts';
export type { OutboxLock, OutboxOptions, OutboxTransport } from './outbox-options.ts';

/**
 * The shared part of the storage key of one user's queues on one document
 * version. Before tabs had their own entries the whole queue lived under
 * exactly this key; such a queue is adopted like a closed tab's.
 */
export function outboxKey(userId: string, documentId: string, version: number): string {
  return `phs.annotations.outbox.v1:${userId}:${documentId}:${version}`;
}

export class Outbox {
  readonly #options: OutboxOptions;
  readonly #tabId: string;
  readonly #tabs: TabRegistry;
  #entries: OutboxEntry[] = [];
  #sent: Record<string, number> = {};
  #nextSeq = 1;
  #lastAt = 0;
  /** seq of the entry being sent (it stays stored until acknowledged) */
  #inFlight: number | null = null;
  #running: Promise<void> | null = null;
  /** flush() was asked for while a drain ran: look again when it ends (it may have just passed its last check) */
  #again = false;
  #cancelRetry: (() => void) | null = null;
  #cancelHeartbeat: (() => void) | null = null;
  #failures = 0;
  #closed = false;

  constructor(options: OutboxOptions) {
    this.#options = options;
    this.#tabId = options.tabId ?? newId();
    this.#tabs = new TabRegistry(options.storage, options.key, this.#tabId);
    // Without a lock this runs at once, so a reload shows what was queued before it right away
    // (no callbacks yet: the owner is still being built; it reads entries and flushes when ready).
    if (options.lock === undefined) this.#adoptNow();
    else void this.adopt();
    this.#scheduleHeartbeat();
  }

  /** What is waiting, oldest first (restored from storage after a reload). */
  get entries(): readonly OutboxEntry[] {
    return this.#entries;
  }

  get pending(): number {
    return this.#entries.length;
  }

  /** This instance's id (its storage entry is the shared key plus it). */
  get tabId(): string {
    return this.#tabId;
  }

  /** Whether a change for this id is still waiting (a push from the server must not overwrite it). */
  has(id: string): boolean {
    return this.#entries.some((entry) => opId(entry.op) === id);
  }

  /** Stores a change, then tries to send it. */
  enqueue(op: OutboxOp): void {
    if (this.#closed) return;
    const id = opId(op);
    const at = this.#stamp();
    // A later save of the same annotation replaces one still waiting (not the one on the wire):
    // a note typed offline is sent once, not once per keystroke pause.
    const waiting = this.#entries.findIndex((entry) => entry.seq !== this.#inFlight && opId(entry.op) === id);
    if (op.type === 'upsert' && waiting !== -1 && this.#entries[waiting]!.op.type === 'upsert') {
      this.#entries[waiting] = { seq: this.#entries[waiting]!.seq, at, op };
    } else {
      if (op.type === 'delete') {
        // Unsent saves of something now deleted need not travel.
        this.#entries = this.#entries.filter((entry) => entry.seq === this.#inFlight || opId(entry.op) !== id);
      }
      this.#entries.push({ seq: this.#nextSeq++, at, op });
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

  /**
   * Takes over the queues of instances that are gone (released, or silent for
   * staleMs): merges their changes into this queue by time, stores them here,
   * then removes their entries. Runs on start and with every heartbeat;
   * answers how many changes joined.
   */
  async adopt(): Promise<number> {
    if (this.#closed) return 0;
    let adopted = 0;
    const run = () => {
      adopted = this.#adoptNow();
    };
    if (this.#options.lock === undefined) run();
    else await this.#options.lock(`${this.#options.key}:adopt`, run);
    if (adopted > 0) {
      this.#options.onAdopt?.(adopted);
      void this.flush();
    }
    return adopted;
  }

  /**
   * Marks this instance's entry as left behind so the next instance adopts it
   * at once (the page is going away). If the page stays after all, the next
   * heartbeat claims it again; a queue adopted meanwhile is at worst sent twice.
   */
  release(): void {
    if (this.#hasContent()) this.#write(0);
  }

  /** Stops sending and retrying; what is queued stays stored, released for the next instance to adopt. */
  close(): void {
    if (this.#closed) return;
    this.release();
    this.#closed = true;
    this.#cancelRetry?.();
    this.#cancelRetry = null;
    this.#cancelHeartbeat?.();
    this.#cancelHeartbeat = null;
  }

  async #drain(): Promise<void> {
    this.#cancelRetry?.();
    this.#cancelRetry = null;
    while (!this.#closed) {
      const entry = this.#entries[0];
      if (entry === undefined) return;
      if (this.#options.online?.() === false) return;
      if (this.#superseded(entry)) {
        this.#remove(entry.seq);
        this.#options.onSuperseded?.(entry.op);
        continue;
      }
      this.#inFlight = entry.seq;
      const ack = await this.#options.transport(entry.op);
      this.#inFlight = null;
      if (this.#closed) return;
      if (ack.ok) {
        this.#failures = 0;
        this.#noteSent(entry);
        this.#remove(entry.seq);
        this.#options.onAck?.(ack.data, entry.op);
        continue;
      }
      // Deleting something the server no longer has is what we wanted anyway.
      if (entry.op.type === 'delete' && ack.error.code === 'notFound') {
        this.#failures = 0;
        this.#noteSent(entry);
        this.#remove(entry.seq);
        continue;
      }
      // Anything but a passing failure (validation, not found, no access) would fail the same way again.
      if (!isRetryable(ack.error)) {
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

  // ---- other tabs ----------------------------------------------------------

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }

  /** A time for a new change: the clock, but strictly increasing within this instance. */
  #stamp(): number {
    this.#lastAt = Math.max(this.#now(), this.#lastAt + 1);
    return this.#lastAt;
  }

  #scheduleHeartbeat(): void {
    if (this.#closed) return;
    const schedule = this.#options.schedule ?? defaultSchedule;
    this.#cancelHeartbeat = schedule(() => {
      this.#cancelHeartbeat = null;
      this.#heartbeat();
    }, this.#options.heartbeatMs ?? 10_000);
  }

  #heartbeat(): void {
    if (this.#closed) return;
    // Refreshes the heartbeat, or removes the entry once nothing is left to keep.
    if (this.#pruneSent() || this.#hasContent()) this.#persist();
    void this.adopt();
    this.#scheduleHeartbeat();
  }

  #adoptNow(): number {
    if (this.#closed) return 0;
    const staleBefore = this.#now() - (this.#options.staleMs ?? 180_000);
    const gone = this.#tabs.peers().filter((peer) => peer.record.beat <= staleBefore);
    if (gone.length === 0) return 0;
    const incoming = gone
      .flatMap((peer) => peer.record.entries)
      .map((entry, order) => ({ entry, order }))
      .sort((a, b) => a.entry.at - b.entry.at || a.order - b.order)
      .map(({ entry }) => entry);
    for (const peer of gone) {
      for (const [id, at] of Object.entries(peer.record.sent)) this.#sent[id] = Math.max(at, this.#sent[id] ?? 0);
    }
    let adopted = 0;
    for (const entry of incoming) if (this.#merge(entry)) adopted += 1;
    // Oldest first across what was ours and what joined (the change on the wire stays where it is).
    this.#entries = this.#entries.map((entry, order) => ({ entry, order })).sort((a, b) => a.entry.at - b.entry.at || a.order - b.order).map(({ entry }) => entry);
    // Ours first, theirs removed after: if writing ours fails, theirs stays for someone else (a replay at worst).
    if (!this.#persist()) return adopted;
    for (const peer of gone) this.#tabs.forget(peer);
    return adopted;
  }

  /** Adds a closed tab's change unless this queue has (or sent) a later change of the same annotation. */
  #merge(incoming: OutboxEntry): boolean {
    const id = opId(incoming.op);
    const sentAt = this.#sent[id];
    if (sentAt !== undefined && sentAt > incoming.at) return false;
    const same = this.#entries.filter((entry) => opId(entry.op) === id);
    if (same.some((entry) => entry.at >= incoming.at)) return false;
    // Ours are older: the one on the wire goes on, waiting ones are replaced.
    this.#entries = this.#entries.filter((entry) => entry.seq === this.#inFlight || opId(entry.op) !== id);
    this.#entries.push({ seq: this.#nextSeq++, at: incoming.at, op: incoming.op });
    this.#lastAt = Math.max(this.#lastAt, incoming.at);
    return true;
  }

  /** Whether another tab changed this annotation later (still queued or already sent): then this change need not travel. */
  #superseded(entry: OutboxEntry): boolean {
    const id = opId(entry.op);
    const ownSent = this.#sent[id];
    if (ownSent !== undefined && ownSent > entry.at) return true;
    return changedLaterElsewhere(this.#tabs.peers(), id, entry.at, this.#tabId);
  }

  /**
   * Remembers a sent change while another tab still queues an older change of
   * the same annotation, so that one is skipped instead of undoing this.
   */
  #noteSent(entry: OutboxEntry): void {
    const id = opId(entry.op);
    if (olderElsewhere(this.#tabs.peers(), id, entry.at)) this.#sent[id] = Math.max(entry.at, this.#sent[id] ?? 0);
  }

  /** Forgets sent changes no other tab's queue is older than any more; answers whether any was. */
  #pruneSent(): boolean {
    const ids = Object.keys(this.#sent);
    if (ids.length === 0) return false;
    const peers = this.#tabs.peers();
    const sent: Record<string, number> = {};
    for (const id of ids) {
      const at = this.#sent[id]!;
      if (olderElsewhere(peers, id, at)) sent[id] = at;
    }
    this.#sent = sent;
    return Object.keys(sent).length !== ids.length;
  }

  // ---- storage -------------------------------------------------------------

  #hasContent(): boolean {
    return this.#entries.length > 0 || Object.keys(this.#sent).length > 0;
  }

  #remove(seq: number): void {
    this.#entries = this.#entries.filter((entry) => entry.seq !== seq);
    this.#persist();
  }

  /** Writes this instance's entry (or removes it when there is nothing to keep); false when storage refused. */
  #persist(): boolean {
    const ok = this.#hasContent() ? this.#write(this.#now()) : this.#tabs.erase();
    this.#options.onChange?.(this.#entries.length);
    return ok;
  }

  /** Storage full or blocked (private mode): false, and the queue still lives in memory until sent. */
  #write(beat: number): boolean {
    const record: TabRecord = { v: 2, beat, entries: this.#entries, sent: this.#sent };
    return this.#tabs.write(record);
  }
}

function defaultSchedule(run: () => void, ms: number): () => void {
  const timer = setTimeout(run, ms);
  return () => clearTimeout(timer);
}
