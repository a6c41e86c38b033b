/** Conference endpoints (điểm cầu): the catalogue (secretariat) and those taking part in a meeting. */
import type { EndpointDto, EndpointListEnvelope } from '$contract/conference.ts';
import { api } from './client.ts';

const m = (id: string) => `/meetings/${encodeURIComponent(id)}`;

export const endpointsApi = {
  list: async (): Promise<EndpointDto[]> => (await api.get<EndpointListEnvelope>('/endpoints', { query: { active: true } })).endpoints,
  forMeeting: async (meetingId: string): Promise<EndpointDto[]> => (await api.get<EndpointListEnvelope>(`${m(meetingId)}/endpoints`)).endpoints,
  add: async (meetingId: string, endpointId: string): Promise<EndpointDto[]> =>
    (await api.post<EndpointListEnvelope>(`${m(meetingId)}/endpoints`, { endpointId })).endpoints,
  remove: (meetingId: string, endpointId: string) => api.delete(`${m(meetingId)}/endpoints/${encodeURIComponent(endpointId)}`),
};
