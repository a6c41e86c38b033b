/**
 * Exactly once from the tablet's side: one idempotency key per poll and voter,
 * written to the tab's sessionStorage BEFORE the ballot is sent, so a retry,
 * a lost ack or a reload sends the same key again and the server answers with
 * the same receipt instead of counting twice. Only a deliberate change of
 * vote (when the poll allows it) takes a new key.
 *
 * Nothing else is kept: neither the choice nor the receipt (the server shows
 * the voter their receipt on any device, `MyBallot.receipt`), and nothing in
 * localStorage, which outlives the session on a shared hall tablet. Entries
 * an older version left in localStorage are removed.
 */
export type KeyValueStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
/** `acked`: the server accepted the ballot sent with `key` (a later send is then a change of vote). */
export type BallotEntry = { key: string; acked: boolean };

const PREFIX = 'phs.ballot.';

function newKey(): string {
  return crypto.randomUUID();
}

function parse(raw: string | null): BallotEntry | null {
  if (raw === null) return null;
  try {
    const value = JSON.parse(raw) as Partial<BallotEntry>;
    if (typeof value.key !== 'string' || !/^[A-Za-z0-9_-]{8,64}$/.test(value.key)) return null;
    return { key: value.key, acked: value.acked === true };
  } catch {
    return null;
  }
}

export class BallotStore {
  readonly #store: KeyValueStore | null;
  /** A copy in memory, so retries on this page keep their key even where storage is refused. */
  readonly #memory = new Map<string, string>();

  /** `store`: the tab's sessionStorage in the browser; null (nothing kept) where there is none. */
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
   * before sending.
   */
  keyToSend(pollId: string, voterUserId: string): string {
    const existing = this.get(pollId, voterUserId);
    if (existing !== null && !existing.acked) return existing.key;
    const entry: BallotEntry = { key: newKey(), acked: false };
    this.#write(pollId, voterUserId, entry);
    return entry.key;
  }

  accepted(pollId: string, voterUserId: string, key: string): void {
    this.#write(pollId, voterUserId, { key, acked: true });
  }
}

/** Removes what older versions kept in localStorage (keys and receipts under the voter's id). */
export function forgetLegacyBallots(local: Pick<Storage, 'length' | 'key' | 'removeItem'> | null): void {
  if (local === null) return;
  const names: string[] = [];
  for (let i = 0; i < local.length; i += 1) {
    const name = local.key(i);
    if (name?.startsWith(PREFIX)) names.push(name);
  }
  for (const name of names) local.removeItem(name);
}

/** The tab's sessionStorage when the page has one (not during SSR or in private modes that forbid it); clears legacy localStorage entries. */
export function browserStore(): KeyValueStore | null {
  try {
    if (typeof localStorage !== 'undefined') forgetLegacyBallots(localStorage);
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null;
  }
}
