/**
 * The live owner's cache of access decisions (used by page turns when this is
 * the only process): kept per session user object, so a user refreshed after a
 * role change misses it; forgotten on any change the owner is told of, and
 * after ACCESS_TTL_MS whatever happens.
 */
import { describe, expect, it } from 'vitest';
import type { SessionUser } from '../../server/contract/identity.ts';
import type { MeetingAccess } from '../../server/modules/meetings/index.ts';
import { ACCESS_TTL_MS, LiveMeetingOwner } from '../../server/modules/live/live-meeting.ts';

const user = (role: SessionUser['role']) => ({ id: 'u1', role }) as SessionUser;
const access = { myRole: 'chair', canManage: false, canView: true } as MeetingAccess;

describe('LiveMeetingOwner access cache', () => {
  it('answers the same user object within the TTL, and not a refreshed one', () => {
    const owner = new LiveMeetingOwner('m');
    const chair = user('user');
    owner.rememberAccess(chair, access, owner.generation, 1_000);
    expect(owner.accessOf(chair, 1_000 + ACCESS_TTL_MS - 1)).toBe(access);
    expect(owner.accessOf(chair, 1_000 + ACCESS_TTL_MS)).toBeUndefined();
    expect(owner.accessOf(user('user'), 1_000)).toBeUndefined(); // the socket's user after a refresh
  });

  it('forgets every decision when the meeting changes in a way it did not make, or its state is dropped', () => {
    const owner = new LiveMeetingOwner('m');
    const chair = user('user');
    owner.rememberAccess(chair, access, owner.generation);
    owner.invalidate(3);
    expect(owner.accessOf(chair)).toBeUndefined();
    owner.rememberAccess(chair, access, owner.generation);
    owner.forget();
    expect(owner.accessOf(chair)).toBeUndefined();
    expect(owner.cached).toBeNull();
  });
  it('does not remember an answer read across a change (the change was announced while the query ran)', () => {
    const owner = new LiveMeetingOwner('m');
    const chair = user('user');
    const readAt = owner.generation;
    owner.invalidate(3); // announced while the access query was under way
    owner.rememberAccess(chair, access, readAt);
    expect(owner.accessOf(chair)).toBeUndefined();
    owner.rememberItemPresenters(new Map([['item', 'u1']]), readAt);
    expect(owner.itemPresenter('item')).toBeUndefined();
    owner.rememberItemPresenters(new Map([['item', 'u1']]), owner.generation);
    expect(owner.itemPresenter('item')).toBe('u1');
    expect(owner.itemPresenter('other')).toBeNull();
  });
});
