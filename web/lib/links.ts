/** Addresses of the meeting screens, with their query strings, typed for links and goto(). */
import { resolve } from '$app/paths';
import type { ResolvedPathname } from '$app/types';
import { toQuery } from './url.ts';

export type MeetingTab = 'overview' | 'agenda' | 'participants' | 'documents';

function withQuery(path: ResolvedPathname, query: Record<string, string | number | null | undefined>): ResolvedPathname {
  const search = toQuery(query);
  return (search === '' ? path : `${path}?${search}`) as ResolvedPathname;
}

export function meetingsHref(query: Record<string, string | number | null | undefined> = {}): ResolvedPathname {
  return withQuery(resolve('/meetings'), query);
}

export function meetingHref(id: string, tab?: MeetingTab): ResolvedPathname {
  return withQuery(resolve('/(app)/meetings/[id]', { id }), { tab: tab === 'overview' ? undefined : tab });
}

export function documentHref(meetingId: string, documentId: string, options: { version?: number; page?: number; q?: string } = {}): ResolvedPathname {
  return withQuery(resolve('/(app)/meetings/[id]/documents/[documentId]', { id: meetingId, documentId }), {
    version: options.version,
    page: options.page,
    q: options.q,
  });
}

export function searchHref(query: Record<string, string | number | null | undefined> = {}): ResolvedPathname {
  return withQuery(resolve('/search'), query);
}
