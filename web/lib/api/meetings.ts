/** Typed calls of the meetings API: meetings, status, participants, agenda. Answers are typed by the routes' response schemas. */
import type {
  Agenda,
  AgendaItemCreate,
  AgendaItemDto,
  AgendaItemEnvelope,
  AgendaItemsEnvelope,
  AgendaItemUpdate,
  MeetingCreate,
  MeetingDto,
  MeetingEnvelope,
  MeetingListQuery,
  MeetingPage,
  MeetingUpdate,
  ParticipantAdd,
  ParticipantDto,
  ParticipantEnvelope,
  ParticipantListEnvelope,
  ParticipantUpdate,
} from '$contract/meetings.ts';
import { api } from './client.ts';

export type { Agenda, MeetingPage };

const m = (id: string) => `/meetings/${encodeURIComponent(id)}`;

export const meetingsApi = {
  list: (query: MeetingListQuery, signal?: AbortSignal) => api.get<MeetingPage>('/meetings', { query, ...(signal ? { signal } : {}) }),
  get: async (id: string, signal?: AbortSignal): Promise<MeetingDto> => (await api.get<MeetingEnvelope>(m(id), signal ? { signal } : {})).meeting,
  create: async (body: MeetingCreate): Promise<MeetingDto> => (await api.post<MeetingEnvelope>('/meetings', body)).meeting,
  update: async (id: string, body: MeetingUpdate): Promise<MeetingDto> => (await api.patch<MeetingEnvelope>(m(id), body)).meeting,
  transition: async (id: string, to: 'published' | 'in_session' | 'closed'): Promise<MeetingDto> =>
    (await api.post<MeetingEnvelope>(`${m(id)}/status`, { to })).meeting,
};

export const participantsApi = {
  list: async (meetingId: string): Promise<ParticipantDto[]> => (await api.get<ParticipantListEnvelope>(`${m(meetingId)}/participants`)).participants,
  add: async (meetingId: string, body: ParticipantAdd): Promise<ParticipantDto> =>
    (await api.post<ParticipantEnvelope>(`${m(meetingId)}/participants`, body)).participant,
  update: async (meetingId: string, id: string, body: ParticipantUpdate): Promise<ParticipantDto> =>
    (await api.patch<ParticipantEnvelope>(`${m(meetingId)}/participants/${encodeURIComponent(id)}`, body)).participant,
  remove: (meetingId: string, id: string) => api.delete(`${m(meetingId)}/participants/${encodeURIComponent(id)}`),
};

export const agendaApi = {
  list: (meetingId: string) => api.get<Agenda>(`${m(meetingId)}/agenda`),
  add: async (meetingId: string, body: AgendaItemCreate): Promise<AgendaItemDto> => (await api.post<AgendaItemEnvelope>(`${m(meetingId)}/agenda`, body)).item,
  update: async (meetingId: string, id: string, body: AgendaItemUpdate): Promise<AgendaItemDto> =>
    (await api.patch<AgendaItemEnvelope>(`${m(meetingId)}/agenda/${encodeURIComponent(id)}`, body)).item,
  remove: (meetingId: string, id: string) => api.delete(`${m(meetingId)}/agenda/${encodeURIComponent(id)}`),
  reorder: async (meetingId: string, itemIds: string[]): Promise<AgendaItemDto[]> =>
    (await api.put<AgendaItemsEnvelope>(`${m(meetingId)}/agenda/order`, { itemIds })).items,
};
