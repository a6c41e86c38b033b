/**
 * The hall display's state: who this screen is (from the server, which is
 * the source of truth: a reload keeps it paired), the code it shows while
 * waiting to be paired, its `/display` socket, and the LiveMeeting of its
 * assigned meeting. The secretary's confirmation, a move to another meeting
 * or unpairing reach it over the socket and it switches without a reload.
 */
import { io, type Socket } from 'socket.io-client';
import type { DisplayClientToServerEvents, DisplayServerToClientEvents, DisplayState, PairingDto } from '$contract/display.ts';
import { ACK_TIMEOUT_MS, type Ack } from '$contract/realtime.ts';
import type { PollDto } from '$contract/votes.ts';
import { i18n } from '$lib/i18n/locale.svelte.ts';
import { LiveMeeting, type LiveCall, type LiveSocket } from '$lib/live/live-meeting.svelte.ts';
import { wallApi } from './api.ts';

export type DisplaySocket = Socket<DisplayServerToClientEvents, DisplayClientToServerEvents>;
export type WallPhase = 'loading' | 'pairing' | 'waiting' | 'meeting';
export type WallConnection = 'connecting' | 'connected' | 'offline';

/** Ask for a fresh code this long before the shown one expires (the server renews under a minute left). */
const RENEW_BEFORE_MS = 45_000;
const RETRY_MS = 3_000;
/** Ballots arrive in bursts: refetch the polls at most this often. */
const POLLS_DEBOUNCE_MS = 500;

export class DisplayWall {
  state = $state<DisplayState | null>(null);
  pairing = $state<PairingDto | null>(null);
  connection = $state<WallConnection>('connecting');
  /** the server could not be reached for the state or a code (shown as offline, retried) */
  failing = $state(false);
  live = $state<LiveMeeting | null>(null);
  polls = $state<PollDto[]>([]);

  readonly phase: WallPhase = $derived(
    this.state === null ? 'loading' : this.state.meeting !== null ? 'meeting' : this.state.paired ? 'waiting' : 'pairing',
  );

  #socket: DisplaySocket | null = null;
  // Bookkeeping of pending retries, never shown.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #renewTimer: ReturnType<typeof setTimeout> | null = null;
  #pollsTimer: ReturnType<typeof setTimeout> | null = null;
  #refreshing: Promise<void> | null = null;
  #refreshAgain: Promise<void> | null = null;
  #stopped = false;

  readonly call: LiveCall = async (event, payload) => {
    const socket = this.#socket;
    if (socket === null || !socket.connected) return { ok: false, error: { code: 'offline', message: i18n.m.realtime.offline } };
    try {
      const emitter = socket.timeout(ACK_TIMEOUT_MS) as unknown as { emitWithAck(event: string, payload: unknown): Promise<Ack<unknown>> };
      return await emitter.emitWithAck(event, payload);
    } catch {
      return { ok: false, error: { code: 'timeout', message: i18n.m.realtime.timeout } };
    }
  };

  start(): void {
    void this.refresh().then(() => this.#openSocket());
  }

  stop(): void {
    this.#stopped = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    if (this.#renewTimer !== null) clearTimeout(this.#renewTimer);
    if (this.#pollsTimer !== null) clearTimeout(this.#pollsTimer);
    this.live?.close();
    this.live = null;
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
      let cookieChanged = false;
      if (state === null) {
        this.pairing = await wallApi.requestPairing();
        cookieChanged = true;
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
      // The socket's handshake carried the old (or no) cookie: start it again with the new one.
      if (cookieChanged && this.#socket !== null) this.#socket.disconnect().connect();
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
      // The server cut us (unpaired): find out what we are now, then connect with whatever cookie that left.
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
    socket.on('poll:update', (update) => {
      this.polls = this.polls.map((poll) => (poll.id === update.pollId ? { ...poll, status: update.status, turnout: { ...poll.turnout, cast: update.cast, eligible: update.eligible } } : poll));
      this.#refetchPollsSoon();
    });
    this.live?.attach(socket as LiveSocket);
  }

  #reconnect(socket: DisplaySocket): void {
    if (!this.#stopped && this.#socket === socket && !socket.active) socket.connect();
  }

  /** Follows the assigned meeting (a new LiveMeeting when it changes; none while unassigned). */
  #follow(meetingId: string | null): void {
    if (this.live?.meetingId === meetingId) return;
    this.live?.close();
    this.live = null;
    this.polls = [];
    if (meetingId === null) return;
    const live = new LiveMeeting(meetingId, this.call);
    this.live = live;
    if (this.#socket !== null) live.attach(this.#socket as LiveSocket);
    this.#refetchPollsSoon(0);
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

  #refetchPollsSoon(delay = POLLS_DEBOUNCE_MS): void {
    if (this.#pollsTimer !== null) return;
    this.#pollsTimer = setTimeout(() => {
      this.#pollsTimer = null;
      if (this.live === null) return;
      wallApi.polls().then(
        (polls) => {
          if (this.live !== null) this.polls = polls;
        },
        () => {},
      );
    }, delay);
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
