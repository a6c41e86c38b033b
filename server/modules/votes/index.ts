/**
 * The votes module: motions and elections, public and secret, their ballots
 * and results. Owns the polls tables and the ballot key; secret choices are
 * sealed so that nothing links a voter to a choice (see README, security).
 * Reads the meeting, roster and agenda from meetings, attendance from live
 * and names from users.
 */
import { rooms } from '../../contract/realtime.ts';
import { defineModule } from '../module.ts';
import { voteRoutes } from './routes.ts';
import { BallotSeal } from './sealing.ts';
import { VoteService, type VoteDeps } from './service.ts';
import { voteSockets } from './sockets.ts';

export const votesModule = defineModule<VoteDeps, VoteService>({
  name: 'votes',
  create: async ({ db, events, config }, deps) => new VoteService(db, deps, events, await BallotSeal.load(config.dataDir, config.ballotKey)),
  routes: (votes) => voteRoutes(votes),
  sockets: (votes) => voteSockets(votes),
  subscribe: (_votes, { events, io }) => {
    events.on('poll.updated', (update) => io.to(rooms.meeting(update.meetingId)).emit('poll:update', update));
  },
});

export { VoteService, type VoteDeps } from './service.ts';
