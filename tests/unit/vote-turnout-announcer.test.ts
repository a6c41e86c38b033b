/**
 * Turnout during a vote storm: the hall hears the count within an interval
 * and ends on the true figure, without one message per ballot and without a
 * message to every tablet while the storm's ballots are still being
 * acknowledged; "closed" is never followed by a stale "open".
 */
import { describe, expect, it } from 'vitest';
import { TurnoutAnnouncer, type PollUpdate } from '../../server/modules/votes/turnout-announcer.ts';

/** Timers the test moves by hand. */
function manualTimers() {
  let now = 0;
  const queue: { at: number; run: () => void; handle: number }[] = [];
  let next = 0;
  return {
    timers: {
      set: (run: () => void, ms: number) => {
        next += 1;
        queue.push({ at: now + ms, run, handle: next });
        return next;
      },
      clear: (handle: unknown) => {
        const index = queue.findIndex((t) => t.handle === handle);
        if (index >= 0) queue.splice(index, 1);
      },
    },
    advance(ms: number) {
      now += ms;
      for (;;) {
        queue.sort((a, b) => a.at - b.at);
        const due = queue[0];
        if (due === undefined || due.at > now) break;
        queue.shift();
        due.run();
      }
    },
  };
}

const update = (cast: number, status: PollUpdate['status'] = 'open'): PollUpdate => ({ meetingId: 'm', pollId: 'p', status, cast, eligible: 500 });

describe('TurnoutAnnouncer', () => {
  it('500 ballots in a burst: the first at the end of the first interval (with the highest count by then), then one message per interval, ending on the exact count', () => {
    const sent: PollUpdate[] = [];
    const clock = manualTimers();
    const announcer = new TurnoutAnnouncer((u) => sent.push(u), 250, clock.timers);
    for (let cast = 1; cast <= 500; cast += 1) {
      // counts from concurrent transactions arrive slightly out of order
      announcer.ballot(update(cast % 7 === 0 ? cast - 3 : cast));
      // nothing goes out while the first interval runs (the storm's acknowledgements go first)
      if (cast === 50) expect(sent).toEqual([]);
      if (cast === 200) {
        clock.advance(0);
        expect(sent).toEqual([]);
      }
      if (cast % 100 === 0) clock.advance(100);
    }
    // the interval ended during the advance after the 300th ballot
    expect(sent.map((u) => u.cast)[0]).toBe(300);
    clock.advance(1_000);
    expect(sent.at(-1)?.cast).toBe(500);
    expect(sent.length).toBeLessThan(10);
    const counts = sent.map((u) => u.cast);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
  });

  it('a status change goes out at once and drops the count still waiting', () => {
    const sent: PollUpdate[] = [];
    const clock = manualTimers();
    const announcer = new TurnoutAnnouncer((u) => sent.push(u), 250, clock.timers);
    announcer.ballot(update(1));
    clock.advance(250);
    announcer.ballot(update(2));
    announcer.ballot(update(3));
    clock.advance(100);
    announcer.status(update(3, 'closed'));
    clock.advance(1_000);
    expect(sent.map((u) => [u.status, u.cast])).toEqual([
      ['open', 1],
      ['closed', 3],
    ]);
  });
});
