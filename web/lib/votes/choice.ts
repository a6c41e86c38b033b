/** The rules of a ballot as the tablet applies them before sending (the server checks them again). */
import type { MotionOption, PollDto, PublishedBallot } from '$contract/votes.ts';

/** Approving one more candidate is refused beyond `max`; un-approving is always allowed. */
export function toggleCandidate(selected: readonly string[], candidateId: string, max: number): { selected: string[]; refused: boolean } {
  if (selected.includes(candidateId)) return { selected: selected.filter((id) => id !== candidateId), refused: false };
  if (selected.length >= max) return { selected: [...selected], refused: true };
  return { selected: [...selected, candidateId], refused: false };
}

export function maxChoicesOf(poll: Pick<PollDto, 'maxChoices' | 'candidates'>): number {
  return poll.maxChoices ?? poll.candidates.length;
}

/** Candidates in the poll's order, so the choice sent does not depend on the order of the taps. */
export function orderedChoice(poll: Pick<PollDto, 'candidates'>, selected: readonly string[]): string[] {
  return poll.candidates.map((c) => c.id).filter((id) => selected.includes(id));
}

export function isValidElectionChoice(poll: Pick<PollDto, 'maxChoices' | 'candidates'>, selected: readonly string[]): boolean {
  const known = new Set(poll.candidates.map((c) => c.id));
  return new Set(selected).size === selected.length && selected.length <= maxChoicesOf(poll) && selected.every((id) => known.has(id));
}

/** A voter's receipt in the published list of anonymous ballots (receipts are upper-case base32; spaces and case forgiven). */
export function findReceipt(ballots: readonly PublishedBallot[], typed: string): PublishedBallot | null {
  const wanted = typed.replace(/[\s-]/g, '').toUpperCase();
  if (wanted === '') return null;
  return ballots.find((b) => b.receipt === wanted) ?? null;
}

/** The words for a published choice: a motion option, or the approved names. */
export function describeChoice(poll: Pick<PollDto, 'candidates'>, choice: string | string[], options: Record<MotionOption, string>, none: string): string {
  if (typeof choice === 'string') return options[choice as MotionOption] ?? choice;
  if (choice.length === 0) return none;
  return poll.candidates.filter((c) => choice.includes(c.id)).map((c) => c.name).join(', ');
}
