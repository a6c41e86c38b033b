/**
 * The auth service's short memory of validated sessions: kept for its TTL,
 * dropped on logout or a change to the user, never kept when it was read
 * from the database across such a forgetting, and bounded in size.
 */
import { describe, expect, it } from 'vitest';
import type { SessionUser } from '../../server/contract/identity.ts';
import { RecentSessions } from '../../server/modules/auth/recent-sessions.ts';

const user = (id: string) => ({ id, username: id, fullName: id, role: 'user', unitId: 'unit-1', locale: 'vi' }) satisfies SessionUser;
const session = (id: string) => ({ secretHash: new Uint8Array(32), expiresAt: new Date(Date.now() + 3_600_000), user: user(id) });

describe('RecentSessions', () => {
  it('answers within its TTL and not after', () => {
    let now = 1_000;
    const recent = new RecentSessions({ ttlMs: 500, maxEntries: 10, now: () => now });
    recent.remember('s1', session('u1'), recent.generation);
    now += 500;
    expect(recent.get('s1')?.user.id).toBe('u1');
    now += 1;
    expect(recent.get('s1')).toBeUndefined();
  });

  it('forgets a logged-out session and every session of a changed user, and no other', () => {
    const recent = new RecentSessions({ ttlMs: 500, maxEntries: 10 });
    recent.remember('s1', session('u1'), recent.generation);
    recent.remember('s2', session('u1'), recent.generation);
    recent.remember('s3', session('u2'), recent.generation);
    recent.forgetSession('s1');
    expect(recent.get('s1')).toBeUndefined();
    expect(recent.get('s2')).toBeDefined();
    recent.forgetUser('U1');
    expect(recent.get('s2')).toBeUndefined();
    expect(recent.get('s3')?.user.id).toBe('u2');
  });

  it('does not keep a session read before a forgetting (a logout raced the database read)', () => {
    const recent = new RecentSessions({ ttlMs: 500, maxEntries: 10 });
    const before = recent.generation;
    recent.forgetSession('s1');
    recent.remember('s1', session('u1'), before);
    expect(recent.get('s1')).toBeUndefined();
  });

  it('keeps nothing with a TTL of 0, and at most maxEntries', () => {
    const off = new RecentSessions({ ttlMs: 0, maxEntries: 10 });
    off.remember('s1', session('u1'), off.generation);
    expect(off.get('s1')).toBeUndefined();
    const small = new RecentSessions({ ttlMs: 500, maxEntries: 2 });
    for (const id of ['s1', 's2', 's3']) small.remember(id, session(id), small.generation);
    expect(small.size).toBe(2);
    expect(small.get('s1')).toBeUndefined();
    expect(small.get('s3')).toBeDefined();
  });
});
