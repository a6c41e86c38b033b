import type { EventNames, EventParams, EventsMap } from '@socket.io/component-emitter';
import { io, type Socket } from 'socket.io-client';
import { ACK_TIMEOUT_MS, type Ack, type ClientToServerEvents, type ServerToClientEvents } from '../../server/contract/realtime.ts';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A Socket.io client that presents a browser's cookie and origin. */
export function connectSocket(url: string, options: { cookie?: string; origin?: string } = {}): ClientSocket {
  const headers: Record<string, string> = {};
  if (options.cookie !== undefined) headers.cookie = options.cookie;
  headers.origin = options.origin ?? url;
  return io(url, { path: '/socket.io', transports: ['websocket'], extraHeaders: headers, reconnection: false, forceNew: true });
}

/** Resolves on connect, rejects with the server's refusal message. */
export function connected(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => reject(error));
  });
}

/*
 * The typed call. socket.io-client types `socket.timeout(ms).emitWithAck(...)`
 * by the contract for what is sent but answers `any` (its `FirstArg` does not
 * see through the timeout's extra error argument), so these helpers state the
 * answer from the contract: an event's payload and its Ack, no casts at the
 * call sites. The same helpers serve the `/display` namespace (its own map).
 */
type WithTimeoutError<T extends unknown[]> = { [K in keyof T]: T[K] extends (...args: infer P) => infer R ? (err: Error, ...args: P) => R : T[K] };
/** What `socket.timeout()` makes of an events map (as socket.io-client's DecorateAcknowledgements, which it does not export). */
type Timed<C> = { [K in keyof C]: C[K] extends (...args: infer P) => infer R ? (...args: WithTimeoutError<P>) => R : C[K] };
type AllButLast<T extends unknown[]> = T extends [...infer H, unknown] ? H : unknown[];
type LastOf<T extends unknown[]> = T extends [...unknown[], infer L] ? L : never;

/** The payload arguments of `event` (everything before the ack). */
export type ArgsOf<C extends EventsMap, E extends EventNames<C>> = AllButLast<EventParams<Timed<C>, E>>;
/** The Ack the server answers `event` with. */
export type AckOf<C extends EventsMap, E extends EventNames<C>> = LastOf<EventParams<C, E>> extends (ack: infer A) => void ? A : never;
/** The data of a successful answer to `event`. */
export type DataOf<C extends EventsMap, E extends EventNames<C>> = AckOf<C, E> extends Ack<infer T> ? T : never;

/** One contract call and its Ack, within `timeoutMs` (rejects on timeout like socket.io does). */
export function callWithin<C extends EventsMap, E extends EventNames<C>>(timeoutMs: number, socket: Socket<EventsMap, C>, event: E, ...args: ArgsOf<C, E>): Promise<AckOf<C, E>>;
export function callWithin(timeoutMs: number, socket: Socket, event: string, ...args: unknown[]): Promise<Ack<unknown>> {
  return socket.timeout(timeoutMs).emitWithAck(event, ...args);
}

/** One contract call and its Ack, within the contract's ack timeout. */
export function call<C extends EventsMap, E extends EventNames<C>>(socket: Socket<EventsMap, C>, event: E, ...args: ArgsOf<C, E>): Promise<AckOf<C, E>>;
export function call(socket: Socket, event: string, ...args: unknown[]): Promise<Ack<unknown>> {
  return socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, ...args);
}

/** One contract call; its data, or throws with the server's reason when refused. */
export function act<C extends EventsMap, E extends EventNames<C>>(socket: Socket<EventsMap, C>, event: E, ...args: ArgsOf<C, E>): Promise<DataOf<C, E>>;
export async function act(socket: Socket, event: string, ...args: unknown[]): Promise<unknown> {
  const ack: Ack<unknown> = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, ...args);
  if (!ack.ok) throw new Error(`${event}: ${ack.error.code} ${ack.error.message}`);
  return ack.data;
}

/** The code of the server's refusal; throws if the call was accepted. */
export function refusal<C extends EventsMap, E extends EventNames<C>>(socket: Socket<EventsMap, C>, event: E, ...args: ArgsOf<C, E>): Promise<string>;
export async function refusal(socket: Socket, event: string, ...args: unknown[]): Promise<string> {
  const ack: Ack<unknown> = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, ...args);
  if (ack.ok) throw new Error(`${event} should have been refused`);
  return ack.error.code;
}
