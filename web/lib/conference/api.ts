/** REST calls of the conference page (everything live goes over the socket). */
import type { ConferenceDescription, ConferenceSettings, ConferenceSettingsEnvelope } from '$contract/conference-realtime.ts';
import type { EndpointConference, EndpointConferencesEnvelope } from '$contract/conference.ts';
import { api } from '$lib/api/client.ts';

const base = (meetingId: string) => `/meetings/${encodeURIComponent(meetingId)}/conference`;

export type { EndpointConference };

export const conferenceApi = {
  /** conferences this account joins as an endpoint (published or running), soonest first */
  mine: async (signal?: AbortSignal): Promise<EndpointConference[]> =>
    (await api.get<EndpointConferencesEnvelope>('/conferences/mine', signal ? { signal } : {})).conferences,
  describe: (meetingId: string, signal?: AbortSignal) => api.get<ConferenceDescription>(base(meetingId), signal ? { signal } : {}),
  updateSettings: async (meetingId: string, requireAdmission: boolean): Promise<ConferenceSettings> =>
    (await api.patch<ConferenceSettingsEnvelope>(base(meetingId), { requireAdmission })).settings,
};
