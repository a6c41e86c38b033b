/**
 * The hall display's state: who this screen is (from the server, which is
 * the source of truth: a reload keeps it paired), the code it shows while
 * waiting to be paired, its `/display` socket, and the LiveMeeting and
 * MeetingPolls of its assigned meeting (the same followers as the tablet's,
 * on the display namespace's socket). The server opens that socket only to
 * a confirmed screen, so a screen showing its code asks for its state every
 * few seconds until the secretary confirms it; a move to another meeting or
 * unpairing reach a confirmed screen over the socket, and it switches
 * without a reload.
 */
import { io, type Socket } from 'socket.io-client';
import type { DisplayClientToServerEvents, DisplayServerToClientEvents, DisplayState, PairingDto } from '$contract/display.ts';
import type { PollDto } from '$contract/votes.ts';
import { LiveMeeting } from '$lib/live/live-meeting.svelte.ts';
import { callOver } from '$lib/realtime/call.ts';
import { MeetingPolls } from '$lib/votes/polls.svelte.ts';
import { wallApi } from './api.ts';
import { WallStageView } from './stage.svelte.ts';

export type DisplaySocket = Socket<DisplayServerToClientEvents, DisplayClientToServerEvents>;
export type WallPhase = 'loading' | 'pairing' | 'waiting' | 'meeting';
export type WallConnection = 'connecting' | 'connected' | 'offline';

/** Ask for a fresh code this long before the shown one expires (the server renews under a minute left). */
const RENEW_BEFORE_MS = 45_000;
const RETRY_MS = 3_000;
/** How often a screen waiting for confirmation asks whether it was confirmed. */
const PENDING_POLL_MS = 2_000;

export class DisplayWall {
  state = $state<DisplayState | null>(null);
  pairing = $state<PairingDto | null>(null);
  connection = $state<WallConnection>('connecting');
  /** the server could not be reached for the state or a code (shown as offline, retried) */
  failing = $state(false);
  live = $state<LiveMeeting | null>(null);
  /** the conference's stage, receive-only, while the meeting's conference runs */
  stage = $state<WallStageView | null>(null);
  /** the assigned meeting's polls (turnout moves live; the wall never sees who has not voted) */
  #polls = $state<MeetingPolls | null>(null);

  readonly phase: WallPhase = $derived(
    this.state === null ? 'loading' : this.state.meeting !== null ? 'meeting' : this.state.paired ? 'waiting' : 'pairing',
  );

  #socket: DisplaySocket | null = null;
  // Bookkeeping of pending retries, never shown.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #renewTimer: ReturnType<typeof setTimeout> | null = null;
  #pendingTimer: ReturnType<typeof setTimeout> | null = null;
  #refreshing: Promise<void> | null = null;
  #refreshAgain: Promise<void> | null = null;
  #stopped = false;

  /** Calls on the wall's socket; while it is not connected they fail at once (the next connect joins anyway). */
  readonly call = callOver(() => (this.#socket?.connected === true ? this.#socket : null));

  get polls(): PollDto[] {
    return this.#polls?.polls ?? [];
  }

  start(): void {
    void this.refresh();
  }

  stop(): void {
    this.#stopped = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    if (this.#renewTimer !== null) clearTimeout(this.#renewTimer);
    if (this.#pendingTimer !== null) clearTimeout(this.#pendingTimer);
    this.live?.close();
    this.live = null;
    this.stage?.close();
    this.stage = null;
    this.#polls?.close();
    this.#polls = null;
    const socket = this.#socket;
    this.#socket = null;
    if (socket !== null) {
      socket.removeAllListeners();
      socket.disconnect();
    }
  }

  /**
   * Reads who this screen is; an unknown screen asks for a code (and gets its
   * device cookie). One at a time — but a call while one is under way runs
   * once more after it: that one may have read the state just before the
   * secretary's confirmation, and the push that said so must not be lost.
   */
  refresh(): Promise<void> {
    if (this.#refreshing !== null) {
      this.#refreshAgain ??= this.#refreshing.then(() => {
        this.#refreshAgain = null;
        return this.refresh();
      });
      return this.#refreshAgain;
    }
    this.#refreshing = this.#refresh().finally(() => (this.#refreshing = null));
    return this.#refreshing;
  }

  async #refresh(): Promise<void> {
    try {
      let state = await wallApi.state();
      if (state === null) {
        this.pairing = await wallApi.requestPairing();
        state = await wallApi.state();
        if (state === null) throw new Error('the new device cookie was not kept');
      } else if (state.meeting === null) {
        // Pending, or paired but without a meeting: show a code the secretary can confirm.
        this.pairing = state.pairing ?? (await wallApi.requestPairing());
      } else {
        this.pairing = null;
      }
      if (this.#stopped) return;
      this.failing = false;
      this.state = state;
      this.#scheduleRenewal();
      this.#follow(state.meeting?.id ?? null);
      if (state.paired) this.#openSocket();
      else this.#waitForConfirmation();
    } catch {
      if (this.#stopped) return;
      this.failing = true;
      this.#later(() => void this.refresh(), RETRY_MS);
    }
  }

  #scheduleRenewal(): void {
    if (this.#renewTimer !== null) clearTimeout(this.#renewTimer);
    this.#renewTimer = null;
    const pairing = this.pairing;
    if (pairing === null) return;
    const wait = Math.max(1_000, Date.parse(pairing.expiresAt) - Date.now() - RENEW_BEFORE_MS);
    this.#renewTimer = setTimeout(() => {
      this.#renewTimer = null;
      void wallApi.requestPairing().then(
        (next) => {
          this.pairing = next;
          this.#scheduleRenewal();
        },
        () => this.#later(() => void this.refresh(), RETRY_MS),
      );
    }, wait);
  }

