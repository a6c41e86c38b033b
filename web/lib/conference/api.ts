/** REST calls of the conference page (everything live goes over the socket). */
import type { ConferenceDescription, ConferenceSettings, ConferenceSettingsEnvelope } from '$contract/conference-realtime.ts';
import type { ConferencePointDto, ConferencePointsEnvelope, EndpointConference, EndpointConferencesEnvelope } from '$contract/conference.ts';
import { api } from '$lib/api/client.ts';

const base = (meetingId: string) => `/meetings/${encodeURIComponent(meetingId)}/conference`;

export type { ConferencePointDto, EndpointConference };

export const conferenceApi = {
  /** conferences this account joins as an endpoint (published or running), soonest first */
  mine: async (signal?: AbortSignal): Promise<EndpointConference[]> =>
    (await api.get<EndpointConferencesEnvelope>('/conferences/mine', signal ? { signal } : {})).conferences,
  describe: (meetingId: string, signal?: AbortSignal) => api.get<ConferenceDescription>(base(meetingId), signal ? { signal } : {}),
  /** the chair's roll call of the meeting's points */
  points: async (meetingId: string, signal?: AbortSignal): Promise<ConferencePointDto[]> =>
    (await api.get<ConferencePointsEnvelope>(`${base(meetingId)}/points`, signal ? { signal } : {})).points,
  updateSettings: async (meetingId: string, requireAdmission: boolean): Promise<ConferenceSettings> =>
    (await api.patch<ConferenceSettingsEnvelope>(base(meetingId), { requireAdmission })).settings,
};
