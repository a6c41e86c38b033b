/** The record page's address (minutes, notice, tasks), typed by SvelteKit's route ids. */
import { resolve } from '$app/paths';
import type { ResolvedPathname } from '$app/types';

export function recordHref(meetingId: string): ResolvedPathname {
  return resolve('/(app)/meetings/[id]/record', { id: meetingId });
}
