/** The order polls are listed in: by status (the caller's ranking), open ones as opened, the others newest first. */
import type { PollDto } from '$contract/votes.ts';

export function orderPolls<P extends Pick<PollDto, 'status'>>(polls: readonly P[], rank: Record<PollDto['status'], number>): P[] {
  // The server lists oldest first, so a poll's index is its age.
  return polls
    .map((poll, index) => ({ poll, index }))
    .sort((a, b) => rank[a.poll.status] - rank[b.poll.status] || (a.poll.status === 'open' ? a.index - b.index : b.index - a.index))
    .map((entry) => entry.poll);
}
