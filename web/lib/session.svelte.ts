/**
 * Who is logged in on this device, as rune state. Loaded once from
 * /auth/me (the HttpOnly cookie is invisible to scripts), set by login,
 * cleared by logout or when the server says the session ended.
 */
import { goto } from '$app/navigation';
import { browser } from '$app/environment';
import { resolve } from '$app/paths';
import type { ResolvedPathname } from '$app/types';
import type { GlobalRole, SessionUser } from '$contract/identity.ts';
import type { SessionRevokedReason } from '$contract/realtime.ts';
import { ApiError, setUnauthenticatedHandler } from '$lib/api/client.ts';
import { authApi } from '$lib/api/identity.ts';
import { i18n } from '$lib/i18n/locale.svelte.ts';
import { realtime } from '$lib/realtime/client.svelte.ts';
import { sameSitePath } from '$lib/safe-next.ts';
import { toQuery } from '$lib/url.ts';

/**
 * Where to go after logging in: only a path of this site (taken from the
 * address, so it already carries the base path), never back to the login
 * page; the rules and why are in safe-next.ts.
 */
export function safeNext(next: string | null | undefined): ResolvedPathname {
  return sameSitePath(next, { home: resolve('/'), login: resolve('/login') }) as ResolvedPathname;
}

/** /login with the reason to explain and the page to come back to. */
export function loginUrl(options: { reason?: SessionRevokedReason | undefined; next?: string | undefined } = {}): ResolvedPathname {
  const next = options.next === undefined ? undefined : safeNext(options.next);
  const query = toQuery({ next: next === resolve('/') ? undefined : next, reason: options.reason });
  return query === '' ? resolve('/login') : resolve(`/login?${query}`);
}

export class SessionState {
  user = $state<SessionUser | null>(null);
  expiresAt = $state<string | null>(null);
  /** 'unknown' until /auth/me answered once. */
  status = $state<'unknown' | 'ready'>('unknown');

  readonly role: GlobalRole | null = $derived(this.user?.role ?? null);
  readonly isAdmin: boolean = $derived(this.role === 'admin');
  /** Admins and the secretariat may open the administration pages (the secretariat read-only). */
  readonly canViewAdmin: boolean = $derived(this.role === 'admin' || this.role === 'secretary');

  #pending: Promise<SessionUser | null> | null = null;
  #ending = false;

  /** The current user, asking the server only the first time. */
  ensure(fetcher?: typeof fetch): Promise<SessionUser | null> {
    if (this.status === 'ready') return Promise.resolve(this.user);
    this.#pending ??= this.#load(fetcher).finally(() => {
      this.#pending = null;
    });
    return this.#pending;
  }

  async login(username: string, password: string): Promise<SessionUser> {
    const { user, expiresAt } = await authApi.login(username, password);
    this.#set(user, expiresAt);
    this.#ending = false;
    return user;
  }

  async logout(): Promise<void> {
    realtime.disconnect();
    try {
      await authApi.logout();
    } catch {
      // Already logged out on the server: nothing left to end.
    }
    await this.end('logout');
  }

  async logoutEverywhere(): Promise<void> {
    // The server also pushes session:revoked to this tab; whichever comes first ends the session once.
    await authApi.logoutEverywhere();
    await this.end('logout-everywhere');
  }

  /**
   * Forgets the session on this device and goes to the login page, saying why
   * and (for an expired session) where to come back to.
   */
  async end(reason: SessionRevokedReason, next?: string): Promise<void> {
    if (this.#ending) return;
    this.#ending = true;
    realtime.disconnect();
    this.user = null;
    this.expiresAt = null;
    this.status = 'ready';
    await goto(loginUrl({ reason, next }), { replaceState: true, invalidateAll: true });
  }

  async #load(fetcher?: typeof fetch): Promise<SessionUser | null> {
    try {
      const { user, expiresAt } = await authApi.me(fetcher);
      this.#set(user, expiresAt);
      return user;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        this.user = null;
        this.expiresAt = null;
        this.status = 'ready';
        return null;
      }
      throw error;
    }
  }

  #set(user: SessionUser, expiresAt: string): void {
    this.user = user;
    this.expiresAt = expiresAt;
    this.status = 'ready';
    i18n.adopt(user.locale);
  }
}

export const session = new SessionState();

if (browser) {
  // Any API call answered 401 means the session died (expired, revoked): back to login, then here again.
  setUnauthenticatedHandler(() => {
    if (session.user === null || location.pathname === '/login') return;
    void session.end('expired', location.pathname + location.search);
  });
}
