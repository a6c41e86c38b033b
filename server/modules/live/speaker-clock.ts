/**
 * A speaker's timer counts only while a server runs. A running timer is
 * stored as "used so far + running since"; if the server stops, "since" stays
 * put and the wall clock would count the whole outage as speaking time. So
 * every few seconds each running timer is checkpointed (the time since is
 * folded into what was used, and "since" moves to now: every screen computes
 * the same time before and after, so nothing is announced). A timer whose
 * last checkpoint is older than GAP_MS was left behind by a server that
 * stopped: it resumes now from what was used at its last checkpoint, and the
 * meeting's screens get the speakers section again.
 *
 * At start-up a single process (no REDIS_URL) knows that nobody kept time
 * while it was down, so every running timer resumes at once; with several
 * processes another one may be keeping time, so only timers past the gap do.
 */
import { and, eq, gte, isNotNull, lt, sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/client.ts';
import { speakerRequests } from '../../db/schema/live.ts';

export const CHECKPOINT_MS = 2_000;
export const GAP_MS = 6_000;

/** Resumes the given stale timers of one meeting at `now` (in the meeting's queue, announced); `before`: only timers still not checkpointed since. */
export type ResumeTimers = (meetingId: string, requestIds: string[], now: Date, before: Date) => Promise<unknown>;

export class SpeakerClock {
  readonly #db: Db;
  readonly #resume: ResumeTimers;
  readonly #log: FastifyBaseLogger;
  #interval: NodeJS.Timeout | null = null;

  constructor(db: Db, resume: ResumeTimers, log: FastifyBaseLogger) {
    this.#db = db;
    this.#resume = resume;
    this.#log = log;
  }

  start(alone: boolean): void {
    this.#run(alone ? 0 : GAP_MS);
    this.#interval = setInterval(() => this.#run(GAP_MS), CHECKPOINT_MS);
    this.#interval.unref();
  }

  stop(): void {
    if (this.#interval !== null) clearInterval(this.#interval);
    this.#interval = null;
  }

  #run(staleAfterMs: number): void {
    this.tick(staleAfterMs).catch((error: unknown) => this.#log.warn({ err: error }, 'speaker timers: checkpoint failed'));
  }

  /** One checkpoint; timers not checkpointed for `staleAfterMs` are resumed instead of counted. */
  async tick(staleAfterMs: number, now = new Date()): Promise<void> {
    const cutoff = new Date(now.getTime() - staleAfterMs);
    const running = and(eq(speakerRequests.status, 'speaking'), isNotNull(speakerRequests.timerStartedAt));
    if (staleAfterMs > 0) {
      await this.#db
        .update(speakerRequests)
        .set({
          timerAccumulatedMs: sql`${speakerRequests.timerAccumulatedMs} + greatest(0, (extract(epoch from (${now.toISOString()}::timestamptz - ${speakerRequests.timerStartedAt})) * 1000)::int)`,
          timerStartedAt: now,
        })
        .where(and(running, gte(speakerRequests.timerStartedAt, cutoff)));
    }
    const stale = await this.#db.select({ id: speakerRequests.id, meetingId: speakerRequests.meetingId }).from(speakerRequests).where(and(running, lt(speakerRequests.timerStartedAt, cutoff)));
    const byMeeting = new Map<string, string[]>();
    for (const row of stale) byMeeting.set(row.meetingId, [...(byMeeting.get(row.meetingId) ?? []), row.id]);
    for (const [meetingId, ids] of byMeeting) {
      // One meeting's failure (deleted meanwhile…) must not keep the others' timers from resuming.
      await this.#resume(meetingId, ids, now, cutoff).catch((error: unknown) => this.#log.warn({ err: error, meetingId }, 'speaker timers: resume failed'));
    }
  }
}
