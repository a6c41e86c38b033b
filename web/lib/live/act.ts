/**
 * One tablet action over the socket: sends it, and on refusal (not in
 * session, not a member, offline…) shows the server's reason in a toast.
 * Resolves true when the server accepted it; the new state arrives as a
 * live update, not from here.
 */
import type { ClientToServerEvents } from '$contract/realtime.ts';
import { format, i18n } from '$lib/i18n/locale.svelte.ts';
import type { Payloads } from '$lib/realtime/call.ts';
import { realtime } from '$lib/realtime/client.svelte.ts';
import { toasts } from '$lib/toasts.svelte.ts';

type LiveAction = 'attendance:checkIn' | 'speaker:request' | 'speaker:withdraw';

export async function liveAction<E extends LiveAction>(event: E, payload: Payloads<ClientToServerEvents>[E]): Promise<boolean> {
  const ack = await realtime.call(event, payload);
  if (!ack.ok) toasts.error(format(i18n.m.live.errors.actionFailed, { message: ack.error.message }));
  return ack.ok;
}
