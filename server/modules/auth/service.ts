/**
 * Login, sessions and logout. Sessions slide: a session used in the second
 * half of its lifetime is extended, so active people stay logged in and idle
 * ones are logged out after SESSION_LIFETIME_HOURS.
 */
import { eq, lt, sql } from 'drizzle-orm';
import type { SessionRevokedReason } from '../../contract/realtime.ts';
import type { SessionUser } from '../../contract/identity.ts';
import type { Db } from '../../db/client.ts';
import { sessions, users } from '../../db/schema/identity.ts';
import { AppError } from '../../errors.ts';
import type { DomainEvents } from '../../events.ts';
import { naturalBatch } from '../../lib/natural-batch.ts';
import { dummyPasswordHash, verifyPassword } from './passwords.ts';
import { generateSessionToken, parseSessionToken, secretMatches } from './session-tokens.ts';
import { RecentSessions } from './recent-sessions.ts';
import { LoginThrottle, type ThrottleLimits } from './throttle.ts';

export type ValidSession = {
  id: string;
  expiresAt: Date;
  /** true when this request extended the session, so the cookie must be sent again */
  renewed: boolean;
  user: SessionUser;
};

export type LoginResult = { token: string; expiresAt: Date; user: SessionUser };

export type AuthServiceOptions = {
  sessionLifetimeMs: number;
  throttle: ThrottleLimits;
  /** how long a validated session is remembered (recent-sessions.ts); 0 asks the database every time */
  sessionMemoryMs?: number;
};

/** Throttle key of one account tried from one address (keys not starting "address:" take the per-account limit). */
export const loginPairKey = (username: string, address: string): string => `account:${username}@${address}`;
export const loginAddressKey = (address: string): string => `address:${address}`;

export function normalizeUsername(username: string): string {
  return username.trim().toLowerCase();
}

type SessionRow = { session: typeof sessions.$inferSelect; user: typeof users.$inferSelect };

