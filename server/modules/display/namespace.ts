/**
 * The `/display` Socket.io namespace on the app's server: wall screens
 * authenticated by their device cookie (not a user session; the engine's
 * same-origin check applies to every namespace), and only once a secretary
 * has confirmed them. A screen may join only the
 * meeting it is assigned to, receives that meeting's live and poll updates,
 * and is told at once when it is paired, moved or unpaired.
 */
import type { Namespace } from 'socket.io';
import { DISPLAY_COOKIE, DISPLAY_NAMESPACE, displayRooms, type DisplayClientToServerEvents, type DisplayServerToClientEvents } from '../../contract/display.ts';
import type { Locale } from '../../contract/identity.ts';
import { MeetingRef } from '../../contract/live.ts';
import { rooms } from '../../contract/realtime.ts';
import { pickLocale, translate } from '../../i18n/messages.ts';
import { SocketRouter, type SocketTable } from '../../realtime/socket-table.ts';
import type { ModuleContext } from '../module.ts';
import { displayHandler } from './handler.ts';
import type { DisplayModule } from './index.ts';
import type { DisplayScreens } from './screens.ts';
import { stageSockets } from './stage-sockets.ts';

export type DisplaySocketData = { displayId: string; locale: Locale };
export type DisplayNamespace = Namespace<DisplayClientToServerEvents, DisplayServerToClientEvents, Record<string, never>, DisplaySocketData>;

export class UnpairedDisplayError extends Error {
  readonly data = { code: 'displayUnpaired' };
}

const meetingRoomPrefix = rooms.meeting('');

export type DisplaySocket = Parameters<Parameters<DisplayNamespace['on']>[1]>[0];

/** What a paired screen may call: follow its own meeting, nothing else. */
function displaySockets(screens: DisplayScreens): SocketTable<DisplayClientToServerEvents, DisplaySocket> {
  const leaveMeetings = (socket: DisplaySocket) => {
    for (const room of socket.rooms) if (room.startsWith(meetingRoomPrefix)) void socket.leave(room);
  };
  return {
    'meeting:join': {
      schema: MeetingRef,
      run: async ({ meetingId }, socket) => {
        const snapshot = await screens.snapshot(socket.data.displayId, meetingId);
        leaveMeetings(socket);
        await socket.join(rooms.meeting(meetingId));
        return snapshot;
      },
    },
    'meeting:snapshot': { schema: MeetingRef, run: ({ meetingId }, socket) => screens.snapshot(socket.data.displayId, meetingId) },
    'meeting:leave': {
      schema: MeetingRef,
      run: async ({ meetingId }, socket) => {
        await socket.leave(rooms.meeting(meetingId));
        return null;
      },
    },
  };
}

export function attachDisplayNamespace(context: ModuleContext, { screens, service, viewers }: DisplayModule): DisplayNamespace {
  const { io, log, events, parseCookie } = context;
  // The app's Server is typed for user sockets; this namespace has its own events and socket data.
  const ns = io.of(DISPLAY_NAMESPACE) as unknown as DisplayNamespace;
  const router = new SocketRouter<DisplayClientToServerEvents, DisplaySocket>({
    handler: displayHandler,
    log,
    refuse: (socket, ack, code) => ack({ ok: false, error: { code, message: translate(code, socket.data.locale) } }),
  });
  router.add(displaySockets(screens));
  router.add(stageSockets(screens, viewers));

  ns.use((socket, next) => {
    const cookies = parseCookie(socket.request.headers.cookie ?? '');
    screens.authenticate(cookies[DISPLAY_COOKIE]).then(
      (display) => {
        // A screen nobody confirmed holds only a cookie anyone can get: it polls its state over REST until paired.
        if (display === undefined || display.pairedAt === null) return next(new UnpairedDisplayError('displayUnpaired'));
        socket.data = { displayId: display.id, locale: pickLocale(cookies.lang, socket.request.headers['accept-language']) };
        void socket.join(displayRooms.display(display.id));
        next();
      },
      (error: unknown) => {
        log.error({ err: error }, 'display socket authentication failed');
        next(new Error('internal'));
      },
    );
  });

  ns.on('connection', (socket) => {
    router.attach(socket);
    // its receive-only view of the conference ends with it
    socket.on('disconnect', () => viewers.leave(socket.id));
  });

  service.onChange(({ displayId, meetingId, previousMeetingId, removed }) => {
    if (removed || meetingId !== previousMeetingId) viewers.forgetDisplay(displayId);
    const screen = ns.to(displayRooms.display(displayId));
    if (previousMeetingId !== null && previousMeetingId !== meetingId) ns.in(displayRooms.display(displayId)).socketsLeave(rooms.meeting(previousMeetingId));
    screen.emit('display:assigned', { meetingId });
    // Unpaired: its token no longer works; cut it now rather than at its next call.
    if (removed) ns.in(displayRooms.display(displayId)).disconnectSockets(true);
  });

  service.setPresence(async (displayIds) => {
    const online = new Set<string>();
    await Promise.all(
      displayIds.map(async (id) => {
        if ((await ns.in(displayRooms.display(id)).fetchSockets()).length > 0) online.add(id);
      }),
    );
    return online;
  });

  // Same fan-out as the main namespace, to the screens following the meeting.
  events.on('live.updated', (message) => ns.to(rooms.meeting(message.meetingId)).emit('live:update', message));
  events.on('live.retracted', (message) => ns.to(rooms.meeting(message.meetingId)).emit('live:resync', message));
  events.on('poll.updated', (update) => ns.to(rooms.meeting(update.meetingId)).emit('poll:update', update));

  return ns;
}
