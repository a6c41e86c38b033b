/**
 * The rules one ballot must meet and what its row keeps, without any I/O:
 * shared by the single-ballot path (ballots.ts) and the group-commit writer
 * (cast-batch.ts), so both refuse the same ballots with the same codes.
 */
import type { KeyObject } from 'node:crypto';
import { MOTION_OPTIONS } from '../../contract/votes.ts';
import type { polls } from '../../db/schema/votes.ts';
import { AppError } from '../../errors.ts';
import { isVotingMember } from '../live/index.ts';
import { seal, type BallotShape, type Choice } from './sealing.ts';

export type PollRow = typeof polls.$inferSelect;

/** What a voter's row keeps: a fixed-length seal (secret), or the choice in the clear (public: names are part of the result). */
export type StoredBallot = { sealed: string | null; publicChoice: { choice: Choice } | null };

export function ballotShape(poll: PollRow, candidateIds: readonly string[]): BallotShape {
  return poll.kind === 'motion' ? { kind: 'motion' } : { kind: 'election', candidateIds };
}

export function checkChoice(poll: PollRow, candidateIds: readonly string[], choice: Choice): void {
  if (poll.kind === 'motion') {
    if (typeof choice !== 'string' || !(MOTION_OPTIONS as readonly string[]).includes(choice)) throw new AppError(400, 'invalidChoice', { field: 'choice' });
    return;
  }
  if (!Array.isArray(choice)) throw new AppError(400, 'invalidChoice', { field: 'choice' });
  if (choice.length > (poll.maxChoices ?? candidateIds.length)) throw new AppError(400, 'tooManyChoices', { field: 'choice', params: { max: poll.maxChoices ?? candidateIds.length } });
  if (!choice.every((id) => candidateIds.includes(id))) throw new AppError(400, 'invalidChoice', { field: 'choice' });
}

/**
 * A proxy ballot: the caster (a voting member) holds the absent voter's
 * proxy, the voter is still a voting member, and the poll takes proxies.
 */
export function checkProxy(poll: PollRow, casterId: string, voterRole: string | undefined, mark: { status: string; proxyUserId: string | null } | undefined): void {
  if (!poll.allowProxy || !isVotingMember(voterRole) || mark?.status !== 'proxy' || mark.proxyUserId !== casterId) throw new AppError(403, 'notProxy');
}

/** `receipt`: as text or its bytes (sealing.ts BallotToSeal); `iv`: this seal's own fresh IV when the caller drew a batch's at once (sealing.ts ivsFor); `key`: the poll's key (secret polls); start-up refuses to run without the key of an open secret poll, so a missing one is a broken deployment. */
export function storedBallot(poll: PollRow, candidateIds: readonly string[], choice: Choice, receipt: string | Uint8Array, key: Buffer | KeyObject | null, iv?: Uint8Array): StoredBallot {
  if (!poll.secret) return { sealed: null, publicChoice: { choice } };
  if (key === null) throw new Error('the key of an open secret poll is missing');
  return { sealed: seal(key, ballotShape(poll, candidateIds), { choice, receipt }, poll.id, iv), publicChoice: null };
}
