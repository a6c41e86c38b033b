/**
 * Start-up of the ballot keys: refuses to run when an open secret poll's key
 * is missing or does not open (ballot-keys.ts says why), and destroys keys a
 * crash left behind after their poll stopped taking ballots.
 */
import { and, eq, inArray, ne } from 'drizzle-orm';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/client.ts';
import { polls } from '../../db/schema/votes.ts';
import { BallotKeys } from './ballot-keys.ts';

const FINISHED: readonly string[] = ['closed', 'published', 'cancelled'];

export async function loadBallotKeys(db: Db, config: Pick<Config, 'dataDir' | 'ballotKey'>): Promise<BallotKeys> {
  const open = await db.select({ id: polls.id }).from(polls).where(and(eq(polls.secret, true), eq(polls.status, 'open')));
  // Receipts are derived from the master key: once a poll has been opened, a silently new key would change them.
  const opened = (await db.$count(polls, ne(polls.status, 'draft'))) > 0;
  const keys = await BallotKeys.load(config.dataDir, config.ballotKey, open.map((p) => p.id), opened);
  const stored = await keys.storedPollIds();
  if (stored.length > 0) {
    const statusOf = new Map((await db.select({ id: polls.id, status: polls.status }).from(polls).where(inArray(polls.id, stored))).map((p) => [p.id, p.status]));
    // A draft's key may belong to an opening in progress on another process: left alone (the next opening replaces it).
    for (const id of stored) {
      const status = statusOf.get(id);
      if (status === undefined || FINISHED.includes(status)) await keys.destroyPollKey(id);
    }
  }
  return keys;
}
