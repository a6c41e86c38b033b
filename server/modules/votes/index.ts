/**
 * The votes module: motions and elections, public and secret, their ballots
 * and results. Owns the polls tables and the ballot keys; secret choices are
 * sealed under a key per poll, destroyed at close, so that nothing links a
 * voter to a choice (see README, "Secret ballots").
 * Reads the meeting, roster and agenda from meetings, attendance from live
 * and names from users.
 */
import { rooms } from '../../contract/realtime.ts';
import { defineModule } from '../module.ts';
import { voteRoutes } from './routes.ts';
import { loadBallotKeys } from './key-check.ts';
import { VoteService, type VoteDeps } from './service.ts';
import { voteSockets } from './sockets.ts';

export const votesModule = defineModule<VoteDeps, VoteService>({
  name: 'votes',
  create: async ({ db, events, config }, deps) => {
    const votes = new VoteService(db, deps, events, await loadBallotKeys(db, config));
    await votes.closeLeftOpen();
    return votes;
  },
  routes: (votes) => voteRoutes(votes),
  sockets: (votes) => voteSockets(votes),
  subscribe: (votes, { events, io, log }) => {
    events.on('poll.updated', (update) => io.to(rooms.meeting(update.meetingId)).emit('poll:update', update));
    // Polls close with their meeting (casting already refuses once the meeting has left its session).
    events.on('meeting.changed', ({ meetingId, change }) => {
      if (change !== 'status:closed') return;
      votes.closeWithMeeting(meetingId).catch((error: unknown) => log.error({ err: error, meetingId }, 'closing the polls of a closed meeting failed'));
    });
  },
});

export { VoteService, type VoteDeps } from './service.ts';
