/**
 * Socket handlers as data: a module declares a typed table
 * `{ 'vote:cast': { schema, run } }` and one router attaches every table to
 * every socket of its namespace. Payload and answer types come from the
 * contract's events map, so a handler cannot drift from what the web sends
 * and expects, and no module touches `socket.on` (nor casts it).
 *
 * One `onAny` listener per socket dispatches by event name instead of one
 * listener per event and socket (~45 closures per tablet before), and it can
 * answer what a per-event listener could not: an unknown event, a call
 * without a payload or with extra arguments gets an error ack instead of
 * silence, so the client never waits for its timeout.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { TSchema } from 'typebox';
import type { AckCallback } from '../contract/realtime.ts';
import type { SocketHandler } from './handler.ts';

/** What a client may emit: `event(payload, ack)` (a mapped constraint, so contract interfaces fit). */
type CallMap<Events> = { [E in keyof Events]: (payload: never, ack: never) => void };

export type PayloadOf<Events extends CallMap<Events>, E extends keyof Events> = Parameters<Events[E]>[0];
export type AckDataOf<Events extends CallMap<Events>, E extends keyof Events> = Parameters<Events[E]>[1] extends AckCallback<infer T> ? T : never;

/** One handler: the contract schema that validates the payload, and what runs on a valid one. */
export type SocketEntry<Events extends CallMap<Events>, E extends keyof Events, Socket> = {
  schema: TSchema;
  run: (payload: PayloadOf<Events, E>, socket: Socket) => Promise<AckDataOf<Events, E>>;
};

export type SocketTable<Events extends CallMap<Events>, Socket> = { [E in keyof Events]?: SocketEntry<Events, E, Socket> };

/** The parts of a Socket.io socket the router needs (a structural type: users' and displays' sockets differ). */
type RoutedSocket = { onAny(listener: (event: string, ...args: unknown[]) => void): unknown };

type Dispatch<Socket> = (socket: Socket, payload: unknown, ack: unknown) => void;

export class SocketRouter<Events extends CallMap<Events>, Socket extends RoutedSocket> {
  readonly #handler: SocketHandler<Socket>;
  readonly #log: FastifyBaseLogger;
  readonly #routes = new Map<string, Dispatch<Socket>>();
  readonly #schemas = new Map<string, TSchema>();
  readonly #connectionHooks: ((socket: Socket) => void)[] = [];
  readonly #refuse: (socket: Socket, ack: AckCallback<never>, code: 'unknownEvent' | 'validation') => void;

  constructor(options: {
    handler: SocketHandler<Socket>;
    log: FastifyBaseLogger;
    /** answers a call that no table handles, or whose arguments are not (payload, ack) */
    refuse: (socket: Socket, ack: AckCallback<never>, code: 'unknownEvent' | 'validation') => void;
  }) {
    this.#handler = options.handler;
    this.#log = options.log;
    this.#refuse = options.refuse;
  }

  /** Adds a module's table; an event handled twice is a wiring bug, found at start-up. */
  add(table: SocketTable<Events, Socket>): void {
    for (const event of Object.keys(table) as (keyof Events & string)[]) this.#route(event, table[event]);
  }

  #route<E extends keyof Events & string>(event: E, entry: SocketEntry<Events, E, Socket> | undefined): void {
    if (entry === undefined) return;
    if (this.#routes.has(event)) throw new Error(`socket event ${event} is handled twice`);
    const { schema, run } = entry;
    this.#schemas.set(event, schema);
    // The validator has checked the payload against the contract's schema for this event.
    this.#routes.set(event, (socket, payload, ack) => this.#handler(socket, this.#log, schema, (valid) => run(valid as PayloadOf<Events, E>, socket))(payload, ack));
  }

  /** Per-connection set-up that is not a call (e.g. a disconnect listener). */
  onConnection(hook: (socket: Socket) => void): void {
    this.#connectionHooks.push(hook);
  }

  /** Every handled event with its payload schema (for the fuzzer). */
  entries(): { event: string; schema: TSchema }[] {
    return [...this.#schemas].map(([event, schema]) => ({ event, schema }));
  }

  handles(event: string): boolean {
    return this.#routes.has(event);
  }

  attach(socket: Socket): void {
    socket.onAny((event, ...args) => {
      // The ack, when there is one, is always the last argument.
      const ack = typeof args.at(-1) === 'function' ? (args.pop() as AckCallback<never>) : undefined;
      const dispatch = this.#routes.get(event);
      if (dispatch === undefined) {
        if (ack !== undefined) this.#refuse(socket, ack, 'unknownEvent');
        return;
      }
      if (ack === undefined) return; // every call is acknowledged; one that cannot hear the answer is not run
      if (args.length !== 1) {
        this.#refuse(socket, ack, 'validation');
        return;
      }
      dispatch(socket, args[0], ack);
    });
    for (const hook of this.#connectionHooks) hook(socket);
  }
}
