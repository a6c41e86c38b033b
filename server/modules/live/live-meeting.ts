/**
 * The one owner of a live meeting in this process. It runs the meeting's
 * actions one after another (so an update always follows the version before
 * it, and two secretaries' clicks never race), and keeps the meeting's last
 * snapshot in memory so that 500 tablets joining at the bell cost one
 * database round trip each instead of a dozen.
 *
 * The database stays the source of truth: the cached snapshot is only used
 * while its version equals the meeting's version in the database (every
 * caller reads that version anyway, with its access check). A change made
 * elsewhere — another process, or an edit of the agenda or participants —
 * shows up as a newer version, and the snapshot is rebuilt from the tables.
 * After a restart there is no owner; the first caller creates one and it
 * builds itself from the database.
 *
 * One exception to "read the version first": a page turn plans itself from
 * the cached state without reading the database (LiveService.#actAhead); its
 * single statement then bumps the version only if the database is where the
 * state said, and a turn that finds otherwise is retracted on every screen.
 */
import type { SessionUser } from '../../contract/identity.ts';
import { applyLiveUpdate, type LiveSnapshot, type LiveUpdate } from '../../contract/live.ts';
import type { MeetingAccess } from '../meetings/index.ts';

/**
 * How long an access decision is trusted without a change being announced:
 * long enough that a presenter turning a page every few seconds never waits
 * for the check, short enough that a change nobody announces (a unit moved in
 * the unit tree) is seen within a minute.
 */
export const ACCESS_TTL_MS = 30_000;

/** A snapshot without its serverTime (stamped when sent). */
export type LiveState = Omit<LiveSnapshot, 'serverTime'>;

export class LiveMeetingOwner {
  readonly meetingId: string;
  #state: LiveState | null = null;
  #queue: Promise<unknown> = Promise.resolve();
  /** page counts of document versions shown here (a version's file never changes) */
  readonly #pageCounts = new Map<string, number>();
  /**
   * Access decisions of this meeting, by the session's user object (a socket
   * gets a new one when its user's role or unit changes, so such a change
   * misses the cache by itself). Forgotten whenever the meeting changes in a
   * way the live module does not make itself (participants, status, the
   * meeting's own fields: every such change is announced as meeting.changed),
   * and after ACCESS_TTL_MS for what is never announced (the unit tree).
   */
  #access = new WeakMap<SessionUser, { access: MeetingAccess; at: number }>();
  /**
   * Who presents each agenda item (the meetings module's agenda, read by the
   * ordinary page turn): forgotten with the access decisions, since every
   * agenda edit is announced as meeting.changed. Null: not read yet.
   */
  #itemPresenters: ReadonlyMap<string, string | null> | null = null;
  /**
   * Counts the times they were forgotten. A caller reads it before its
   * query and hands it back with the answer: an answer read across a change
   * (the query saw the old rows, the change's announcement came before the
   * answer) is then not remembered.
   */
  #generation = 0;

  constructor(meetingId: string) {
    this.meetingId = meetingId;
  }

  /** Runs `task` after every task queued before it; a failing task does not stop the queue. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(task, task);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  /** The cached state if it is at least as new as `databaseVersion`, else null (rebuild it). */
  current(databaseVersion: number): LiveState | null {
    return this.#state !== null && this.#state.version >= databaseVersion ? this.#state : null;
  }

  /** The cached state whatever its age (for fast paths that re-check inside their transaction). */
  get cached(): LiveState | null {
    return this.#state;
  }

  replace(state: LiveState): void {
    if (this.#state === null || state.version >= this.#state.version) this.#state = state;
  }

  /**
   * Applies a section change that produced `version`. If the cache is not
   * exactly one version behind, something happened in between that we did
   * not see: forget the cache, the next reader rebuilds it.
   */
  apply(version: number, update: LiveUpdate): void {
    const state = this.#state;
    if (state === null) return;
    if (version !== state.version + 1) {
      if (version > state.version) this.#state = null;
      return;
    }
    this.#state = applyLiveUpdate(state, version, update);
  }

  /** A change this owner cannot express as a section (agenda edited, participants changed…). */
  invalidate(version: number): void {
    this.forgetAccess();
    if (this.#state !== null && version > this.#state.version) this.#state = null;
  }

  /** Drops the cached state whatever its version: it may hold a change that never committed. */
  forget(): void {
    this.#state = null;
    this.forgetAccess();
  }

  /** A cached access decision of this user still young enough to trust, or undefined. */
  accessOf(user: SessionUser, now = Date.now()): MeetingAccess | undefined {
    const entry = this.#access.get(user);
    return entry !== undefined && now - entry.at < ACCESS_TTL_MS ? entry.access : undefined;
  }

  /** Read before the query whose answer is handed to rememberAccess or rememberItemPresenters. */
  get generation(): number {
    return this.#generation;
  }

  /** `readAt`: the generation read before the access query (a change announced since then wins). */
  rememberAccess(user: SessionUser, access: MeetingAccess, readAt: number, now = Date.now()): void {
    if (readAt === this.#generation) this.#access.set(user, { access, at: now });
  }

  forgetAccess(): void {
    this.#access = new WeakMap();
    this.#itemPresenters = null;
    this.#generation += 1;
  }

  /** The presenter of an agenda item as last read (null: none), or undefined when the agenda has not been read since the last change. */
  itemPresenter(itemId: string): string | null | undefined {
    return this.#itemPresenters === null ? undefined : (this.#itemPresenters.get(itemId) ?? null);
  }

  /** `readAt`: the generation read before the agenda was read. */
  rememberItemPresenters(presenters: ReadonlyMap<string, string | null>, readAt: number): void {
    if (readAt === this.#generation) this.#itemPresenters = presenters;
  }

  pageCount(documentId: string, version: number): number | undefined {
    return this.#pageCounts.get(`${documentId}:${version}`);
  }

  rememberPageCount(documentId: string, version: number, pages: number): void {
    this.#pageCounts.set(`${documentId}:${version}`, pages);
  }
}

/** The owners of this process, created on first use and dropped when their meeting closes. */
export class LiveMeetings {
  readonly #owners = new Map<string, LiveMeetingOwner>();

  get(meetingId: string): LiveMeetingOwner {
    let owner = this.#owners.get(meetingId);
    if (owner === undefined) {
      owner = new LiveMeetingOwner(meetingId);
      this.#owners.set(meetingId, owner);
    }
    return owner;
  }

  find(meetingId: string): LiveMeetingOwner | undefined {
    return this.#owners.get(meetingId);
  }

  drop(meetingId: string): void {
    this.#owners.delete(meetingId);
  }

  get size(): number {
    return this.#owners.size;
  }
}
