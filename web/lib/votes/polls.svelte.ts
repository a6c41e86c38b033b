/**
 * The polls of one meeting as this tab sees them, reloaded whenever the server
 * says one changed (`poll:update`: status and turnout only, never choices).
 * Shared by the tablet's ballot, the chair's console and the display; the
 * socket only needs to be in the meeting's room (LiveMeeting joins it).
 */
import type { ServerToClientEvents } from '$contract/realtime.ts';
import type { PollDto } from '$contract/votes.ts';
import { errorMessage } from '$lib/api/client.ts';
import { SocketFollower, type LinkSocket } from '$lib/realtime/follower.ts';
import { pollsApi } from './api.ts';

export type PollUpdate = Parameters<ServerToClientEvents['poll:update']>[0];

/** The little of a socket this needs (the tab's AppSocket or the display's socket). */
export type PollSocket = LinkSocket & {
  on(event: 'poll:update', listener: (update: PollUpdate) => void): unknown;
  off(event: 'poll:update', listener: (update: PollUpdate) => void): unknown;
};

export class MeetingPolls extends SocketFollower<PollSocket> {
  readonly meetingId: string;
  polls = $state<PollDto[]>([]);
  loading = $state(false);
  loaded = $state(false);
  error = $state<string | null>(null);

  readonly #fetch: () => Promise<PollDto[]>;
  #pending: Promise<void> | null = null;
  #again = false;

  /** `fetch`: how to list the polls (default: the meeting's REST list; a display passes its own). */
  constructor(meetingId: string, fetch?: () => Promise<PollDto[]>) {
    super();
    this.meetingId = meetingId;
    this.#fetch = fetch ?? (() => pollsApi.list(meetingId));
  }

  /** Reloads the list; calls while a load runs are folded into one more load after it. */
  load(): Promise<void> {
    if (this.#pending !== null) {
      this.#again = true;
      return this.#pending;
    }
    this.#pending = (async () => {
      do {
        this.#again = false;
        this.loading = true;
        try {
          this.polls = await this.#fetch();
          this.error = null;
          this.loaded = true;
        } catch (caught) {
          this.error = errorMessage(caught);
        } finally {
          this.loading = false;
        }
      } while (this.#again);
      this.#pending = null;
    })();
    return this.#pending;
  }

  /** Puts a poll the server just returned (after the chair's action) in place without waiting for the reload. */
  put(poll: PollDto): void {
    const index = this.polls.findIndex((p) => p.id === poll.id);
    if (index < 0) this.polls = [...this.polls, poll];
    else this.polls[index] = poll;
  }

  /** Turnout moves live from the update itself; anything else (status, results) is reloaded. */
  #onUpdate(update: PollUpdate): void {
    if (update.meetingId !== this.meetingId) return;
    const poll = this.polls.find((p) => p.id === update.pollId);
    if (poll !== undefined && poll.status === update.status && poll.status === 'open') {
      poll.turnout.cast = update.cast;
      poll.turnout.eligible = update.eligible;
      // The chair's list of who has not voted (public polls) changes with every ballot.
      if (poll.turnout.notVoted !== null) void this.load();
      return;
    }
    void this.load();
  }

  protected override listen(socket: PollSocket): () => void {
    const onUpdate = (update: PollUpdate) => this.#onUpdate(update);
    socket.on('poll:update', onUpdate);
    return () => socket.off('poll:update', onUpdate);
  }

  /** After a reconnect updates may have been missed: reload. */
  protected override connected(): void {
    void this.load();
  }

  close(): void {
    this.stopFollowing();
  }
}
