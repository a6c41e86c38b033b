/**
 * Socket handlers of the live meeting: one per named action, each validated
 * with its shared schema and answered through its ack, each authorised
 * inside the service against the caller's role in that meeting.
 */
import {
  AgendaOpen,
  AttendanceMark,
  MeetingRef,
  PresentationPage,
  PresentationShow,
  SpeakerRef,
  SpeakerReorder,
  SpeakerRequest,
  SpeakerTimer,
} from '../../contract/live.ts';
import { rooms } from '../../contract/realtime.ts';
import type { LiveDeps } from './rules.ts';
import type { UserSocketTable } from '../module.ts';
import type { LiveService } from './service.ts';

const versioned = (version: number) => ({ version });

export function liveSockets(live: LiveService, meetings: Pick<LiveDeps['meetings'], 'transition'>): UserSocketTable {
  return {
    'meeting:join': {
      schema: MeetingRef,
      run: async ({ meetingId }, socket) => {
        const snapshot = await live.snapshot(socket.data.user, meetingId); // checks that this user may see the meeting
        await socket.join(rooms.meeting(meetingId));
        return snapshot;
      },
    },
    'meeting:leave': {
      schema: MeetingRef,
      run: async ({ meetingId }, socket) => {
        await socket.leave(rooms.meeting(meetingId));
        return null;
      },
    },
    'meeting:snapshot': { schema: MeetingRef, run: ({ meetingId }, socket) => live.snapshot(socket.data.user, meetingId) },
    'meeting:start': { schema: MeetingRef, run: async ({ meetingId }, socket) => versioned((await meetings.transition(socket.data.user, meetingId, 'in_session')).version) },
    'meeting:close': { schema: MeetingRef, run: async ({ meetingId }, socket) => versioned((await meetings.transition(socket.data.user, meetingId, 'closed')).version) },

    'attendance:checkIn': { schema: MeetingRef, run: async ({ meetingId }, socket) => versioned(await live.checkIn(socket.data.user, meetingId)) },
    'attendance:mark': { schema: AttendanceMark, run: async (input, socket) => versioned(await live.markAttendance(socket.data.user, input)) },

    'agenda:open': { schema: AgendaOpen, run: async ({ meetingId, itemId }, socket) => versioned(await live.openItem(socket.data.user, meetingId, itemId)) },
    'agenda:next': { schema: MeetingRef, run: async ({ meetingId }, socket) => versioned(await live.nextItem(socket.data.user, meetingId)) },

    'presentation:show': { schema: PresentationShow, run: async (input, socket) => versioned(await live.showDocument(socket.data.user, input)) },
    'presentation:page': { schema: PresentationPage, run: async (input, socket) => versioned(await live.turnPage(socket.data.user, input)) },
    'presentation:stop': { schema: MeetingRef, run: async ({ meetingId }, socket) => versioned(await live.stopPresenting(socket.data.user, meetingId)) },

    'speaker:request': { schema: SpeakerRequest, run: async ({ meetingId, topic }, socket) => versioned(await live.requestToSpeak(socket.data.user, meetingId, topic)) },
    'speaker:withdraw': { schema: SpeakerRef, run: async ({ meetingId, requestId }, socket) => versioned(await live.withdraw(socket.data.user, meetingId, requestId)) },
    'speaker:give': { schema: SpeakerRef, run: async ({ meetingId, requestId }, socket) => versioned(await live.giveFloor(socket.data.user, meetingId, requestId)) },
    'speaker:timer': {
      schema: SpeakerTimer,
      run: async ({ meetingId, requestId, running }, socket) => versioned(await live.setTimer(socket.data.user, meetingId, requestId, running)),
    },
    'speaker:finish': { schema: SpeakerRef, run: async ({ meetingId, requestId }, socket) => versioned(await live.finishSpeaker(socket.data.user, meetingId, requestId)) },
    'speaker:reorder': {
      schema: SpeakerReorder,
      run: async ({ meetingId, requestIds }, socket) => versioned(await live.reorderSpeakers(socket.data.user, meetingId, requestIds)),
    },
  };
}
