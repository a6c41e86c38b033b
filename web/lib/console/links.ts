/** Addresses the console and the meeting page link to, typed by SvelteKit's route ids. */
import { resolve } from '$app/paths';
import type { ResolvedPathname } from '$app/types';

export function consoleHref(meetingId: string): ResolvedPathname {
  return resolve('/(app)/meetings/[id]/console', { id: meetingId });
}

/** The tablet view of a meeting in session (the delegates' room). */
export function liveRoomHref(meetingId: string): ResolvedPathname {
  return resolve('/(app)/meetings/[id]/live', { id: meetingId });
}

/** The secretariat's list of comments on one draft. */
export function draftCommentsHref(meetingId: string, documentId: string): ResolvedPathname {
  return resolve('/(app)/meetings/[id]/documents/[documentId]/comments', { id: meetingId, documentId });
}
