/**
 * Counting, as pure functions: counts per option or candidate, percentages of
 * the base the threshold is measured against, and pass/fail.
 *
 * - half_all: more than half of all members (the usual rule), whoever attends;
 * - two_thirds_all: at least two thirds of all members;
 * - half_present: more than half of those present when the poll opened;
 * - custom n/d: at least n/d of all members.
 */
import type { MotionOption, OptionResult, PollResult, PollThreshold } from '../../contract/votes.ts';

export type ThresholdRule = { threshold: PollThreshold; custom: { numerator: number; denominator: number } | null };

export function thresholdBase(rule: ThresholdRule, membershipTotal: number, present: number): { base: number; baseLabel: 'all_members' | 'present' } {
  return rule.threshold === 'half_present' ? { base: present, baseLabel: 'present' } : { base: membershipTotal, baseLabel: 'all_members' };
}

/** The fewest votes that pass. */
export function requiredVotes(rule: ThresholdRule, base: number): number {
  switch (rule.threshold) {
    case 'half_all':
    case 'half_present':
      return Math.floor(base / 2) + 1;
    case 'two_thirds_all':
      return Math.ceil((base * 2) / 3);
    case 'custom': {
      const { numerator, denominator } = rule.custom ?? { numerator: 1, denominator: 2 };
      return Math.ceil((base * numerator) / denominator);
    }
  }
}

const percent = (votes: number, base: number) => (base === 0 ? 0 : Math.round((votes / base) * 10_000) / 100);

export const MOTION_LABELS: Record<MotionOption, string> = { yes: 'Tán thành', no: 'Không tán thành', abstain: 'Không biểu quyết' };

export type TallyInput = {
  kind: 'motion' | 'election';
  rule: ThresholdRule;
  membershipTotal: number;
  presentAtOpen: number;
  eligible: number;
  candidates: { id: string; name: string }[];
  maxChoices: number | null;
};

export function tallyMotion(input: TallyInput, choices: MotionOption[], source: PollResult['source'] = 'electronic', invalid = 0): PollResult {
  const { base, baseLabel } = thresholdBase(input.rule, input.membershipTotal, input.presentAtOpen);
  const required = requiredVotes(input.rule, base);
  const count = (option: MotionOption) => choices.filter((c) => c === option).length;
  const options: OptionResult[] = (['yes', 'no', 'abstain'] as const).map((key) => ({
    key,
    label: MOTION_LABELS[key],
    votes: count(key),
    percent: percent(count(key), base),
    passed: null,
  }));
  const returned = choices.length + invalid;
  return {
    source,
    base,
    baseLabel,
    required,
    eligible: input.eligible,
    ballotsIssued: input.eligible,
    ballotsReturned: returned,
    ballotsValid: choices.length,
    ballotsInvalid: invalid,
    turnoutPercent: percent(returned, input.eligible),
    options,
    passed: count('yes') >= required,
  };
}

/** A ballot approving more candidates than allowed, or unknown ones, is invalid. */
export function tallyElection(input: TallyInput, ballots: string[][], source: PollResult['source'] = 'electronic', extraInvalid = 0): PollResult {
  const { base, baseLabel } = thresholdBase(input.rule, input.membershipTotal, input.presentAtOpen);
  const required = requiredVotes(input.rule, base);
  const known = new Set(input.candidates.map((c) => c.id));
  const valid = ballots.filter((b) => b.length <= (input.maxChoices ?? input.candidates.length) && b.every((id) => known.has(id)));
  const invalid = ballots.length - valid.length + extraInvalid;
  const options: OptionResult[] = input.candidates.map((candidate) => {
    const votes = valid.filter((b) => b.includes(candidate.id)).length;
    return { key: candidate.id, label: candidate.name, votes, percent: percent(votes, input.membershipTotal), passed: votes >= required };
  });
  return {
    source,
    base,
    baseLabel,
    required,
    eligible: input.eligible,
    ballotsIssued: input.eligible,
    ballotsReturned: ballots.length + extraInvalid,
    ballotsValid: valid.length,
    ballotsInvalid: invalid,
    turnoutPercent: percent(ballots.length + extraInvalid, input.eligible),
    options,
    passed: null,
  };
}
