/** Casting a ballot from a tablet; acknowledged with the voter's receipt. */
import { CastBallot } from '../../contract/votes.ts';
import type { UserSocketTable } from '../module.ts';
import type { VoteService } from './service.ts';

export function voteSockets(votes: VoteService): UserSocketTable {
  return {
    'vote:cast': { schema: CastBallot, run: (input, socket) => votes.cast(socket.data.user, input) },
  };
}
