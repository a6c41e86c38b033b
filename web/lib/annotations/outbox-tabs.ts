/**
 * The outbox's registry of tabs: every instance (a tab, or a store in a tab
 * over time) stores its queue under the shared key plus its own tab id and
 * only ever writes that one entry, so no tab overwrites another's queue.
 * This reads the other instances' entries (parsed once per change of their
 * text: it runs before every send) and answers the questions the queue asks
 * about them: did another tab change this annotation later, does one still
 * queue an older change of it.
 */
import { opId, readLegacy, readRecord, writeRecord, type TabRecord } from './outbox-codec.ts';

/** Synchronous key/value storage that can list its keys (localStorage fits; tests use a Map). */
export type OutboxStorage = {
  readonly length: number;
  key(index: number): string | null;
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
};

/** Another instance's stored entry (`tab` is '' for the entry stored before tabs had their own). */
export type Peer = { key: string; tab: string; record: TabRecord };

/** Whether a change made at (at, tab) is later than one made at (otherAt, otherTab); ties go to the greater tab id. */
export function isLater(at: number, tab: string, otherAt: number, otherTab: string): boolean {
  return at > otherAt || (at === otherAt && tab > otherTab);
}

export class TabRegistry {
  readonly #storage: OutboxStorage;
  /** the queue family's shared key (the pre-tab queue lived under exactly this) */
  readonly #base: string;
  readonly #ownKey: string;
  /** other tabs' entries parsed, by key, reused while their text is unchanged */
  readonly #peerCache = new Map<string, { text: string; record: TabRecord | null }>();

  constructor(storage: OutboxStorage, base: string, tabId: string) {
    this.#storage = storage;
    this.#base = base;
    this.#ownKey = `${base}:${tabId}`;
  }

  /** The other instances' entries of this queue family (the pre-tab shared entry included, as a released one). */
  peers(): Peer[] {
    const storage = this.#storage;
    const base = this.#base;
    const prefix = `${base}:`;
    const keys: string[] = [];
    try {
      for (let index = 0; index < storage.length; index += 1) {
        const key = storage.key(index);
        if (key !== null && key !== this.#ownKey && (key === base || key.startsWith(prefix))) keys.push(key);
      }
    } catch {
      return [];
    }
    const peers: Peer[] = [];
    const seen = new Set<string>();
    for (const key of keys) {
      seen.add(key);
      let text: string | null;
      try {
        text = storage.getItem(key);
      } catch {
        continue;
      }
      if (text === null) continue;
      let cached = this.#peerCache.get(key);
      if (cached?.text !== text) {
        cached = { text, record: key === base ? readLegacy(text) : readRecord(text) };
        this.#peerCache.set(key, cached);
      }
      if (cached.record !== null) peers.push({ key, tab: key === base ? '' : key.slice(prefix.length), record: cached.record });
    }
    for (const key of this.#peerCache.keys()) if (!seen.has(key)) this.#peerCache.delete(key);
    return peers;
  }

  /** Writes this instance's entry; false when storage refused (full, or blocked in private mode). */
  write(record: TabRecord): boolean {
    try {
      this.#storage.setItem(this.#ownKey, writeRecord(record));
      return true;
    } catch {
      return false;
    }
  }

  /** Removes this instance's entry (nothing left to keep). */
  erase(): boolean {
    try {
      this.#storage.removeItem(this.#ownKey);
      return true;
    } catch {
      return false;
    }
  }

  /** Removes a gone instance's entry once its changes are stored here. */
  forget(peer: Peer): void {
    try {
      this.#storage.removeItem(peer.key);
    } catch {
      // Left for the next look.
    }
    this.#peerCache.delete(peer.key);
  }
}

/** Whether another tab changed annotation `id` after (at, tabId): still queued there, or already sent. */
export function changedLaterElsewhere(peers: readonly Peer[], id: string, at: number, tabId: string): boolean {
  for (const peer of peers) {
    const sentAt = peer.record.sent[id];
    if (sentAt !== undefined && isLater(sentAt, peer.tab, at, tabId)) return true;
    if (peer.record.entries.some((other) => opId(other.op) === id && isLater(other.at, peer.tab, at, tabId))) return true;
  }
  return false;
}

/** Whether another tab still queues a change of annotation `id` made before `at`. */
export function olderElsewhere(peers: readonly Peer[], id: string, at: number): boolean {
  return peers.some((peer) => peer.record.entries.some((other) => opId(other.op) === id && other.at < at));
}
