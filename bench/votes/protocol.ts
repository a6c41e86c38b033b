/** Messages between bench/votes.ts and its voters process (bench/votes/voters.ts), over the fork IPC channel. */
export type Voter = { cookie: string };

export type ToVoters =
  | { type: 'connect'; url: string; voters: Voter[]; concurrency: number }
  /** Cast now: voter i waits offsets[i] ms (0 for a burst), then sends one ballot. */
  | { type: 'cast'; meetingId: string; pollId: string; choices: string[]; offsets: number[] };

export type CastOutcome = { latencyMs: number; ok: boolean; code: string | null };

export type FromVoters =
  | { type: 'connected'; count: number; ms: number }
  /** Moments as epoch milliseconds (performance.timeOrigin + now), comparable across the voters processes. */
  | { type: 'cast-done'; outcomes: CastOutcome[]; firstSendAt: number; lastSendAt: number; lastAckAt: number }
  | { type: 'fatal'; message: string };
