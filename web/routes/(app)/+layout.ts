import { redirect } from '@sveltejs/kit';
import { loginUrl, session } from '$lib/session.svelte.ts';
import type { LayoutLoad } from './$types.js';

/** Every page in (app) needs a logged-in user; others go to /login?next=<here>. */
export const load: LayoutLoad = async ({ url, fetch, untrack }) => {
  const user = await session.ensure(fetch);
  if (user === null) redirect(307, loginUrl({ next: untrack(() => url.pathname + url.search) }));
  return {};
};
