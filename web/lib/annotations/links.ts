/** Where the secretariat reads the comments on a draft (for links from the meeting page and the viewer). */
import { resolve } from '$app/paths';
import type { ResolvedPathname } from '$app/types';

export function commentsHref(meetingId: string, documentId: string): ResolvedPathname {
  return resolve('/(app)/meetings/[id]/documents/[documentId]/comments', { id: meetingId, documentId });
}