  /** Not confirmed (or no longer): no socket, and the state asked again shortly. */
  #waitForConfirmation(): void {
    this.#closeSocket();
    if (this.#pendingTimer !== null) clearTimeout(this.#pendingTimer);
    this.#pendingTimer = setTimeout(() => {
      this.#pendingTimer = null;
      void this.refresh();
    }, PENDING_POLL_MS);
  }

  #closeSocket(): void {
    const socket = this.#socket;
    this.#socket = null;
    if (socket === null) return;
    socket.removeAllListeners();
    socket.disconnect();
    this.connection = 'connecting';
  }

  #openSocket(): void {
    if (this.#stopped || this.#socket !== null) return;
    const socket: DisplaySocket = io('/display', { path: '/socket.io', withCredentials: true, transports: ['websocket', 'polling'] });
    this.#socket = socket;
    socket.on('connect', () => {
      this.connection = 'connected';
      // Something may have changed while we were away (paired, moved, unpaired).
      void this.refresh();
    });
    socket.on('disconnect', (reason) => {
      this.connection = 'offline';
      // The server cut us (unpaired): find out what we are now (a confirmed screen connects again).
      if (reason === 'io server disconnect') void this.refresh().then(() => this.#reconnect(socket));
    });
    socket.on('connect_error', (error: Error & { data?: { code?: string } }) => {
      this.connection = 'offline';
      if (error.message === 'displayUnpaired' || error.data?.code === 'displayUnpaired') {
        void this.refresh().then(() => this.#reconnect(socket));
      } else if (!socket.active) {
        this.#later(() => this.#reconnect(socket), RETRY_MS);
      }
    });
    socket.on('display:assigned', () => void this.refresh());
    this.live?.attach(socket);
    this.stage?.attach(socket);
    this.#polls?.attach(socket);
  }

  #reconnect(socket: DisplaySocket): void {
    if (!this.#stopped && this.#socket === socket && !socket.active) socket.connect();
  }

  /** Follows the assigned meeting (a new LiveMeeting and MeetingPolls when it changes; none while unassigned). */
  #follow(meetingId: string | null): void {
    if (this.live?.meetingId === meetingId) return;
    this.live?.close();
    this.live = null;
    this.stage?.close();
    this.stage = null;
    this.#polls?.close();
    this.#polls = null;
    if (meetingId === null) return;
    const live = new LiveMeeting(meetingId, this.call);
    const stage = new WallStageView(meetingId, this.call);
    const polls = new MeetingPolls(meetingId, () => wallApi.polls());
    this.live = live;
    this.stage = stage;
    this.#polls = polls;
    live.attach(this.#socket);
    stage.attach(this.#socket);
    polls.attach(this.#socket);
    void polls.load();
  }

  /**
   * The presenter moved to another document or version: read the state again
   * for its confidentiality (the wall shows the page only once it knows how
   * to mark it). A refresh already under way may have read the old one, so
   * ask again while it does not match, a few times at most.
   */
  async syncPresentation(documentId: string, version: number): Promise<void> {
    for (let attempt = 0; attempt < 3 && !this.#stopped; attempt++) {
      const known = this.state?.presentation;
      if (known?.documentId === documentId && known.version === version) return;
      await this.refresh();
    }
  }

  #later(run: () => void, ms: number): void {
    if (this.#stopped) return;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (!this.#stopped) run();
    }, ms);
    this.#timers.add(timer);
  }
}
