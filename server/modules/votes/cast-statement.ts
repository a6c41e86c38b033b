/**
 * The common case of a vote storm in one statement: the first ballot of each
 * voting member, cast by themselves, in an open poll. The ballots are judged
 * in memory against the poll's fixed facts (open-poll.ts: electorate and
 * receipts, choice shape, key) and written by one INSERT that commits on its own, so a batch
 * costs one round trip and one commit instead of a transaction of six.
 *
 * What can change while the poll is open is checked by the statement itself,
 * with the same locks as the batch transaction (cast-batch.ts):
 *  - the poll row is read FOR SHARE and must still be open (closing takes it
 *    FOR UPDATE: a close waits for this statement, or this statement waits
 *    for the close and then finds the poll closed and writes nothing);
 *  - the meeting must be in session;
 *  - the caster must be a chair or delegate of the meeting now;
 *  - (poll, voter) is the primary key: a voter who already has a row keeps it.
 * A ballot this statement did not write, or did not take at all (a proxy, a
 * voter's second ballot in the batch, one that fails a check), is handed
 * back: the batch transaction then decides it exactly as before, with its
 * answer and error codes (an outsider still hears "no such poll").
 */
import { sql } from 'drizzle-orm';
import type { CastReceipt } from '../../contract/votes.ts';
import type { Db } from '../../db/client.ts';
import { columnName as id } from '../../db/column-name.ts';
import { executePrepared } from '../../db/prepared.ts';
import { polls, pollVoters } from '../../db/schema/votes.ts';
import { AppError } from '../../errors.ts';
import { VOTING_ROLES } from '../live/index.ts';
import { meetingInSession, takesPartAs } from '../meetings/index.ts';
import { checkChoice, storedBallot, type StoredBallot } from './ballot-rules.ts';
import type { Ballot } from './cast-batch.ts';
import type { OpenPoll } from './open-poll.ts';
import { ivsFor } from './sealing.ts';

export type StatementOutcome = {
  /** the ballots written, by their index in the batch */
  written: Map<number, CastReceipt>;
  /** indexes of the ballots handed back to the batch transaction */
  handedBack: number[];
  /** ballots of the poll after this statement (as far as it could see: a concurrent batch may add more) */
  cast: number;
  /** whether the poll was still open (false: nothing was written, and the facts are stale) */
  stillOpen: boolean;
};

type Taken = { index: number; voter: string; key: string; receipt: string; stored: StoredBallot };

/** Which ballots the statement may take: self-cast, first of their voter in the batch, eligible, a well-formed choice. */
function take(open: OpenPoll, batch: readonly Ballot[]): { taken: Taken[]; handedBack: number[] } {
  const taken: Taken[] = [];
  const handedBack: number[] = [];
  const seen = new Set<string>();
  // Seals only for a secret poll: a public one keeps the choice in the clear and needs no IV.
  const iv = open.key === null ? () => undefined : ivsFor(batch.length);
  for (const [index, { user, input }] of batch.entries()) {
    const voter = input.voterUserId ?? user.id;
    // Only the eligible have a receipt here.
    const receipt = open.receipts.get(voter);
    if (voter !== user.id || seen.has(voter) || receipt === undefined || !wellFormed(open, input.choice)) {
      handedBack.push(index);
      continue;
    }
    seen.add(voter);
    taken.push({ index, voter, key: input.idempotencyKey, receipt: receipt.text, stored: storedBallot(open.poll, open.candidateIds, input.choice, receipt.bytes, open.key, iv(index)) });
  }
  return { taken, handedBack };
}

function wellFormed(open: OpenPoll, choice: Ballot['input']['choice']): boolean {
  try {
    checkChoice(open.poll, open.candidateIds, choice);
    return true;
  } catch (error) {
    if (error instanceof AppError) return false;
    throw error;
  }
}

export async function castInOneStatement(db: Db, open: OpenPoll, batch: readonly Ballot[]): Promise<StatementOutcome> {
  const { taken, handedBack } = take(open, batch);
  if (taken.length === 0) return { written: new Map(), handedBack, cast: 0, stillOpen: true };
  const { id: pollId, meetingId } = open.poll;
  // The ballots as one JSON text (JSON.stringify runs in native code): as four arrays, postgres.js escaped every
  // element in JavaScript, ~4% of the app's CPU in a 1,600-ballot storm. Text, not the array itself: drizzle's
  // client passes json parameters through as they are given.
  const ballots = JSON.stringify(taken.map((t) => ({ voter: t.voter, key: t.key, sealed: t.stored.sealed, choice: t.stored.publicChoice })));
  // The CTE `poll` takes the row lock before any row is inserted: `allowed` (the INSERT's source) tests it first.
  // Prepared: the storm's one statement, the same text for every batch (db/prepared.ts).
  const [row] = await executePrepared<{ open: boolean; before: number; inserted: string[] }>(db, sql`
    with poll as (
      select ${id(polls.id)} from ${polls}
      where ${id(polls.id)} = ${pollId} and ${id(polls.meetingId)} = ${meetingId} and ${id(polls.status)} = 'open'
      for share
    ),
    ballot as (
      select * from json_to_recordset(${sql.param(ballots)}::json) as b(voter uuid, key text, sealed text, choice jsonb)
    ),
    allowed as (
      select b.* from ballot b
      where exists (select 1 from poll) and ${meetingInSession(meetingId)} and ${takesPartAs(meetingId, sql`b.voter`, VOTING_ROLES)}
    ),
    inserted as (
      insert into ${pollVoters} (${id(pollVoters.pollId)}, ${id(pollVoters.voterUserId)}, ${id(pollVoters.castBy)}, ${id(pollVoters.idempotencyKey)}, ${id(pollVoters.sealed)}, ${id(pollVoters.publicChoice)})
      select ${pollId}::uuid, voter, voter, key, sealed, choice from allowed
      on conflict do nothing
      returning ${id(pollVoters.voterUserId)} as voter
    )
    select
      exists (select 1 from poll) as open,
      (select count(*)::int from ${pollVoters} where ${id(pollVoters.pollId)} = ${pollId}) as before,
      array(select voter from inserted)::text[] as inserted`);
  const inserted = new Set(row?.inserted ?? []);
  const written = new Map<number, CastReceipt>();
  for (const t of taken) {
    if (inserted.has(t.voter)) written.set(t.index, { receipt: t.receipt, alreadyCast: false });
    else handedBack.push(t.index);
  }
  // The count was read beside the insert, without its rows.
  return { written, handedBack: handedBack.sort((a, b) => a - b), cast: (row?.before ?? 0) + inserted.size, stillOpen: row?.open === true };
}
