/**
 * The page to return to after logging in (`/login?next=…`), kept on this
 * site. The value comes from the address, so anyone can craft it; a link to
 * the real login page must never send a person on to another site (a look-alike
 * login page, a page that asks for the password again). Browsers are lenient
 * with what they are given: they drop tabs and newlines anywhere in an
 * address (so `/\t/evil.example` becomes `//evil.example`), trim control
 * characters and spaces at the ends, read `\` as `/`, and resolve `/..//x`
 * to `//x`. So: only a plain path of this site passes, checked again after
 * the browser's own parsing; anything else falls back to the home page.
 */

/** Longer than any address of the app; a longer value is not one of ours. */
const MAX_LENGTH = 2048;
/** Any address resolved against it that keeps this origin stayed on the site. */
const PROBE = 'http://same-site.invalid';

/** Any C0 control character (tab, newline, NUL…), DEL, or a backslash. */
function hasForbiddenCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f || code === 0x5c) return true;
  }
  return false;
}

/**
 * `next` if it is a path of this site (normalised as the browser would read
 * it), else `home`. The login page itself (`login`, with or without a query
 * or sub-path) also gives `home`, so a login never loops back to itself.
 */
export function sameSitePath(next: string | null | undefined, paths: { home: string; login: string }): string {
  if (next === null || next === undefined || next.length === 0 || next.length > MAX_LENGTH) return paths.home;
  if (!next.startsWith('/') || next.startsWith('//') || hasForbiddenCharacter(next)) return paths.home;
  let url: URL;
  try {
    url = new URL(next, PROBE);
  } catch {
    return paths.home;
  }
  if (url.origin !== PROBE || url.pathname.startsWith('//') || hasForbiddenCharacter(url.pathname)) return paths.home;
  if (url.pathname === paths.login || url.pathname.startsWith(`${paths.login}/`)) return paths.home;
  return `${url.pathname}${url.search}${url.hash}`;
}
