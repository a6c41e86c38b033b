/** Typed calls of the meeting record API (notes, conclusions, tasks, minutes and notice drafts). */
import type { OfficialDocument } from '$contract/official-documents.ts';
import type { ItemConclusionUpdate, ItemNoteUpdate, RecordDocumentEnvelope, RecordDocumentKind, RecordItemDto, RecordTaskDto, RecordUnitsEnvelope, RecordVersionDto } from '$contract/record.ts';
import { api, apiUrl } from './client.ts';

const base = (meetingId: string) => `/meetings/${meetingId}/record`;

export const recordApi = {
  items: (meetingId: string) => api.get<{ items: RecordItemDto[] }>(base(meetingId)),
  saveNote: (meetingId: string, itemId: string, body: ItemNoteUpdate) => api.put<{ item: RecordItemDto }>(`${base(meetingId)}/items/${itemId}/note`, body),
  saveConclusion: (meetingId: string, itemId: string, body: ItemConclusionUpdate) => api.put<{ item: RecordItemDto }>(`${base(meetingId)}/items/${itemId}/conclusion`, body),
  taskUnits: (meetingId: string) => api.get<RecordUnitsEnvelope>(`${base(meetingId)}/units`),
  attendanceCsvUrl: (meetingId: string) => apiUrl(`${base(meetingId)}/attendance.csv`),
  attendancePdfUrl: (meetingId: string) => apiUrl(`${base(meetingId)}/attendance.pdf`),
  tasks: (meetingId: string) => api.get<{ tasks: RecordTaskDto[] }>(`${base(meetingId)}/tasks`),
  setTask: (meetingId: string, taskId: string, status: 'open' | 'done') => api.patch<{ task: RecordTaskDto }>(`${base(meetingId)}/tasks/${taskId}`, { status }),
  draft: (meetingId: string, kind: RecordDocumentKind) => api.get<RecordDocumentEnvelope>(`${base(meetingId)}/drafts/${kind}`),
  version: (meetingId: string, kind: RecordDocumentKind, version: number) => api.get<{ document: RecordVersionDto }>(`${base(meetingId)}/drafts/${kind}/versions/${version}`),
  preview: (meetingId: string, kind: RecordDocumentKind) => api.get<{ content: OfficialDocument }>(`${base(meetingId)}/drafts/${kind}/preview`),
  approved: (meetingId: string, kind: RecordDocumentKind) => api.get<{ document: RecordVersionDto }>(`${base(meetingId)}/drafts/${kind}/approved`),
  build: (meetingId: string, kind: RecordDocumentKind) => api.post<{ document: RecordVersionDto }>(`${base(meetingId)}/drafts/${kind}/build`),
  save: (meetingId: string, kind: RecordDocumentKind, baseVersion: number, content: OfficialDocument) =>
    api.post<{ document: RecordVersionDto }>(`${base(meetingId)}/drafts/${kind}/versions`, { baseVersion, content }),
  approve: (meetingId: string, kind: RecordDocumentKind, version: number) => api.post<{ document: RecordVersionDto }>(`${base(meetingId)}/drafts/${kind}/versions/${version}/approve`),
};
