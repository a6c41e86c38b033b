/** Messages between bench/votes.ts and its voters process (bench/votes/voters.ts), over the fork IPC channel. */
export type Voter = { cookie: string };

export type ToVoters =
  | { type: 'connect'; url: string; voters: Voter[]; concurrency: number }
  /** Cast now: voter i waits offsets[i] ms (0 for a burst), then sends one ballot. */
  | { type: 'cast'; meetingId: string; pollId: string; choices: string[]; offsets: number[] };

export type CastOutcome = { latencyMs: number; ok: boolean; code: string | null };

export type FromVoters =
  | { type: 'connected'; count: number; ms: number }
  /** Times in ms from the moment the voters process got the `cast` message. */
  | { type: 'cast-done'; outcomes: CastOutcome[]; firstSendMs: number; lastSendMs: number; lastAckMs: number }
  | { type: 'fatal'; message: string };
