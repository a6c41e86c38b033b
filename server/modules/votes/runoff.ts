/**
 * A run-off (bầu lại) among the candidates tied at the last seat(s) of a
 * counted election: a new draft poll of the same meeting and agenda item,
 * with the same rules, the tied candidates (in their ballot order) and the
 * seats left for them; a ballot approves at most those seats. One run-off per
 * result: another only once the first is cancelled.
 */
import { and, asc, eq, inArray, ne } from 'drizzle-orm';
import type { PollResult } from '../../contract/votes.ts';
import type { Tx } from '../../db/client.ts';
import { pollCandidates, polls } from '../../db/schema/votes.ts';
import { AppError } from '../../errors.ts';
import type { PollRow } from './ballots.ts';

/** Inserts the run-off of `poll` (locked by the caller) and returns its id. */
export async function insertRunoff(tx: Tx, poll: PollRow, userId: string): Promise<string> {
  if (poll.status !== 'closed' && poll.status !== 'published') throw new AppError(409, 'pollResultNotReady');
  const tie = (poll.result as PollResult | null)?.election?.tie ?? null;
  if (tie === null) throw new AppError(409, 'noTie');
  const [earlier] = await tx.select({ id: polls.id }).from(polls).where(and(eq(polls.runoffOf, poll.id), ne(polls.status, 'cancelled')));
  if (earlier !== undefined) throw new AppError(409, 'runoffExists');
  const candidates = await tx.select().from(pollCandidates).where(and(eq(pollCandidates.pollId, poll.id), inArray(pollCandidates.id, tie.keys))).orderBy(asc(pollCandidates.position));
  const [created] = await tx
    .insert(polls)
    .values({
      meetingId: poll.meetingId,
      agendaItemId: poll.agendaItemId,
      kind: 'election',
      title: `Bầu lại: ${poll.title}`.slice(0, 500),
      secret: poll.secret,
      eligibility: poll.eligibility,
      allowProxy: poll.allowProxy,
      allowChange: poll.allowChange,
      threshold: poll.threshold,
      customNumerator: poll.customNumerator,
      customDenominator: poll.customDenominator,
      maxChoices: Math.min(poll.maxChoices ?? tie.seats, tie.seats),
      seats: tie.seats,
      runoffOf: poll.id,
      createdBy: userId,
    })
    .returning({ id: polls.id });
  await tx.insert(pollCandidates).values(candidates.map((c, i) => ({ pollId: created!.id, name: c.name, position: i + 1 })));
  return created!.id;
}
