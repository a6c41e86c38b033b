/**
 * Counts from a paper vote (phiếu giấy), checked before they become a result:
 * no more ballots returned than issued (the voters eligible: present voting
 * members, or all members), no more invalid ballots than returned, a motion's
 * yes/no/abstain adding up to the valid ballots, and for an election no
 * candidate over the valid ballots and no more approvals than valid ballots
 * times the per-ballot limit. The checks are pure so the rules read in one place.
 */
import type { MotionOption, PaperCounts, PollResult } from '../../contract/votes.ts';
import { MOTION_OPTIONS } from '../../contract/votes.ts';
import { AppError } from '../../errors.ts';
import { electionResult, tallyMotion, type TallyInput } from './tally.ts';

export function checkPaperCounts(input: TallyInput, paper: PaperCounts): void {
  const keys: readonly string[] = input.kind === 'motion' ? MOTION_OPTIONS : input.candidates.map((c) => c.id);
  if (!Object.keys(paper.counts).every((k) => keys.includes(k))) throw new AppError(400, 'invalidChoice', { field: 'counts' });
  const issued = input.eligible;
  const invalid = paper.ballotsInvalid ?? 0;
  if (paper.ballotsReturned > issued) throw new AppError(400, 'paperReturnedOverIssued', { field: 'ballotsReturned', params: { returned: paper.ballotsReturned, issued } });
  if (invalid > paper.ballotsReturned) throw new AppError(400, 'paperInvalidOverReturned', { field: 'ballotsInvalid' });
  const valid = paper.ballotsReturned - invalid;
  const sum = Object.values(paper.counts).reduce((a, b) => a + b, 0);
  if (input.kind === 'motion') {
    if (sum !== valid) throw new AppError(400, 'paperMotionSumMismatch', { field: 'counts', params: { sum, valid } });
    return;
  }
  const most = Math.max(0, ...Object.values(paper.counts));
  if (most > valid) throw new AppError(400, 'paperVotesOverValid', { field: 'counts', params: { votes: most, valid } });
  const perBallot = input.maxChoices ?? input.candidates.length;
  if (sum > valid * perBallot) throw new AppError(400, 'paperApprovalsOverLimit', { field: 'counts', params: { sum, max: valid * perBallot } });
}

/** The result of checked paper counts; `note` says it came from paper and what it replaced. */
export function paperResult(input: TallyInput, paper: PaperCounts, note: NonNullable<PollResult['paper']>): PollResult {
  const invalid = paper.ballotsInvalid ?? 0;
  if (input.kind === 'motion') {
    const choices = MOTION_OPTIONS.flatMap((option) => Array<MotionOption>(paper.counts[option] ?? 0).fill(option));
    return { ...tallyMotion(input, choices, 'paper', invalid), paper: note };
  }
  const votes = new Map(Object.entries(paper.counts));
  return { ...electionResult(input, votes, { returned: paper.ballotsReturned, valid: paper.ballotsReturned - invalid, invalid }, 'paper'), paper: note };
}
