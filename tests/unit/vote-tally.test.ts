import { describe, expect, it } from 'vitest';
import { requiredVotes, tallyElection, tallyMotion, type TallyInput } from '../../server/modules/votes/tally.ts';

const motion = (threshold: TallyInput['rule']['threshold'], membershipTotal: number, presentAtOpen: number, custom: TallyInput['rule']['custom'] = null): TallyInput => ({
  kind: 'motion',
  rule: { threshold, custom },
  membershipTotal,
  presentAtOpen,
  eligible: presentAtOpen,
  candidates: [],
  maxChoices: null,
});

describe('thresholds', () => {
  it('more than half of all members counts the whole body, not those present', () => {
    // 53 members, only 30 present: 27 yes is needed even though 16 would be "more than half of those present".
    expect(requiredVotes({ threshold: 'half_all', custom: null }, 53)).toBe(27);
    const many = tallyMotion(motion('half_all', 53, 30), [...Array(26).fill('yes'), ...Array(4).fill('no')]);
    expect(many).toMatchObject({ passed: false, required: 27, base: 53, baseLabel: 'all_members' });
    expect(many.options[0]).toMatchObject({ key: 'yes', label: 'Tán thành', votes: 26, percent: 49.06 });
    expect(tallyMotion(motion('half_all', 53, 30), Array(27).fill('yes')).passed).toBe(true);
  });

  it('an exact half is not more than half', () => {
    expect(tallyMotion(motion('half_all', 10, 10), [...Array(5).fill('yes'), ...Array(5).fill('no')]).passed).toBe(false);
  });

  it('two thirds of all members: 10 of 15 passes, 9 does not', () => {
    expect(requiredVotes({ threshold: 'two_thirds_all', custom: null }, 15)).toBe(10);
    expect(tallyMotion(motion('two_thirds_all', 15, 15), Array(10).fill('yes')).passed).toBe(true);
    expect(tallyMotion(motion('two_thirds_all', 15, 15), Array(9).fill('yes')).passed).toBe(false);
  });

  it('more than half of those present uses the attendance at opening', () => {
    const result = tallyMotion(motion('half_present', 53, 30), [...Array(16).fill('yes'), ...Array(14).fill('abstain')]);
    expect(result).toMatchObject({ passed: true, required: 16, base: 30, baseLabel: 'present' });
  });

  it('a custom fraction of all members', () => {
    expect(requiredVotes({ threshold: 'custom', custom: { numerator: 3, denominator: 4 } }, 50)).toBe(38);
    expect(tallyMotion(motion('custom', 50, 50, { numerator: 3, denominator: 4 }), Array(37).fill('yes')).passed).toBe(false);
  });
});

describe('elections', () => {
  const input: TallyInput = {
    kind: 'election',
    rule: { threshold: 'half_all', custom: null },
    membershipTotal: 9,
    presentAtOpen: 8,
    eligible: 8,
    candidates: ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id, name: `Ứng viên ${id.toUpperCase()}` })),
    maxChoices: 3,
  };

  it('counts each candidate against all members and refuses ballots with too many names', () => {
    const ballots = [['a', 'b', 'c'], ['a', 'b'], ['a', 'd', 'e'], ['a', 'b', 'c', 'd'], ['a'], ['b', 'c'], ['a', 'b'], []];
    const result = tallyElection(input, ballots);
    expect(result).toMatchObject({ ballotsIssued: 8, ballotsReturned: 8, ballotsValid: 7, ballotsInvalid: 1, required: 5 });
    expect(result.options.map((o) => [o.key, o.votes, o.passed])).toEqual([
      ['a', 5, true],
      ['b', 4, false],
      ['c', 2, false],
      ['d', 1, false],
      ['e', 1, false],
    ]);
    expect(result.options[0]!.percent).toBe(55.56);
  });
});
