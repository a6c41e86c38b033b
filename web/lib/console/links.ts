/**
 * Addresses the console links to. The tablet view (/live) and the comments
 * page are built by other helpers and may not be routes yet, so they are
 * made from the meeting's and the document's addresses rather than typed
 * route ids (which would not compile until those routes exist).
 */
import { resolve } from '$app/paths';
import type { ResolvedPathname } from '$app/types';

export function consoleHref(meetingId: string): ResolvedPathname {
  return resolve('/(app)/meetings/[id]/console', { id: meetingId });
}

export function liveRoomHref(meetingId: string): ResolvedPathname {
  return `${resolve('/(app)/meetings/[id]', { id: meetingId })}/live` as ResolvedPathname;
}

export function draftCommentsHref(meetingId: string, documentId: string): ResolvedPathname {
  return `${resolve('/(app)/meetings/[id]/documents/[documentId]', { id: meetingId, documentId })}/comments` as ResolvedPathname;
}
