/** The conference_recordings rows: one per recorded stretch of a meeting's conference. */
import { and, desc, eq, sql } from 'drizzle-orm';
import type { RecordingStatus } from '../../../contract/recording.ts';
import type { Db } from '../../../db/client.ts';
import { conferenceRecordings, type RecordingChapter, type RecordingMark } from '../../../db/schema/conference-state.ts';

export type RecordingRow = typeof conferenceRecordings.$inferSelect;

export class RecordingStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async create(values: { id: string; meetingId: string; file: string; startedBy: string; startedAt: Date; marks: RecordingMark[]; host: string; pid: number }): Promise<RecordingRow> {
    const [row] = await this.#db
      .insert(conferenceRecordings)
      .values({ ...values, status: 'recording' })
      .returning();
    return row!;
  }

  async byId(meetingId: string, recordingId: string): Promise<RecordingRow | undefined> {
    const [row] = await this.#db
      .select()
      .from(conferenceRecordings)
      .where(and(eq(conferenceRecordings.id, recordingId), eq(conferenceRecordings.meetingId, meetingId)));
    return row;
  }

  listOf(meetingId: string): Promise<RecordingRow[]> {
    return this.#db.select().from(conferenceRecordings).where(eq(conferenceRecordings.meetingId, meetingId)).orderBy(desc(conferenceRecordings.startedAt)).limit(200);
  }

  /** Appends one agenda mark (jsonb append: two marks close together both stay). */
  async addMark(recordingId: string, mark: RecordingMark): Promise<void> {
    await this.#db
      .update(conferenceRecordings)
      .set({ marks: sql`${conferenceRecordings.marks} || ${JSON.stringify([mark])}::jsonb` })
      .where(eq(conferenceRecordings.id, recordingId));
  }

  async stopped(recordingId: string, status: RecordingStatus, stoppedAt: Date, stopReason: string): Promise<void> {
    await this.#db.update(conferenceRecordings).set({ status, stoppedAt, stopReason }).where(eq(conferenceRecordings.id, recordingId));
  }

  async finished(recordingId: string, result: { status: RecordingStatus; durationMs: number | null; chapters: RecordingChapter[] }): Promise<void> {
    await this.#db.update(conferenceRecordings).set(result).where(eq(conferenceRecordings.id, recordingId));
  }

  /** Rows this host left 'recording' or 'finalising' (their process is gone, or it is this one restarted). */
  openOnHost(host: string): Promise<RecordingRow[]> {
    return this.#db
      .select()
      .from(conferenceRecordings)
      .where(and(eq(conferenceRecordings.host, host), sql`${conferenceRecordings.status} in ('recording', 'finalising')`));
  }
}
