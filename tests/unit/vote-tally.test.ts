import { describe, expect, it } from 'vitest';
import { checkPaperCounts, paperResult } from '../../server/modules/votes/paper.ts';
import { requiredVotes, tallyElection, tallyMotion, type TallyInput } from '../../server/modules/votes/tally.ts';

const motion = (threshold: TallyInput['rule']['threshold'], membershipTotal: number, presentAtOpen: number, custom: TallyInput['rule']['custom'] = null): TallyInput => ({
  kind: 'motion',
  rule: { threshold, custom },
  membershipTotal,
  presentAtOpen,
  eligible: presentAtOpen,
  candidates: [],
  maxChoices: null,
  seats: null,
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
    seats: 3,
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

/** Ballots that give each candidate the votes asked for, with at most `perBallot` names on each. */
function ballotsGiving(votes: Record<string, number>, count: number): string[][] {
  const ballots: string[][] = Array.from({ length: count }, () => []);
  let next = 0;
  for (const [id, n] of Object.entries(votes)) for (let i = 0; i < n; i += 1) ballots[(next++) % count]!.push(id);
  return ballots;
}

describe('elections fill the seats, never more', () => {
  const five = (seats: number, membershipTotal = 7): TallyInput => ({
    kind: 'election',
    rule: { threshold: 'half_all', custom: null },
    membershipTotal,
    presentAtOpen: membershipTotal,
    eligible: membershipTotal,
    candidates: ['A', 'B', 'C', 'D', 'E'].map((id) => ({ id, name: `Ứng viên ${id}` })),
    maxChoices: seats,
    seats,
  });
  const verdicts = (result: ReturnType<typeof tallyElection>) => result.options.map((o) => [o.key, o.votes, o.passed, o.tied]);

  it('5 candidates, 3 seats, A5 B5 C5 D4 E2 with 4 needed: A, B and C are elected, not D', () => {
    const result = tallyElection(five(3), ballotsGiving({ A: 5, B: 5, C: 5, D: 4, E: 2 }, 7));
    expect(result.required).toBe(4);
    expect(result.ballotsValid).toBe(7);
    expect(verdicts(result)).toEqual([
      ['A', 5, true, false],
      ['B', 5, true, false],
      ['C', 5, true, false],
      ['D', 4, false, false],
      ['E', 2, false, false],
    ]);
    expect(result.election).toEqual({ seats: 3, elected: 3, tie: null, unfilled: 0 });
  });

  it('a tie at the cut-off (A5 B4 C4, 2 seats) elects A and declares B and C tied for the one seat left', () => {
    const result = tallyElection(five(2), ballotsGiving({ A: 5, B: 4, C: 4, D: 1 }, 7));
    expect(verdicts(result).slice(0, 3)).toEqual([
      ['A', 5, true, false],
      ['B', 4, false, true],
      ['C', 4, false, true],
    ]);
    expect(result.election).toEqual({ seats: 2, elected: 1, tie: { keys: ['B', 'C'], seats: 1 }, unfilled: 0 });
  });

  it('equal votes that all fit in the seats are all elected; no tie', () => {
    const result = tallyElection(five(3), ballotsGiving({ A: 5, B: 4, C: 4, D: 2 }, 7));
    expect(result.options.filter((o) => o.passed).map((o) => o.key)).toEqual(['A', 'B', 'C']);
    expect(result.election?.tie).toBeNull();
  });

  it('fewer over the threshold than seats: the seats left are stated as unfilled', () => {
    const result = tallyElection(five(3), ballotsGiving({ A: 5, B: 3, C: 3 }, 7));
    expect(result.options.filter((o) => o.passed).map((o) => o.key)).toEqual(['A']);
    expect(result.election).toEqual({ seats: 3, elected: 1, tie: null, unfilled: 2 });
  });

  it('percentages use the threshold base: those present under the "present" rule', () => {
    const input: TallyInput = { ...five(1, 10), rule: { threshold: 'half_present', custom: null }, presentAtOpen: 8, eligible: 8 };
    const result = tallyElection(input, ballotsGiving({ A: 6, B: 2 }, 8));
    expect(result).toMatchObject({ base: 8, baseLabel: 'present', required: 5 });
    expect(result.options[0]).toMatchObject({ key: 'A', votes: 6, percent: 75, passed: true });
  });
});

describe('paper counts are checked', () => {
  const motionInput = (eligible: number): TallyInput => ({ kind: 'motion', rule: { threshold: 'half_all', custom: null }, membershipTotal: 9, presentAtOpen: eligible, eligible, candidates: [], maxChoices: null, seats: null });
  const electionInput: TallyInput = {
    kind: 'election',
    rule: { threshold: 'half_all', custom: null },
    membershipTotal: 9,
    presentAtOpen: 8,
    eligible: 8,
    candidates: ['a', 'b', 'c'].map((id) => ({ id, name: id })),
    maxChoices: 2,
    seats: 2,
  };
  const refusal = (run: () => void) => {
    try {
      run();
    } catch (error) {
      return (error as { key: string }).key;
    }
    return null;
  };

  it('refuses more ballots returned than voters eligible, and invalid ballots beyond those returned', () => {
    expect(refusal(() => checkPaperCounts(motionInput(7), { counts: { yes: 8 }, ballotsReturned: 8 }))).toBe('paperReturnedOverIssued');
    expect(refusal(() => checkPaperCounts(motionInput(7), { counts: {}, ballotsReturned: 3, ballotsInvalid: 4 }))).toBe('paperInvalidOverReturned');
  });

  it('a motion\'s choices add up to its valid ballots', () => {
    expect(refusal(() => checkPaperCounts(motionInput(7), { counts: { yes: 5, no: 2 }, ballotsReturned: 6 }))).toBe('paperMotionSumMismatch');
    expect(refusal(() => checkPaperCounts(motionInput(7), { counts: { yes: 4, no: 1 }, ballotsReturned: 6, ballotsInvalid: 1 }))).toBeNull();
  });

  it('an election: no candidate over the valid ballots, no more approvals than each ballot allows', () => {
    expect(refusal(() => checkPaperCounts(electionInput, { counts: { a: 7 }, ballotsReturned: 6 }))).toBe('paperVotesOverValid');
    expect(refusal(() => checkPaperCounts(electionInput, { counts: { a: 6, b: 6, c: 1 }, ballotsReturned: 6 }))).toBe('paperApprovalsOverLimit');
    expect(refusal(() => checkPaperCounts(electionInput, { counts: { x: 1 }, ballotsReturned: 6 }))).toBe('invalidChoice');
    const result = paperResult(electionInput, { counts: { a: 6, b: 5, c: 1 }, ballotsReturned: 6 }, { reason: null, replacedBallots: 0 });
    expect(result).toMatchObject({ source: 'paper', ballotsValid: 6, paper: { reason: null, replacedBallots: 0 } });
    expect(result.options.map((o) => o.passed)).toEqual([true, true, false]);
  });
});
