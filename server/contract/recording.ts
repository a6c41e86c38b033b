/**
 * Conference recording (issue 14): the chair starts and stops it; the
 * meeting's participants list the recordings and play them with their
 * chapters (one per agenda item). Shared by routes, web and tests.
 */
import Type, { type Static } from 'typebox';
import { Nullable, Uuid } from './common.ts';

export const RECORDING_STATUSES = ['recording', 'finalising', 'ready', 'interrupted', 'failed'] as const;
export type RecordingStatus = (typeof RECORDING_STATUSES)[number];

export const RecordingChapter = Type.Object({ title: Type.String(), startMs: Type.Integer({ minimum: 0 }), endMs: Type.Integer({ minimum: 0 }) });
export type RecordingChapter = Static<typeof RecordingChapter>;

export const RecordingDto = Type.Object({
  id: Uuid,
  meetingId: Uuid,
  status: Type.Enum(RECORDING_STATUSES),
  startedAt: Type.String(),
  stoppedAt: Nullable(Type.String()),
  /** chair, disk, meeting-closed, room-closed, error, restart */
  stopReason: Nullable(Type.String()),
  durationMs: Nullable(Type.Integer()),
  chapters: Type.Array(RecordingChapter),
  /** where the player reads the file (ready recordings only) */
  fileUrl: Nullable(Type.String()),
});
export type RecordingDto = Static<typeof RecordingDto>;

export const RecordingEnvelope = Type.Object({ recording: RecordingDto });
export type RecordingEnvelope = Static<typeof RecordingEnvelope>;

export const RecordingsEnvelope = Type.Object({
  /** newest first */
  recordings: Type.Array(RecordingDto),
  /** the recording running now, if any (the red indicator) */
  active: Nullable(RecordingDto),
});
export type RecordingsEnvelope = Static<typeof RecordingsEnvelope>;

export const RecordingParams = Type.Object({ meetingId: Uuid, recordingId: Uuid }, { additionalProperties: false });
export type RecordingParams = Static<typeof RecordingParams>;

/** What `conference:recording` tells everyone in the conference. */
export type RecordingPush = { meetingId: string; recording: RecordingDto | null };
