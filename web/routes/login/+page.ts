import { redirect } from '@sveltejs/kit';
import type { SessionRevokedReason } from '$contract/realtime.ts';
import { safeNext, session } from '$lib/session.svelte.ts';
import type { PageLoad } from './$types.js';

const REASONS: readonly SessionRevokedReason[] = ['logout', 'logout-everywhere', 'deactivated', 'password-reset', 'expired'];

export const load: PageLoad = async ({ url, fetch }) => {
  const next = safeNext(url.searchParams.get('next'));
  const user = await session.ensure(fetch);
  if (user !== null) redirect(307, next);
  const reason = url.searchParams.get('reason');
  return {
    next,
    // Only known reasons: the page never echoes arbitrary text from the address.
    reason: REASONS.find((known) => known === reason) ?? null,
  };
};