export class AuthService {
  readonly #db: Db;
  readonly #events: DomainEvents;
  readonly #lifetimeMs: number;
  readonly #throttle: LoginThrottle;
  readonly #recent: RecentSessions;
  /** Sessions with their users, many asked in one query when a hall's requests arrive together (lib/natural-batch.ts). */
  readonly #sessionRow = naturalBatch<string, SessionRow | undefined>(async (ids) => {
    const rows = await this.#sessionRows.execute({ ids: [...new Set(ids)] });
    const byId = new Map(rows.map((row) => [row.session.id, row]));
    return ids.map((id) => byId.get(id));
  });
  /**
   * Built once: every request of a hall asks it, and drizzle would build its text again each time. The ids are one
   * array parameter, so the text is the same however many ask, and it runs prepared (parsed once per connection).
   */
  readonly #sessionRows;

  constructor(db: Db, events: DomainEvents, options: AuthServiceOptions) {
    this.#db = db;
    this.#sessionRows = db
      .select({ session: sessions, user: users })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(sql`${sessions.id} = any(${sql.placeholder('ids')}::text[])`)
      .prepare('sessionRows');
    this.#events = events;
    this.#lifetimeMs = options.sessionLifetimeMs;
    this.#throttle = new LoginThrottle(db, options.throttle);
    this.#recent = new RecentSessions({ ttlMs: options.sessionMemoryMs ?? 500, maxEntries: 20_000 });
  }

  /** A user's role, unit, name, language or activity changed (here or on another process): validate their sessions afresh. */
  forgetUser(userId: string): void {
    this.#recent.forgetUser(userId);
  }

  get lifetimeMs(): number {
    return this.#lifetimeMs;
  }

  /**
   * Throttled per (account, address) and per address, the attempt counted
   * before argon2 runs (see throttle.ts): an attacker's failures slow the
   * attacker's address, not the account, so the chair still logs in from the
   * hall's tablet while someone guesses their password elsewhere.
   */
  async login(input: { username: string; password: string; address: string; userAgent: string | undefined }): Promise<LoginResult> {
    const username = normalizeUsername(input.username);
    const pairKey = loginPairKey(username, input.address);
    const addressKey = loginAddressKey(input.address);

    const waitMs = await this.#throttle.attempt([pairKey, addressKey]);
    if (waitMs > 0) throw new AppError(429, 'loginThrottled', { params: { minutes: Math.max(1, Math.ceil(waitMs / 60_000)) } });

    const [user] = await this.#db.select().from(users).where(eq(users.username, username)).limit(1);
    // Always pay for one argon2 verification so timing does not reveal which usernames exist.
    const passwordOk = await verifyPassword(input.password, user?.passwordHash ?? (await dummyPasswordHash()));
    if (user === undefined || !user.active || !passwordOk) throw new AppError(401, 'loginFailed');
    // The attempt was counted up front: this account from this address starts afresh, the address gets its try back.
    await this.#throttle.clear([pairKey]);
    await this.#throttle.forgive([addressKey]);

    const { id, secretHash, token } = generateSessionToken();
    const expiresAt = new Date(Date.now() + this.#lifetimeMs);
    await this.#db.insert(sessions).values({
      id,
      secretHash,
      userId: user.id,
      expiresAt,
      userAgent: input.userAgent?.slice(0, 300) ?? null,
      address: input.address,
    });
    return { token, expiresAt, user: toSessionUser(user) };
  }

  /** The session behind a cookie value, or undefined when it is malformed, forged, expired or its user is inactive. */
  async validate(token: string, now = new Date()): Promise<ValidSession | undefined> {
    const parsed = parseSessionToken(token);
    if (parsed === undefined) return undefined;
    const recent = this.#recent.get(parsed.id);
    // Remembered and not due for renewal: the same answer the database would give, without asking it.
    if (recent !== undefined && secretMatches(parsed.secret, recent.secretHash) && recent.expiresAt.getTime() - now.getTime() >= this.#lifetimeMs / 2) {
      return { id: parsed.id, expiresAt: recent.expiresAt, renewed: false, user: recent.user };
    }
    const generation = this.#recent.generation;
    const row = await this.#sessionRow(parsed.id);
    if (row === undefined || !secretMatches(parsed.secret, row.session.secretHash)) return undefined;
    if (row.session.expiresAt.getTime() <= now.getTime()) {
      await this.#db.delete(sessions).where(eq(sessions.id, parsed.id));
      return undefined;
    }
    if (!row.user.active) return undefined;

    let expiresAt = row.session.expiresAt;
    let renewed = false;
    if (expiresAt.getTime() - now.getTime() < this.#lifetimeMs / 2) {
      expiresAt = new Date(now.getTime() + this.#lifetimeMs);
      await this.#db.update(sessions).set({ expiresAt }).where(eq(sessions.id, parsed.id));
      renewed = true;
    }
    const user = toSessionUser(row.user);
    this.#recent.remember(parsed.id, { secretHash: row.session.secretHash, expiresAt, user }, generation);
    return { id: parsed.id, expiresAt, renewed, user };
  }

  /** Whether a session still exists, is unexpired and belongs to an active user (for long-lived sockets). */
  async isAlive(sessionId: string, now = new Date()): Promise<boolean> {
    const [row] = await this.#db
      .select({ expiresAt: sessions.expiresAt, active: users.active })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(sessions.id, sessionId))
      .limit(1);
    return row !== undefined && row.active && row.expiresAt.getTime() > now.getTime();
  }

  async logout(sessionId: string, userId: string): Promise<void> {
    this.#recent.forgetSession(sessionId);
    await this.#db.delete(sessions).where(eq(sessions.id, sessionId));
    // again: a validation that read the row before the delete must not keep it
    this.#recent.forgetSession(sessionId);
    this.#events.emit('sessions.revoked', { userId, sessionIds: [sessionId], reason: 'logout' });
  }

  /** Ends every session of a user: "log out everywhere", deactivation, password reset. */
  async revokeAll(userId: string, reason: SessionRevokedReason): Promise<void> {
    this.#recent.forgetUser(userId);
    await this.#db.delete(sessions).where(eq(sessions.userId, userId));
    this.#recent.forgetUser(userId);
    this.#events.emit('sessions.revoked', { userId, sessionIds: 'all', reason });
  }

  /** A session's user as stored now, and when it expires; undefined when it ended or its user is inactive. */
  async sessionState(sessionId: string, now = new Date()): Promise<{ user: SessionUser; expiresAt: Date } | undefined> {
    const [row] = await this.#db
      .select({ expiresAt: sessions.expiresAt, user: users })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(sessions.id, sessionId))
      .limit(1);
    if (row === undefined || !row.user.active || row.expiresAt.getTime() <= now.getTime()) return undefined;
    return { user: toSessionUser(row.user), expiresAt: row.expiresAt };
  }

  async purgeExpired(now = new Date()): Promise<void> {
    await this.#db.delete(sessions).where(lt(sessions.expiresAt, now));
    await this.#throttle.purgeOlderThanWindow(now);
  }
}

export function toSessionUser(user: typeof users.$inferSelect): SessionUser {
  return { id: user.id, username: user.username, fullName: user.fullName, role: user.role, unitId: user.unitId, locale: user.locale };
}
