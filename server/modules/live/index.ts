/**
 * The live module: a meeting in session (attendance and quorum, the running
 * agenda item, the presented page, speakers) with one LiveMeetingOwner per
 * meeting. Owns meeting_live_state, agenda_item_runs, attendance and
 * speaker_requests; reads the meeting, its roster and agenda from meetings,
 * names from users and page counts from documents. Tablets, consoles and
 * walls follow it through `live:update` in the meeting's room.
 */
import { rooms } from '../../contract/realtime.ts';
import { defineModule } from '../module.ts';
import type { LiveDeps } from './rules.ts';
import { LiveService } from './service.ts';
import { auditSocketCalls } from '../../plugins/audit-request.ts';
import { liveSockets } from './sockets.ts';

export const liveModule = defineModule<LiveDeps, LiveService>({
  name: 'live',
  create: ({ db, events, config, log }, deps) => {
    // Alone (no Redis): every change to a meeting is made, and announced, in this process.
    const live = new LiveService(db, deps, events, { alone: config.redisUrl === undefined });
    live.startSpeakerClock(config.redisUrl === undefined, log);
    return live;
  },
  close: (live) => live.close(),
  sockets: (live, { events }, { meetings }) =>
    auditSocketCalls(events, liveSockets(live, meetings), {
      'attendance:mark': ({ meetingId, userId, status, proxyUserId }) =>
        proxyUserId ? { action: 'attendance.proxy', meetingId, targetType: 'user', targetId: userId, details: { proxyUserId, status } } : undefined,
    }),
  subscribe: (live, { events, io }) => {
    // Changes other modules made to the meeting (its own actions announce themselves as live.updated).
    events.on('meeting.changed', (change) => live.meetingChanged(change));
    events.on('live.updated', (message) => io.to(rooms.meeting(message.meetingId)).emit('live:update', message));
    events.on('live.retracted', (message) => io.to(rooms.meeting(message.meetingId)).emit('live:resync', message));
    // Someone removed from a meeting stops following it on every device, on every process.
    events.on('meeting.participantRemoved', ({ meetingId, userId }) => io.in(rooms.user(userId)).socketsLeave(rooms.meeting(meetingId)));
  },
});

export { LiveService } from './service.ts';
export { type AttendanceRow } from './sections.ts';
export { countAttendance, isVotingMember, VOTING_ROLES, type AttendanceCount } from './quorum.ts';
export type { LiveDeps, LiveDocuments } from './rules.ts';
export type { ItemRun, LiveRecord, SpeechHeard } from './record-reads.ts';
