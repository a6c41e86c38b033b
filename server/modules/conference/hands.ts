/**
 * Raised hands kept in the database (conference_hands), so that a conference
 * taken over by another app process (its owner killed) shows the hands that
 * were up. Presence keeps the live set; this mirrors each change, one write
 * after the other per person (a raise and a quick lower never land in the
 * wrong order), and says whose hand was up when a peer joins again.
 */
import { and, eq } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/client.ts';
import { conferenceHands } from '../../db/schema/conference-state.ts';

export class RaisedHands {
  readonly #db: Db;
  readonly #log: FastifyBaseLogger;
  /** meeting:user → the last write queued for it */
  readonly #writes = new Map<string, Promise<void>>();

  constructor(db: Db, log: FastifyBaseLogger) {
    this.#db = db;
    this.#log = log;
  }

  async isRaised(meetingId: string, userId: string): Promise<boolean> {
    await this.#writes.get(`${meetingId}:${userId}`);
    const [row] = await this.#db
      .select({ userId: conferenceHands.userId })
      .from(conferenceHands)
      .where(and(eq(conferenceHands.meetingId, meetingId), eq(conferenceHands.userId, userId)));
    return row !== undefined;
  }

  /** Resolves once the changes queued for this person are written (or failed and logged). */
  async settled(meetingId: string, userId: string): Promise<void> {
    await this.#writes.get(`${meetingId}:${userId}`);
  }

  /** Queues the change; a failed write is logged (the live set still holds it). */
  record(meetingId: string, userId: string, raised: boolean): void {
    const key = `${meetingId}:${userId}`;
    const write = (this.#writes.get(key) ?? Promise.resolve())
      .then(async () => {
        if (raised) await this.#db.insert(conferenceHands).values({ meetingId, userId }).onConflictDoNothing();
        else await this.#db.delete(conferenceHands).where(and(eq(conferenceHands.meetingId, meetingId), eq(conferenceHands.userId, userId)));
      })
      .catch((err: unknown) => this.#log.warn({ err, meetingId, userId }, 'a raised hand could not be kept'));
    this.#writes.set(key, write);
    void write.then(() => {
      if (this.#writes.get(key) === write) this.#writes.delete(key);
    });
  }
}
