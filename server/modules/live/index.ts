/**
 * The live module: a meeting in session (attendance and quorum, the running
 * agenda item, the presented page, speakers) with one LiveMeetingOwner per
 * meeting. Owns meeting_live_state, agenda_item_runs, attendance and
 * speaker_requests; tablets, consoles and walls follow it through
 * `live:update` in the meeting's room.
 */
import { rooms } from '../../contract/realtime.ts';
import type { MeetingService } from '../meetings/service.ts';
import { defineModule } from '../module.ts';
import { LiveService } from './service.ts';
import { liveSockets } from './sockets.ts';

export const liveModule = defineModule<{ meetings: MeetingService }, LiveService>({
  name: 'live',
  create: ({ db, events }, { meetings }) => new LiveService(db, meetings, events),
  sockets: (live, _context, { meetings }) => liveSockets(live, meetings),
  subscribe: (_live, { events, io }) => {
    events.on('live.updated', (message) => io.to(rooms.meeting(message.meetingId)).emit('live:update', message));
  },
});

export { LiveService } from './service.ts';
