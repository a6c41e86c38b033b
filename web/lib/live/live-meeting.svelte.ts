/**
 * One live meeting as this tab sees it: the snapshot it joined with, kept up
 * to date by `live:update` messages. Every message carries the meeting's
 * version; one that does not follow ours (a gap, or a message from before a
 * reconnect) makes us fetch a fresh snapshot instead of guessing. A new
 * socket (reconnect, server restart) joins again and starts from the
 * database's state. Used by the tablet, the console and the display; the
 * display's socket speaks the same join/snapshot/update events.
 */
import { applyLiveUpdate, type LiveResync, type LiveSnapshot, type LiveUpdateMessage, type SpeakerEntry } from '$contract/live.ts';
import type { AckError, ClientToServerEvents } from '$contract/realtime.ts';
import type { Call } from '$lib/realtime/call.ts';
import { isRetryable } from '$lib/realtime/errors.ts';
import { SocketFollower, type LinkSocket } from '$lib/realtime/follower.ts';

/** The little of a Socket.io socket this needs (the tab's socket or the display's). */
export type LiveSocket = LinkSocket & {
  on(event: 'live:update', listener: (message: LiveUpdateMessage) => void): unknown;
  off(event: 'live:update', listener: (message: LiveUpdateMessage) => void): unknown;
  on(event: 'live:resync', listener: (message: LiveResync) => void): unknown;
  off(event: 'live:resync', listener: (message: LiveResync) => void): unknown;
};

/** The calls of following a meeting; the display namespace speaks exactly these. */
export type MeetingCalls = Pick<ClientToServerEvents, 'meeting:join' | 'meeting:snapshot' | 'meeting:leave'>;
/** `realtime.call` fits, and so does the wall's call over its own socket. */
export type LiveCall = Call<MeetingCalls>;

export type LiveStatus = 'idle' | 'joining' | 'live' | 'resyncing' | 'offline' | 'failed';

export class LiveMeeting extends SocketFollower<LiveSocket> {
  readonly meetingId: string;
  snapshot = $state<LiveSnapshot | null>(null);
  status = $state<LiveStatus>('idle');
  /** why joining failed (no access, meeting gone); null otherwise */
  error = $state<AckError | null>(null);
  /** Date.now() of the last message or snapshot (for "last updated" hints) */
  lastUpdate = $state<number | null>(null);

  readonly currentSpeaker: SpeakerEntry | null = $derived(this.snapshot?.speakers.find((entry) => entry.status === 'speaking') ?? null);
  readonly waitingSpeakers: SpeakerEntry[] = $derived(this.snapshot?.speakers.filter((entry) => entry.status === 'waiting') ?? []);

  readonly #call: LiveCall;
  /** server clock minus ours, so timers agree with the server's */
  #clockOffset = 0;
  #syncing: Promise<void> | null = null;
  // Callbacks, not state: nothing renders from this set.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #listeners = new Set<(message: LiveUpdateMessage) => void>();

  constructor(meetingId: string, call: LiveCall) {
    super();
    this.meetingId = meetingId;
    this.#call = call;
  }

  protected override listen(socket: LiveSocket): () => void {
    const onUpdate = (message: LiveUpdateMessage) => this.#receive(message);
    const onResync = (message: LiveResync) => this.#retract(message);
    socket.on('live:update', onUpdate);
    socket.on('live:resync', onResync);
    return () => {
      socket.off('live:update', onUpdate);
      socket.off('live:resync', onResync);
    };
  }

  protected override attached(socket: LiveSocket | null): void {
    if (socket?.connected === true) void this.#join();
    else if (this.snapshot !== null) this.status = 'offline';
  }

  /** A new connection is a new member of the room: join again and start from the database's state. */
  protected override connected(): void {
    void this.#join();
  }

  protected override disconnected(): void {
    this.status = 'offline';
  }

