/**
 * How the conference talks to the server: the tab's one typed call, sent
 * again while the server's rate limit says "slow down" (a join fires a
 * burst of calls: transports, capabilities, one consume per track).
 */
import type { Ack, ClientToServerEvents } from '$contract/realtime.ts';
import { politely, type Call } from '$lib/realtime/call.ts';
import { realtime } from '$lib/realtime/client.svelte.ts';

export type ConferenceCall = Call<ClientToServerEvents>;

export const conferenceCall: ConferenceCall = (event, payload, timeoutMs) => politely(() => realtime.call(event, payload, timeoutMs));

/** null when the call went through, else the server's (translated) reason, for a toast. */
export function messageOf(ack: Ack<unknown>): string | null {
  return ack.ok ? null : ack.error.message;
}

/** The ack's data, or an Error naming the refusal (for steps that cannot go on without it). */
export async function required<T>(pending: Promise<Ack<T>>): Promise<T> {
  const ack = await pending;
  if (!ack.ok) throw new Error(`${ack.error.code}: ${ack.error.message}`);
  return ack.data;
}
