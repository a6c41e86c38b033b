/**
 * What the meeting's record (minutes) needs from the live tables and the
 * snapshot does not carry: when each agenda item was open, and everyone who
 * had the floor (finished speakers included) with their topic and time used.
 * Read-only; the record module asks through `LiveService.recordOf`.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { agendaItemRuns, speakerRequests } from '../../db/schema/live.ts';

export type ItemRun = { itemId: string; startedAt: Date; endedAt: Date | null };
export type SpeechHeard = { userId: string; itemId: string | null; topic: string | null; startedAt: Date | null; spokenMs: number };
export type LiveRecord = { runs: ItemRun[]; speeches: SpeechHeard[] };

export async function liveRecordOf(executor: Executor, meetingId: string, now: Date = new Date()): Promise<LiveRecord> {
  const runs = await executor
    .select({ itemId: agendaItemRuns.itemId, startedAt: agendaItemRuns.startedAt, endedAt: agendaItemRuns.endedAt })
    .from(agendaItemRuns)
    .where(eq(agendaItemRuns.meetingId, meetingId))
    .orderBy(asc(agendaItemRuns.startedAt));
  const rows = await executor
    .select()
    .from(speakerRequests)
    .where(and(eq(speakerRequests.meetingId, meetingId), inArray(speakerRequests.status, ['speaking', 'done'])))
    .orderBy(asc(speakerRequests.startedAt), asc(speakerRequests.position));
  // Only those who were given the floor: a request withdrawn or still waiting is not a speech.
  const speeches = rows
    .filter((row) => row.startedAt !== null)
    .map((row) => ({
      userId: row.userId,
      itemId: row.itemId,
      topic: row.topic,
      startedAt: row.startedAt,
      spokenMs: row.timerAccumulatedMs + (row.timerStartedAt === null ? 0 : Math.max(0, now.getTime() - row.timerStartedAt.getTime())),
    }));
  return { runs, speeches };
}
