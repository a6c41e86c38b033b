/**
 * REST of the hall display: the wall screen's own calls (device cookie, no
 * login: a 401 means "not paired", never "go to the login page") and the
 * secretary's pairing calls.
 */
import type {
  DisplayConfirm,
  DisplayDto,
  DisplayEnvelope,
  DisplayListEnvelope,
  DisplayReassign,
  DisplayState,
  DisplayStateEnvelope,
  PairingDto,
  PairingEnvelope,
} from '$contract/display.ts';
import type { ConferencePointDto, ConferencePointsEnvelope } from '$contract/conference.ts';
import type { PollDto, PollListEnvelope } from '$contract/votes.ts';
import { api, apiUrl, isApiError } from '$lib/api/client.ts';

const wall = { on401: 'throw' } as const;
const m = (meetingId: string) => `/meetings/${encodeURIComponent(meetingId)}/displays`;

export const wallApi = {
  /** This screen's state, or null when the server does not know it (no cookie, unpaired). */
  state: async (): Promise<DisplayState | null> => {
    try {
      return (await api.get<DisplayStateEnvelope>('/display/state', wall)).state;
    } catch (error) {
      if (isApiError(error) && error.status === 401) return null;
      throw error;
    }
  },
  /** A code to show (and, for a new screen, its device cookie). */
  requestPairing: async (): Promise<PairingDto> => (await api.post<PairingEnvelope>('/display/pairings', {}, wall)).pairing,
  polls: async (): Promise<PollDto[]> => (await api.get<PollListEnvelope>('/display/polls', wall)).polls,
  /** the meeting's conference points and where each stands */
  points: async (signal?: AbortSignal): Promise<ConferencePointDto[]> => (await api.get<ConferencePointsEnvelope>('/display/points', { ...wall, ...(signal ? { signal } : {}) })).points,
  /** The presented PDF; the address names the version so pdf.js reopens when it changes. */
  presentationUrl: (documentId: string, version: number): string => apiUrl('/display/presentation/file', { document: documentId, version }),
};

export const displaysApi = {
  list: async (meetingId: string): Promise<DisplayDto[]> => (await api.get<DisplayListEnvelope>(m(meetingId))).displays,
  confirm: async (meetingId: string, body: DisplayConfirm): Promise<DisplayDto> => (await api.post<DisplayEnvelope>(m(meetingId), body)).display,
  reassign: async (meetingId: string, displayId: string, body: DisplayReassign): Promise<DisplayDto> =>
    (await api.put<DisplayEnvelope>(`${m(meetingId)}/${encodeURIComponent(displayId)}`, body)).display,
  unpair: (meetingId: string, displayId: string) => api.delete(`${m(meetingId)}/${encodeURIComponent(displayId)}`),
};
