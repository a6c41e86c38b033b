/** Typed calls of the meetings API: meetings, status, participants, agenda. */
import type {
  AgendaItemCreate,
  AgendaItemDto,
  AgendaItemUpdate,
  MeetingCreate,
  MeetingDto,
  MeetingListQuery,
  MeetingUpdate,
  ParticipantAdd,
  ParticipantDto,
  ParticipantUpdate,
} from '$contract/meetings.ts';
import { api } from './client.ts';

export type MeetingPage = { meetings: MeetingDto[]; total: number };
export type Agenda = { items: AgendaItemDto[]; totalMinutes: number };

const m = (id: string) => `/meetings/${encodeURIComponent(id)}`;

export const meetingsApi = {
  list: (query: MeetingListQuery, signal?: AbortSignal) => api.get<MeetingPage>('/meetings', { query, ...(signal ? { signal } : {}) }),
  get: async (id: string, signal?: AbortSignal): Promise<MeetingDto> =>
    (await api.get<{ meeting: MeetingDto }>(m(id), signal ? { signal } : {})).meeting,
  create: async (body: MeetingCreate): Promise<MeetingDto> => (await api.post<{ meeting: MeetingDto }>('/meetings', body)).meeting,
  update: async (id: string, body: MeetingUpdate): Promise<MeetingDto> => (await api.patch<{ meeting: MeetingDto }>(m(id), body)).meeting,
  transition: async (id: string, to: 'published' | 'in_session' | 'closed'): Promise<MeetingDto> =>
    (await api.post<{ meeting: MeetingDto }>(`${m(id)}/status`, { to })).meeting,
};

export const participantsApi = {
  list: async (meetingId: string): Promise<ParticipantDto[]> =>
    (await api.get<{ participants: ParticipantDto[] }>(`${m(meetingId)}/participants`)).participants,
  add: async (meetingId: string, body: ParticipantAdd): Promise<ParticipantDto> =>
    (await api.post<{ participant: ParticipantDto }>(`${m(meetingId)}/participants`, body)).participant,
  update: async (meetingId: string, id: string, body: ParticipantUpdate): Promise<ParticipantDto> =>
    (await api.patch<{ participant: ParticipantDto }>(`${m(meetingId)}/participants/${encodeURIComponent(id)}`, body)).participant,
  remove: (meetingId: string, id: string) => api.delete(`${m(meetingId)}/participants/${encodeURIComponent(id)}`),
};

export const agendaApi = {
  list: (meetingId: string) => api.get<Agenda>(`${m(meetingId)}/agenda`),
  add: async (meetingId: string, body: AgendaItemCreate): Promise<AgendaItemDto> =>
    (await api.post<{ item: AgendaItemDto }>(`${m(meetingId)}/agenda`, body)).item,
  update: async (meetingId: string, id: string, body: AgendaItemUpdate): Promise<AgendaItemDto> =>
    (await api.patch<{ item: AgendaItemDto }>(`${m(meetingId)}/agenda/${encodeURIComponent(id)}`, body)).item,
  remove: (meetingId: string, id: string) => api.delete(`${m(meetingId)}/agenda/${encodeURIComponent(id)}`),
  reorder: async (meetingId: string, itemIds: string[]): Promise<AgendaItemDto[]> =>
    (await api.put<{ items: AgendaItemDto[] }>(`${m(meetingId)}/agenda/order`, { itemIds })).items,
};
