/**
 * Exactly once from the tablet's side: one idempotency key per poll and voter,
 * written to localStorage BEFORE the ballot is sent, so a retry, a lost ack or
 * a reload sends the same key again and the server answers with the same
 * receipt instead of counting twice. Only a deliberate change of vote (when
 * the poll allows it) takes a new key. The receipt is kept beside the key so
 * the voter can still see it after a reload; the choice is never stored.
 */
export type KeyValueStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
/** `acked`: the server accepted the ballot sent with `key` (a later send is then a change of vote). */
export type BallotEntry = { key: string; receipt: string | null; acked: boolean };

const PREFIX = 'phs.ballot.';

function newKey(): string {
  return crypto.randomUUID();
}

function parse(raw: string | null): BallotEntry | null {
  if (raw === null) return null;
  try {
    const value = JSON.parse(raw) as Partial<BallotEntry>;
    if (typeof value.key !== 'string' || !/^[A-Za-z0-9_-]{8,64}$/.test(value.key)) return null;
    return { key: value.key, receipt: typeof value.receipt === 'string' ? value.receipt : null, acked: value.acked === true };
  } catch {
    return null;
  }
}

export class BallotStore {
  readonly #store: KeyValueStore | null;
  /** A copy in memory, so retries on this page keep their key even where storage is refused. */
  readonly #memory = new Map<string, string>();

  /** `store`: localStorage in the browser; null (nothing kept) where there is none. */
  constructor(store: KeyValueStore | null) {
    this.#store = store;
  }

  #name(pollId: string, voterUserId: string): string {
    return `${PREFIX}${pollId}.${voterUserId}`;
  }

  #write(pollId: string, voterUserId: string, entry: BallotEntry): void {
    const name = this.#name(pollId, voterUserId);
    this.#memory.set(name, JSON.stringify(entry));
    try {
      this.#store?.setItem(name, JSON.stringify(entry));
    } catch {
      // storage full or disabled: the key still works for this page's retries
    }
  }

  get(pollId: string, voterUserId: string): BallotEntry | null {
    const name = this.#name(pollId, voterUserId);
    let stored: string | null = null;
    try {
      stored = this.#store?.getItem(name) ?? null;
    } catch {
      // storage refused: fall back to this page's memory
    }
    return parse(stored ?? this.#memory.get(name) ?? null);
  }

  /**
   * The key to send now. Not yet acknowledged (a retry, or a resend after a
   * reload): the same key. Already accepted: this send is a change of vote
   * (the UI offers it only when the poll allows changes), so a new key, kept
   * before sending; the receipt stays, as the server keeps it too.
   */
  keyToSend(pollId: string, voterUserId: string): string {
    const existing = this.get(pollId, voterUserId);
    if (existing !== null && !existing.acked) return existing.key;
    const entry: BallotEntry = { key: newKey(), receipt: existing?.receipt ?? null, acked: false };
    this.#write(pollId, voterUserId, entry);
    return entry.key;
  }

  accepted(pollId: string, voterUserId: string, key: string, receipt: string): void {
    this.#write(pollId, voterUserId, { key, receipt, acked: true });
  }
}

/** localStorage when the page has one (not during SSR or in private modes that forbid it). */
export function browserStore(): KeyValueStore | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}
