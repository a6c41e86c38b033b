/**
 * The people of a meeting over real Socket.io clients, called by username:
 * each logged in once on a client of their own, with one live socket that
 * `watch` listens on (what the test records: live updates, conference
 * pushes). Calls go through the typed contract helpers.
 */
import type { ClientToServerEvents } from '../../server/contract/realtime.ts';
import { loggedIn } from './meetings.ts';
import type { TestClient } from './server.ts';
import { act, call, refusal, connectSocket, connected, type AckOf, type ArgsOf, type ClientSocket, type DataOf } from './socket.ts';

type Events = ClientToServerEvents;
type EventName = keyof Events;
export type Person = { client: TestClient; socket: ClientSocket };

/** `username` logged in on a client of their own, with a connected socket on that session. */
export async function online(baseUrl: string, username: string): Promise<Person> {
  const client = await loggedIn(baseUrl, username);
  return { client, socket: await socketOf(baseUrl, client) };
}

/** A connected socket on `client`'s session (another tablet of the same person). */
export async function socketOf(baseUrl: string, client: TestClient): Promise<ClientSocket> {
  const socket = connectSocket(baseUrl, { cookie: client.cookieHeader });
  await connected(socket);
  return socket;
}

export class People<Watched extends object> {
  #url: string;
  readonly #watch: (socket: ClientSocket) => Watched;
  readonly #people = new Map<string, Person & Watched>();

  constructor(url: string, watch: (socket: ClientSocket) => Watched) {
    this.#url = url;
    this.#watch = watch;
  }

  /** Logs `name` in (the first time) and opens a fresh socket, closing the one before. */
  async connect(name: string): Promise<Person & Watched> {
    const known = this.#people.get(name);
    const client = known?.client ?? (await loggedIn(this.#url, name));
    known?.socket.disconnect();
    const socket = await socketOf(this.#url, client);
    const person = { client, socket, ...this.#watch(socket) };
    this.#people.set(name, person);
    return person;
  }

  get(name: string): Person & Watched {
    const person = this.#people.get(name);
    if (person === undefined) throw new Error(`${name} has not connected`);
    return person;
  }

  /** The server restarted at `url`: everyone keeps their session cookie; sockets reconnect with `connect`. */
  moveTo(url: string): void {
    this.#url = url;
    for (const { client } of this.#people.values()) {
      client.baseUrl = url;
      client.origin = url;
    }
  }

  disconnectAll(): void {
    for (const { socket } of this.#people.values()) socket.disconnect();
  }

  call<E extends EventName>(name: string, event: E, ...args: ArgsOf<Events, E>): Promise<AckOf<Events, E>> {
    return call(this.get(name).socket, event, ...args);
  }

  /** The call's data; throws with who was refused and why. */
  async act<E extends EventName>(name: string, event: E, ...args: ArgsOf<Events, E>): Promise<DataOf<Events, E>> {
    return act(this.get(name).socket, event, ...args).catch((error: unknown) => {
      throw new Error(`${name}: ${String(error)}`);
    });
  }

  /** The code of the server's refusal; throws (failing the test) with who was let through. */
  async refused<E extends EventName>(name: string, event: E, ...args: ArgsOf<Events, E>): Promise<string> {
    return refusal(this.get(name).socket, event, ...args).catch((error: unknown) => {
      throw new Error(`${name}: ${String(error)}`);
    });
  }
}
