/**
 * Counting, as pure functions: counts per option or candidate, percentages of
 * the base the threshold is measured against, and pass/fail.
 *
 * - half_all: more than half of all members (the usual rule), whoever attends;
 * - two_thirds_all: at least two thirds of all members;
 * - half_present: more than half of those present when the poll opened;
 * - custom n/d: at least n/d of all members.
 */
import type { ElectionOutcome, MotionOption, OptionResult, PollResult, PollThreshold } from '../../contract/votes.ts';

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

export const percent = (votes: number, base: number) => (base === 0 ? 0 : Math.round((votes / base) * 10_000) / 100);

export const MOTION_LABELS: Record<MotionOption, string> = { yes: 'Tán thành', no: 'Không tán thành', abstain: 'Không biểu quyết' };

export type TallyInput = {
  kind: 'motion' | 'election';
  rule: ThresholdRule;
  membershipTotal: number;
  presentAtOpen: number;
  eligible: number;
  candidates: { id: string; name: string }[];
  maxChoices: number | null;
  /** elections: how many are to be elected */
  seats: number | null;
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

/**
 * Who is elected: the candidates at or over the threshold, most votes first,
 * never more than the seats. When candidates with equal votes straddle the
 * last seat, none of them is declared elected: they are marked tied and a
 * run-off among them fills the seats left for them.
 */
export function electSeats(options: OptionResult[], required: number, seats: number): { options: OptionResult[]; outcome: ElectionOutcome } {
  const passing = options.filter((o) => o.votes >= required).sort((a, b) => b.votes - a.votes);
  let elected = new Set(passing.map((o) => o.key));
  let tie: ElectionOutcome['tie'] = null;
  if (passing.length > seats) {
    const cutoff = passing[seats - 1]!.votes;
    const above = passing.filter((o) => o.votes > cutoff);
    const atCutoff = passing.filter((o) => o.votes === cutoff);
    const seatsLeft = seats - above.length;
    elected = new Set(above.map((o) => o.key));
    if (atCutoff.length <= seatsLeft) atCutoff.forEach((o) => elected.add(o.key));
    else tie = { keys: atCutoff.map((o) => o.key), seats: seatsLeft };
  }
  const tied = new Set(tie?.keys ?? []);
  return {
    options: options.map((o) => ({ ...o, passed: elected.has(o.key), tied: tied.has(o.key) })),
    outcome: { seats, elected: elected.size, tie, unfilled: seats - elected.size - (tie?.seats ?? 0) },
  };
}

/** The seats of an election: as set, else the per-ballot limit, else every candidate (polls made before seats existed). */
export const seatsOf = (input: Pick<TallyInput, 'seats' | 'maxChoices' | 'candidates'>): number => input.seats ?? input.maxChoices ?? input.candidates.length;

/**
 * An election's result from votes per candidate. Percentages are of the
 * threshold's base (all members, or those present under the "present" rule),
 * the same base the threshold is measured against.
 */
export function electionResult(input: TallyInput, votes: Map<string, number>, ballots: { returned: number; valid: number; invalid: number }, source: PollResult['source']): PollResult {
  const { base, baseLabel } = thresholdBase(input.rule, input.membershipTotal, input.presentAtOpen);
  const required = requiredVotes(input.rule, base);
  const counted: OptionResult[] = input.candidates.map((candidate) => {
    const n = votes.get(candidate.id) ?? 0;
    return { key: candidate.id, label: candidate.name, votes: n, percent: percent(n, base), passed: null };
  });
  const { options, outcome } = electSeats(counted, required, seatsOf(input));
  return {
    source,
    base,
    baseLabel,
    required,
    eligible: input.eligible,
    ballotsIssued: input.eligible,
    ballotsReturned: ballots.returned,
    ballotsValid: ballots.valid,
    ballotsInvalid: ballots.invalid,
    turnoutPercent: percent(ballots.returned, input.eligible),
    options,
    passed: null,
    election: outcome,
  };
}

/** A ballot approving more candidates than allowed, or unknown ones, is invalid. */
export function tallyElection(input: TallyInput, ballots: string[][], source: PollResult['source'] = 'electronic', extraInvalid = 0): PollResult {
  const known = new Set(input.candidates.map((c) => c.id));
  const valid = ballots.filter((b) => b.length <= (input.maxChoices ?? input.candidates.length) && b.every((id) => known.has(id)));
  const votes = new Map<string, number>();
  for (const ballot of valid) for (const id of new Set(ballot)) votes.set(id, (votes.get(id) ?? 0) + 1);
  return electionResult(input, votes, { returned: ballots.length + extraInvalid, valid: valid.length, invalid: ballots.length - valid.length + extraInvalid }, source);
}
