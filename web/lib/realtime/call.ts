/**
 * The one typed way to call the server over Socket.io, for any namespace: the
 * event name picks the payload and the ack's data from the namespace's
 * client-to-server map (ClientToServerEvents for the tab's socket,
 * DisplayClientToServerEvents for the wall's), and every call waits at most
 * the contract's ack timeout. A call never throws: no socket, a timeout or a
 * dropped connection come back as an error ack (see errors.ts for what each
 * kind of error means).
 */
import type { EventsMap } from '@socket.io/component-emitter';
import type { Socket } from 'socket.io-client';
import { ACK_TIMEOUT_MS, type Ack, type AckCallback, type AckError } from '$contract/realtime.ts';
import { i18n } from '$lib/i18n/locale.svelte.ts';
import { errorKind } from './errors.ts';

/** The payload of `event` in the client-to-server map `M`. */
export type PayloadOf<M, E extends keyof M> = M[E] extends (payload: infer P, ack: AckCallback<infer _T>) => void ? P : never;
/** What a successful ack of `event` carries. */
export type AckDataOf<M, E extends keyof M> = M[E] extends (payload: infer _P, ack: AckCallback<infer T>) => void ? T : never;

/**
 * Every event's payload and ack data, as object types. Looked up by a generic
 * event (`Payloads<M>[E]`), TypeScript still knows what all the events of a
 * subset have in common (the console's actions all answer a `Versioned`).
 */
export type Payloads<M> = { [E in keyof M]: PayloadOf<M, E> };
export type AckData<M> = { [E in keyof M]: AckDataOf<M, E> };

/** Sends one call of the map `M` and resolves with its ack. */
export type Call<M> = <E extends keyof M & string>(event: E, payload: Payloads<M>[E], timeoutMs?: number) => Promise<Ack<AckData<M>[E]>>;

/** The call was not sent: there is no (connected) socket. */
export function offlineError(): AckError {
  return { code: 'offline', message: i18n.m.realtime.offline };
}

/** The call was sent but its ack did not come within the timeout. */
export function timeoutError(): AckError {
  return { code: 'timeout', message: i18n.m.realtime.timeout };
}

/** The untyped wire under socket.io's typed overloads. */
type Wire = { emitWithAck(event: string, payload: unknown): Promise<unknown> };

/**
 * A `Call` over whatever socket `current` answers at the time of the call
 * (null: not sent, an `offline` error ack). A caller that must not queue
 * while disconnected answers null then.
 */
export function callOver<L extends EventsMap, M extends EventsMap>(current: () => Socket<L, M> | null): Call<M> {
  return async (event, payload, timeoutMs = ACK_TIMEOUT_MS) => {
    const socket = current();
    if (socket === null) return { ok: false, error: offlineError() };
    try {
      // The only cast of the layer: socket.io's overloads cannot follow a generic event name.
      // `Call<M>` above has already tied the payload and the answer to the event.
      const wire = socket.timeout(timeoutMs) as unknown as Wire;
      return (await wire.emitWithAck(event, payload)) as Ack<AckData<M>[typeof event]>;
    } catch {
      return { ok: false, error: timeoutError() };
    }
  };
}

/**
 * Sends again while the server answers "slow down" (rateLimited), waiting a
 * little longer each time, at most `attempts` more times; any other answer
 * is returned as it is.
 */
export async function politely<T>(send: () => Promise<Ack<T>>, attempts = 5, stepMs = 250): Promise<Ack<T>> {
  for (let attempt = 0; ; attempt++) {
    const ack = await send();
    if (ack.ok || errorKind(ack.error) !== 'rateLimited' || attempt >= attempts) return ack;
    await new Promise((resolve) => setTimeout(resolve, stepMs * (attempt + 1)));
  }
}
