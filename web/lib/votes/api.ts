/** Typed calls of the polls API (REST); casting a ballot goes over the socket (see BallotPanel). Answers are typed by the routes' response schemas. */
import type { PaperCounts, PollCreate, PollDto, PollEnvelope, PollListEnvelope, PublishedBallot, PublishedBallotsEnvelope } from '$contract/votes.ts';
import { api, apiUrl } from '$lib/api/client.ts';

const polls = (meetingId: string) => `/meetings/${encodeURIComponent(meetingId)}/polls`;
const poll = (meetingId: string, pollId: string) => `${polls(meetingId)}/${encodeURIComponent(pollId)}`;

export const pollsApi = {
  list: async (meetingId: string): Promise<PollDto[]> => (await api.get<PollListEnvelope>(polls(meetingId))).polls,
  get: async (meetingId: string, pollId: string): Promise<PollDto> => (await api.get<PollEnvelope>(poll(meetingId, pollId))).poll,
  create: async (meetingId: string, body: PollCreate): Promise<PollDto> => (await api.post<PollEnvelope>(polls(meetingId), body)).poll,
  open: async (meetingId: string, pollId: string, quorumOverrideReason?: string): Promise<PollDto> =>
    (await api.post<PollEnvelope>(`${poll(meetingId, pollId)}/open`, quorumOverrideReason === undefined ? {} : { quorumOverrideReason })).poll,
  close: async (meetingId: string, pollId: string): Promise<PollDto> => (await api.post<PollEnvelope>(`${poll(meetingId, pollId)}/close`, {})).poll,
  publish: async (meetingId: string, pollId: string): Promise<PollDto> => (await api.post<PollEnvelope>(`${poll(meetingId, pollId)}/publish`, {})).poll,
  cancel: async (meetingId: string, pollId: string): Promise<PollDto> => (await api.post<PollEnvelope>(`${poll(meetingId, pollId)}/cancel`, {})).poll,
  runoff: async (meetingId: string, pollId: string): Promise<PollDto> => (await api.post<PollEnvelope>(`${poll(meetingId, pollId)}/runoff`, {})).poll,
  paper: async (meetingId: string, pollId: string, body: PaperCounts): Promise<PollDto> => (await api.put<PollEnvelope>(`${poll(meetingId, pollId)}/paper`, body)).poll,
  ballots: async (meetingId: string, pollId: string): Promise<PublishedBallot[]> =>
    (await api.get<PublishedBallotsEnvelope>(`${poll(meetingId, pollId)}/ballots`)).ballots,
  csvUrl: (meetingId: string, pollId: string) => apiUrl(`${poll(meetingId, pollId)}/result.csv`),
  pdfUrl: (meetingId: string, pollId: string) => apiUrl(`${poll(meetingId, pollId)}/result.pdf`),
};
