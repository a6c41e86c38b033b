/**
 * The base of everything that follows a socket: the live meeting, the polls,
 * the annotation store, the conference session. The tab's socket changes
 * (a login opens one, a logout closes it, the wall reconnects with a new
 * cookie), so `attach` is called whenever it does; the follower's listeners
 * move from the old socket to the new one, so it never hears two sockets nor
 * keeps a dead one alive. A socket that (re)connects means updates may have
 * been missed: `connected` is where a follower joins again or reloads;
 * `disconnected` is where it says it is offline.
 */

/** The little of a Socket.io socket every follower needs (the tab's socket and the wall's fit). */
export type LinkSocket = {
  readonly connected: boolean;
  on(event: 'connect' | 'disconnect', listener: () => void): unknown;
  off(event: 'connect' | 'disconnect', listener: () => void): unknown;
};

export abstract class SocketFollower<S extends LinkSocket> {
  #socket: S | null = null;
  #detach: (() => void) | null = null;
  #closed = false;

  /** The socket followed now (null: none, or closed). */
  protected get socket(): S | null {
    return this.#socket;
  }

  /** Whether `close` ran: a closed follower follows nothing again. */
  protected get closed(): boolean {
    return this.#closed;
  }

  /** Follow this socket (call again whenever it changes; null while there is none). */
  attach(socket: S | null): void {
    if (socket === this.#socket || this.#closed) return;
    this.#unlisten();
    this.#socket = socket;
    if (socket !== null) {
      const onConnect = () => this.connected();
      const onDisconnect = () => this.disconnected();
      const stop = this.listen(socket);
      socket.on('connect', onConnect);
      socket.on('disconnect', onDisconnect);
      this.#detach = () => {
        stop();
        socket.off('connect', onConnect);
        socket.off('disconnect', onDisconnect);
      };
    }
    this.attached(socket);
  }

  /** Stops following for good (idempotent); answers the socket it followed, for a goodbye call. */
  protected stopFollowing(): S | null {
    if (this.#closed) return null;
    this.#closed = true;
    const socket = this.#socket;
    this.#unlisten();
    this.#socket = null;
    return socket;
  }

  /** Adds this follower's own listeners to `socket`; answers how to remove them. */
  protected abstract listen(socket: S): () => void;

  /** After a change of socket (already listened to); `socket` may be connected already, or not yet. */
  protected attached(_socket: S | null): void {}

  /** The followed socket (re)connected: what it missed must be fetched again. */
  protected connected(): void {}

  /** The followed socket lost its connection (socket.io tries again by itself). */
  protected disconnected(): void {}

  #unlisten(): void {
    this.#detach?.();
    this.#detach = null;
  }
}
