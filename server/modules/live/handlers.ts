/**
 * Socket handlers of the live meeting: one per named action, each validated
 * with its shared schema and answered through its ack (socketHandler), each
 * authorised inside the service against the caller's role in that meeting.
 */
import type { FastifyInstance } from 'fastify';
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
import { socketHandler } from '../../realtime/handler.ts';
import type { AppSocket } from '../../realtime/socket-server.ts';
import type { MeetingService } from '../meetings/service.ts';
import type { LiveService } from './service.ts';

export function liveHandlers(app: FastifyInstance, live: LiveService, meetings: MeetingService) {
  return (socket: AppSocket): void => {
    const user = () => socket.data.user;
    const on = socket.on.bind(socket) as (event: string, listener: (payload: unknown, ack: unknown) => void) => void;
    const versioned = (version: number) => ({ version });

    on(
      'meeting:join',
      socketHandler(socket, app.log, MeetingRef, async ({ meetingId }) => {
        const snapshot = await live.snapshot(user(), meetingId); // checks that this user may see the meeting
        await socket.join(rooms.meeting(meetingId));
        return snapshot;
      }),
    );
    on(
      'meeting:leave',
      socketHandler(socket, app.log, MeetingRef, async ({ meetingId }) => {
        await socket.leave(rooms.meeting(meetingId));
        return null;
      }),
    );
    on('meeting:snapshot', socketHandler(socket, app.log, MeetingRef, ({ meetingId }) => live.snapshot(user(), meetingId)));
    on('meeting:start', socketHandler(socket, app.log, MeetingRef, async ({ meetingId }) => versioned((await meetings.transition(user(), meetingId, 'in_session')).version)));
    on('meeting:close', socketHandler(socket, app.log, MeetingRef, async ({ meetingId }) => versioned((await meetings.transition(user(), meetingId, 'closed')).version)));

    on('attendance:checkIn', socketHandler(socket, app.log, MeetingRef, async ({ meetingId }) => versioned(await live.checkIn(user(), meetingId))));
    on('attendance:mark', socketHandler(socket, app.log, AttendanceMark, async (input) => versioned(await live.markAttendance(user(), input))));

    on('agenda:open', socketHandler(socket, app.log, AgendaOpen, async ({ meetingId, itemId }) => versioned(await live.openItem(user(), meetingId, itemId))));
    on('agenda:next', socketHandler(socket, app.log, MeetingRef, async ({ meetingId }) => versioned(await live.nextItem(user(), meetingId))));

    on('presentation:show', socketHandler(socket, app.log, PresentationShow, async (input) => versioned(await live.showDocument(user(), input))));
    on('presentation:page', socketHandler(socket, app.log, PresentationPage, async (input) => versioned(await live.turnPage(user(), input))));
    on('presentation:stop', socketHandler(socket, app.log, MeetingRef, async ({ meetingId }) => versioned(await live.stopPresenting(user(), meetingId))));

    on('speaker:request', socketHandler(socket, app.log, SpeakerRequest, async ({ meetingId, topic }) => versioned(await live.requestToSpeak(user(), meetingId, topic))));
    on('speaker:withdraw', socketHandler(socket, app.log, SpeakerRef, async ({ meetingId, requestId }) => versioned(await live.withdraw(user(), meetingId, requestId))));
    on('speaker:give', socketHandler(socket, app.log, SpeakerRef, async ({ meetingId, requestId }) => versioned(await live.giveFloor(user(), meetingId, requestId))));
    on('speaker:timer', socketHandler(socket, app.log, SpeakerTimer, async ({ meetingId, requestId, running }) => versioned(await live.setTimer(user(), meetingId, requestId, running))));
    on('speaker:finish', socketHandler(socket, app.log, SpeakerRef, async ({ meetingId, requestId }) => versioned(await live.finishSpeaker(user(), meetingId, requestId))));
    on('speaker:reorder', socketHandler(socket, app.log, SpeakerReorder, async ({ meetingId, requestIds }) => versioned(await live.reorderSpeakers(user(), meetingId, requestIds))));
  };
}