  /** Called for every applied update (after the snapshot changed), e.g. to follow the presenter. */
  onUpdate(listener: (message: LiveUpdateMessage) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Server time now, in milliseconds (for speaking timers and elapsed times). */
  serverNow(): number {
    return Date.now() + this.#clockOffset;
  }

  /** Milliseconds a timer shows: what it had, plus the time since it runs (if it does). */
  elapsed(totalMs: number, runningSince: string | null): number {
    if (runningSince === null) return totalMs;
    return totalMs + Math.max(0, this.serverNow() - Date.parse(runningSince));
  }

  /** Leave the meeting's room and stop listening. */
  close(): void {
    if (this.closed) return;
    const socket = this.stopFollowing();
    this.status = 'idle';
    if (socket?.connected) void this.#call('meeting:leave', { meetingId: this.meetingId });
  }

  /** Fetch a fresh snapshot now (after a gap, or when a caller knows it missed something). */
  resync(): Promise<void> {
    return this.#fetch('meeting:snapshot');
  }

  #join(): Promise<void> {
    return this.#fetch('meeting:join');
  }

  #fetch(event: 'meeting:join' | 'meeting:snapshot'): Promise<void> {
    // One request at a time; a join supersedes nothing, it just waits for the one under way.
    if (this.#syncing !== null) return this.#syncing;
    if (this.snapshot === null) this.status = 'joining';
    else if (this.status !== 'offline') this.status = 'resyncing';
    const work = (async () => {
      const ack = await this.#call(event, { meetingId: this.meetingId });
      if (this.closed) return;
      if (!ack.ok) {
        // A passing failure: try again soon (or on the next connect). Refused: say why.
        if (isRetryable(ack.error)) {
          const connected = this.socket?.connected === true;
          this.status = connected ? 'failed' : 'offline';
          if (connected) setTimeout(() => void this.#fetch(event), 2_000);
        } else {
          this.error = ack.error;
          this.status = 'failed';
        }
        return;
      }
      this.#applySnapshot(ack.data);
    })();
    this.#syncing = work.finally(() => (this.#syncing = null));
    return this.#syncing;
  }

  #applySnapshot(next: LiveSnapshot): void {
    // Keep the newer of the two: an update may have overtaken a slow snapshot.
    if (this.snapshot !== null && this.snapshot.version > next.version) return;
    this.#clockOffset = Date.parse(next.serverTime) - Date.now();
    this.snapshot = next;
    this.error = null;
    this.status = 'live';
    this.lastUpdate = Date.now();
  }

  /**
   * The server sent `version` ahead of its commit and the commit failed (a
   * page turn): if we applied it (or anything after it, built on it), our
   * state is one the database never had. Claim only the version before it, so
   * that the fresh snapshot is taken even if it is older than what we showed,
   * and the version's real holder (a later change) is not dismissed as seen.
   */
  #retract(message: LiveResync): void {
    if (message.meetingId !== this.meetingId || this.closed) return;
    const current = this.snapshot;
    if (current === null || current.version < message.version) return;
    this.snapshot = { ...current, version: message.version - 1 };
    // A snapshot already on its way may be older still (and then refused): ask again once it is in.
    void (this.#syncing ?? Promise.resolve()).then(() => this.resync());
  }

  #receive(message: LiveUpdateMessage): void {
    if (message.meetingId !== this.meetingId || this.closed) return;
    const current = this.snapshot;
    // Still joining: the snapshot under way has this change, or a later message will show a gap.
    if (current === null) return;
    if (message.version <= current.version) return; // already in what we have
    if (message.version !== current.version + 1) {
      void this.resync();
      return;
    }
    const next: LiveSnapshot = { ...applyLiveUpdate(current, message.version, message.update), serverTime: message.serverTime };
    this.#clockOffset = Date.parse(message.serverTime) - Date.now();
    this.snapshot = next;
    this.lastUpdate = Date.now();
    if (this.status !== 'live' && this.#syncing === null) this.status = 'live';
    for (const listener of this.#listeners) listener(message);
  }
}

/** "mm:ss" (or "h:mm:ss") for timers on tablets and the display. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return hours > 0 ? `${hours}:${two(minutes)}:${two(seconds)}` : `${two(minutes)}:${two(seconds)}`;
}
