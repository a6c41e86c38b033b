/**
 * The query of the address bar as it is now. After a client-side back/forward
 * to an entry changed with replaceState (filters, tabs), SvelteKit's page.url
 * can still hold the entry's first address; location.search is always current.
 */
export function addressParams(): URLSearchParams {
  return new URLSearchParams(typeof location === 'undefined' ? '' : location.search);
}

/** "a=1&b=2" from the non-empty entries of a record ("" when none). */
export function toQuery(entries: Record<string, string | number | null | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(entries)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  return params.toString();
}
