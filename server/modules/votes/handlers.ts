/** Casting a ballot from a tablet; acknowledged with the voter's receipt. */
import type { FastifyInstance } from 'fastify';
import { CastBallot } from '../../contract/votes.ts';
import { socketHandler } from '../../realtime/handler.ts';
import type { AppSocket } from '../../realtime/socket-server.ts';
import type { VoteService } from './service.ts';

export function voteHandlers(app: FastifyInstance, votes: VoteService) {
  return (socket: AppSocket): void => {
    const on = socket.on.bind(socket) as (event: string, listener: (payload: unknown, ack: unknown) => void) => void;
    on('vote:cast', socketHandler(socket, app.log, CastBallot, (input) => votes.cast(socket.data.user, input)));
  };
}
