/**
 * What a ballot is judged against while its poll is open, read once for a
 * storm instead of once per batch. None of it changes while the poll is
 * open: the electorate, kind, options and candidates are fixed when it opens
 * (service.ts `open`), and a poll leaves "open" only for closed, counted on
 * paper or cancelled, never back. What can change (the poll's status, the
 * meeting's session, a caster's role) is not here: the statement that writes
 * the ballots checks it (cast-statement.ts).
 *
 * The poll's key is in it (as a KeyObject, one for the whole storm). The
 * casting desk (casting.ts) holds these facts from the poll's opening or
 * first ballot until a while after its last ballot, and lets them go at
 * close; why that adds no exposure is said there and in the README.
 */
import { createSecretKey, type KeyObject } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { pollCandidates, polls } from '../../db/schema/votes.ts';
import type { BallotKeys } from './ballot-keys.ts';
import type { PollRow } from './ballot-rules.ts';
import { receiptBytes } from './sealing.ts';

/** A voter's receipt: the text they are shown, and the bytes a seal holds (decoded once here, not per ballot). */
export type Receipt = { text: string; bytes: Uint8Array };

export type OpenPoll = {
  poll: PollRow;
  /** candidate ids in ballot order (empty for a motion) */
  candidateIds: string[];
  /** secret polls: the poll's key; null for a public poll */
  key: KeyObject | null;
  /** each eligible voter's receipt, derived once for the storm (an HMAC each) */
  receipts: ReadonlyMap<string, Receipt>;
};

/** The poll's facts when it is open now, with its key; null when it is not open (or is secret and its key is missing). */
export async function loadOpenPoll(db: Db, keys: Pick<BallotKeys, 'pollKey' | 'receipt'>, meetingId: string, pollId: string): Promise<OpenPoll | null> {
  // Side by side (a motion has no candidates; asking costs no extra wait).
  const [[poll], candidates] = await Promise.all([
    db.select().from(polls).where(and(eq(polls.id, pollId), eq(polls.meetingId, meetingId))),
    db.select({ id: pollCandidates.id }).from(pollCandidates).where(eq(pollCandidates.pollId, pollId)).orderBy(asc(pollCandidates.position)),
  ]);
  if (poll === undefined || poll.status !== 'open') return null;
  let key: KeyObject | null = null;
  if (poll.secret) {
    const raw = await keys.pollKey(pollId);
    // No key: the poll was closed a moment ago (its key destroyed). The batch path decides those ballots.
    if (raw === null) return null;
    key = createSecretKey(raw);
  }
  const receipts = new Map(
    (poll.eligibleVoters ?? []).map((voter) => {
      const text = keys.receipt(poll.id, voter);
      return [voter, { text, bytes: receiptBytes(text) }];
    }),
  );
  return { poll, candidateIds: poll.kind === 'motion' ? [] : candidates.map((c) => c.id), key, receipts };
}
