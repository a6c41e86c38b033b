/** The conference page's address, for links from the meeting page and notifications. */
import { resolve } from '$app/paths';
import type { ResolvedPathname } from '$app/types';

export function conferenceHref(meetingId: string): ResolvedPathname {
  return resolve('/(app)/meetings/[id]/conference', { id: meetingId });
}

/** The meeting's recordings page (player with chapters). */
export function recordingsHref(meetingId: string): ResolvedPathname {
  return resolve('/(app)/meetings/[id]/recordings', { id: meetingId });
}
