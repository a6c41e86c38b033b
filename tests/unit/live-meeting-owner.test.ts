/**
 * The owner of a live meeting: actions run one after another even when one
 * fails, and its cached snapshot is never served once it might be wrong.
 */
import { describe, expect, it } from 'vitest';
import { LiveMeetingOwner, type LiveState } from '../../server/modules/live/live-meeting.ts';

const state = (version: number): LiveState => ({
  meetingId: '00000000-0000-4000-8000-000000000001',
  version,
  status: 'in_session',
  attendance: { entries: [], present: 0, represented: 0, proxiesCountForQuorum: true, membershipTotal: 3, quorumRequired: 2, quorumMet: false },
  agenda: { currentItemId: null, items: [] },
  presentation: null,
  speakers: [],
});

describe('LiveMeetingOwner', () => {
  it('runs tasks one at a time in the order they came, and a failure does not stop the rest', async () => {
    const owner = new LiveMeetingOwner('m');
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = owner.run(async () => {
      order.push('first:start');
      await gate;
      order.push('first:end');
    });
    const second = owner.run(async () => {
      order.push('second');
      throw new Error('refused');
    });
    const third = owner.run(async () => {
      order.push('third');
      return 3;
    });
    await Promise.resolve();
    expect(order).toEqual(['first:start']);
    release();
    await first;
    await expect(second).rejects.toThrow('refused');
    expect(await third).toBe(3);
    expect(order).toEqual(['first:start', 'first:end', 'second', 'third']);
  });

  it('applies the next version, forgets the cache after a gap, and never serves it behind the database', () => {
    const owner = new LiveMeetingOwner('m');
    owner.replace(state(5));
    expect(owner.current(5)?.version).toBe(5);
    expect(owner.current(6)).toBeNull(); // the database moved on without us

    owner.apply(6, { section: 'presentation', value: { documentId: '00000000-0000-4000-8000-000000000002', version: 1, page: 7, zoom: 1, presenterUserId: '00000000-0000-4000-8000-000000000003' } });
    expect(owner.current(6)?.presentation?.page).toBe(7);

    owner.apply(8, { section: 'status', value: 'closed' }); // version 7 happened elsewhere
    expect(owner.cached).toBeNull();

    owner.replace(state(9));
    owner.replace(state(8)); // a slower rebuild does not overwrite a newer state
    expect(owner.cached?.version).toBe(9);
    owner.invalidate(10);
    expect(owner.cached).toBeNull();
  });
});
