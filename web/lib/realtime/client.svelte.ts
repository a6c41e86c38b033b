/**
 * The one Socket.io connection of this tab. Opened after login (the session
 * cookie authenticates it), closed on logout. Exposes its state as runes for
 * the header indicator, turns `session:revoked` into a callback, and sends
 * calls through the one typed `call` (call.ts).
 */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents, SessionRevokedReason } from '$contract/realtime.ts';
import { callOver, type Call } from './call.ts';

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'offline';

export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export type RealtimeOptions = {
  /** The server ended this session (logout elsewhere, deactivation, password reset, expiry). */
  onRevoked: (reason: SessionRevokedReason) => void;
};

export class RealtimeClient {
  state = $state<ConnectionState>('idle');
  /** When the current outage began (for "offline since" hints); null while connected. */
  since = $state<number | null>(null);

  #socket: AppSocket | null = null;
  #options: RealtimeOptions | null = null;
  #revoked = false;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #retries = 0;

  get socket(): AppSocket | null {
    return this.#socket;
  }

  get connected(): boolean {
    return this.state === 'connected';
  }

  /** Opens the connection once; later calls only update the callbacks. */
  connect(options: RealtimeOptions): void {
    this.#options = options;
    if (this.#socket !== null) return;
    this.#revoked = false;
    this.state = 'connecting';
    const socket: AppSocket = io({ path: '/socket.io', withCredentials: true, transports: ['websocket', 'polling'] });
    this.#socket = socket;

    socket.on('connect', () => {
      this.state = 'connected';
      this.since = null;
      this.#retries = 0;
    });
    socket.on('disconnect', (reason) => {
      if (this.#revoked) return;
      this.#markDown(socket.active ? 'reconnecting' : 'offline');
      // The server closed us without saying why: try again; a dead session is refused at the handshake.
      if (reason === 'io server disconnect') this.#retryLater(socket);
    });
    socket.on('connect_error', (error: Error & { data?: { code?: string } }) => {
      if (error.message === 'unauthenticated' || error.data?.code === 'unauthenticated') {
        this.#revoke('expired');
        return;
      }
      this.#markDown(socket.active ? 'reconnecting' : 'offline');
      // Refused by the server for another reason (e.g. a passing database error): socket.io gives up, we do not.
      if (!socket.active) this.#retryLater(socket);
    });
    socket.io.on('reconnect_attempt', () => {
      if (!this.#revoked) this.#markDown('reconnecting');
    });
    socket.on('session:revoked', ({ reason }) => this.#revoke(reason));
  }

  /** Closes the connection (logout, or the session ended). Idempotent. */
  disconnect(): void {
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    this.#retries = 0;
    const socket = this.#socket;
    this.#socket = null;
    this.state = 'idle';
    this.since = null;
    if (socket !== null) {
      socket.removeAllListeners();
      socket.io.removeAllListeners();
      socket.disconnect();
    }
  }

  /**
   * Sends one contract call and waits for its ack, at most ACK_TIMEOUT_MS.
   * Never throws: a timeout or a closed connection comes back as `ok: false`.
   * While reconnecting socket.io keeps the call and sends it on reconnect
   * (within the timeout); only with no socket at all it is `offline` at once.
   */
  readonly call: Call<ClientToServerEvents> = callOver(() => this.#socket);

  /** Reconnects after 1, 2, 5, 10, then every 30 seconds. */
  #retryLater(socket: AppSocket): void {
    if (this.#retryTimer !== null) return;
    const delays = [1_000, 2_000, 5_000, 10_000, 30_000];
    const delay = delays[Math.min(this.#retries, delays.length - 1)] ?? 30_000;
    this.#retries += 1;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      if (this.#socket === socket && !this.#revoked && !socket.connected) {
        this.state = 'reconnecting';
        socket.connect();
      }
    }, delay);
  }

  #markDown(state: 'reconnecting' | 'offline'): void {
    this.state = state;
    this.since ??= Date.now();
  }

  #revoke(reason: SessionRevokedReason): void {
    if (this.#revoked) return;
    this.#revoked = true;
    const onRevoked = this.#options?.onRevoked;
    this.disconnect();
    onRevoked?.(reason);
  }
}

export const realtime = new RealtimeClient();
