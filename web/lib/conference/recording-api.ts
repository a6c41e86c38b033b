/** REST calls of conference recording: the chair starts and stops; participants list and play. */
import type { RecordingDto, RecordingEnvelope, RecordingsEnvelope } from '$contract/recording.ts';
import { api } from '$lib/api/client.ts';

const base = (meetingId: string) => `/meetings/${encodeURIComponent(meetingId)}/recordings`;

export type { RecordingDto, RecordingsEnvelope };

export const recordingApi = {
  list: (meetingId: string, signal?: AbortSignal) => api.get<RecordingsEnvelope>(base(meetingId), signal ? { signal } : {}),
  start: async (meetingId: string): Promise<RecordingDto> => (await api.post<RecordingEnvelope>(base(meetingId), {})).recording,
  stop: async (meetingId: string): Promise<RecordingDto> => (await api.post<RecordingEnvelope>(`${base(meetingId)}/stop`, {})).recording,
  /** the WebVTT chapters track beside the file */
  chaptersUrl: (recording: RecordingDto) => `/api/v1${base(recording.meetingId)}/${encodeURIComponent(recording.id)}/chapters.vtt`,
};
