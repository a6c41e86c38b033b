/**
 * Socket handlers of the video conference: one per `conference:*` event,
 * each validated with its contract schema and answered through its ack; the
 * service checks the caller's role and what its peer owns. Also delivers the
 * service's pushes to the conference's socket rooms and turns a socket's
 * disconnect into the service's grace period.
 *
 * A socket takes part in at most one conference at a time (joining another
 * leaves the first).
 *
 * With several app processes these run on the conference's owner
 * (ownership/conference-routing.ts), the socket possibly held by another
 * process: handlers use only what a ConferenceCaller has (id, user, joining
 * and leaving rooms), and what they do to sockets goes through the adapter.
 */
import type * as ms from 'mediasoup/types';
import {
  ConferenceJoin,
  ConferenceMute,
  ConferencePeerRef,
  ConferenceRaiseHand,
  ConferenceRef,
  ConferenceSetAdmission,
  ConferenceSpotlight,
  conferenceRooms,
} from '../../contract/conference-realtime.ts';
import { AppError } from '../../errors.ts';
import type { AppServer, AppSocket } from '../../realtime/socket-server.ts';
import type { UserSocketTable } from '../module.ts';
import type { ConferenceService, PushTarget } from './conference-service.ts';
import { mediaProxySockets } from './media-proxy.ts';
import type { ConferenceCaller } from './ownership/caller.ts';
import type { ConferenceRouting } from './ownership/conference-routing.ts';

type Binding = { meetingId: string; userId: string };

const roomsOf = (meetingId: string, userId: string) => [conferenceRooms.all(meetingId), conferenceRooms.chairs(meetingId), conferenceRooms.peer(meetingId, userId)];

/** Which conference each socket takes part in (socket id → binding). */
export class ConferenceBindings {
  readonly #bindings = new Map<string, Binding>();

  get(socketId: string): Binding | undefined {
    return this.#bindings.get(socketId);
  }

  set(socketId: string, binding: Binding): void {
    this.#bindings.set(socketId, binding);
  }

  delete(socketId: string): void {
    this.#bindings.delete(socketId);
  }

  /** Forgets the sockets bound to this peer (all but `exceptSocketId`). */
  detach(meetingId: string, userId: string, exceptSocketId?: string): void {
    for (const [socketId, binding] of [...this.#bindings]) {
      if (socketId !== exceptSocketId && binding.meetingId === meetingId && binding.userId === userId) this.#bindings.delete(socketId);
    }
  }

  /** Forgets every socket bound to this meeting (this process no longer owns its conference). */
  dropMeeting(meetingId: string): void {
    for (const [socketId, binding] of [...this.#bindings]) if (binding.meetingId === meetingId) this.#bindings.delete(socketId);
  }

  /** The peer this socket joined `meetingId` as; anything else is not found. */
  bound(socketId: string, meetingId: string): string {
    const binding = this.#bindings.get(socketId);
    if (binding?.meetingId !== meetingId) throw new AppError(404, 'notFound');
    return binding.userId;
  }
}

async function leaveCurrent(service: ConferenceService, bindings: ConferenceBindings, socket: ConferenceCaller): Promise<void> {
  const binding = bindings.get(socket.id);
  if (!binding) return;
  bindings.delete(socket.id);
  await service.leave(binding.userId, binding.meetingId, socket.id);
  for (const room of roomsOf(binding.meetingId, binding.userId)) await socket.leave(room);
}

export function conferenceSockets(service: ConferenceService, bindings: ConferenceBindings): UserSocketTable {
  const bound = (socket: AppSocket, meetingId: string) => bindings.bound(socket.id, meetingId);
  return {
    'conference:join': {
      schema: ConferenceJoin,
      run: async ({ meetingId, rtpCapabilities }, socket) => {
        const current = bindings.get(socket.id);
        if (current !== undefined && current.meetingId !== meetingId) await leaveCurrent(service, bindings, socket);
        const userId = socket.data.user.id;
        return service.join(socket.data.user, meetingId, socket.id, rtpCapabilities as ms.RtpCapabilities | undefined, async ({ peer, all, chairs }) => {
          bindings.set(socket.id, { meetingId, userId });
          const rooms = [peer && conferenceRooms.peer(meetingId, userId), all && conferenceRooms.all(meetingId), chairs && conferenceRooms.chairs(meetingId)].filter(
            (r): r is string => typeof r === 'string',
          );
          await socket.join(rooms);
          // from a peer back to the lobby: stop hearing the conference
          if (!all) await socket.leave(conferenceRooms.all(meetingId));
          if (!chairs) await socket.leave(conferenceRooms.chairs(meetingId));
        });
      },
    },
    'conference:leave': {
      schema: ConferenceRef,
      run: async ({ meetingId }, socket) => {
        if (bindings.get(socket.id)?.meetingId === meetingId) await leaveCurrent(service, bindings, socket);
        return null;
      },
    },
    ...mediaProxySockets((socket, meetingId, work) => service.onOwnPeer(bound(socket, meetingId), meetingId, socket.id, work)),
    'conference:raiseHand': {
      schema: ConferenceRaiseHand,
      run: async ({ meetingId, raised }, socket) => service.raiseHand(bound(socket, meetingId), meetingId, socket.id, raised),
    },

    // chair controls
    'conference:admit': { schema: ConferencePeerRef, run: async ({ meetingId, peerId }, socket) => service.chair.admit(bound(socket, meetingId), meetingId, socket.id, peerId) },
    'conference:remove': { schema: ConferencePeerRef, run: async ({ meetingId, peerId }, socket) => service.chair.remove(bound(socket, meetingId), meetingId, socket.id, peerId) },
    'conference:mute': {
      schema: ConferenceMute,
      run: async ({ meetingId, peerId, sources }, socket) => service.chair.mute(bound(socket, meetingId), meetingId, socket.id, peerId, sources),
    },
    'conference:unmute': { schema: ConferencePeerRef, run: async ({ meetingId, peerId }, socket) => service.chair.unmute(bound(socket, meetingId), meetingId, socket.id, peerId) },
    'conference:giveFloor': { schema: ConferencePeerRef, run: async ({ meetingId, peerId }, socket) => service.chair.giveFloor(bound(socket, meetingId), meetingId, socket.id, peerId) },
    'conference:spotlight': { schema: ConferenceSpotlight, run: async ({ meetingId, peerId }, socket) => service.chair.spotlight(bound(socket, meetingId), meetingId, socket.id, peerId) },
    'conference:setAdmission': {
      schema: ConferenceSetAdmission,
      run: async ({ meetingId, required }, socket) => service.chair.setAdmissionRequired(bound(socket, meetingId), meetingId, socket.id, required),
    },
  };
}

/** A socket that goes away: its conference's owner (this process or another) hears of it. */
export function onConferenceSocket(routing: ConferenceRouting, socket: AppSocket): void {
  socket.on('disconnect', () => routing.socketGone(socket.id));
}

/** On the owner: a socket gone (here or on another process) starts its peer's grace period. */
export function conferenceSocketGone(service: ConferenceService, bindings: ConferenceBindings, socketId: string): void {
  const binding = bindings.get(socketId);
  if (!binding) return;
  bindings.delete(socketId);
  service.disconnected(binding.userId, binding.meetingId, socketId);
}

/**
 * The service's pushes reach the conference's socket rooms; a detached peer's
 * sockets leave them. Both go through the adapter, so sockets held by other
 * app processes hear and leave as this process's do.
 */
export function deliverConferencePushes(service: ConferenceService, bindings: ConferenceBindings, io: AppServer): void {
  const roomFor = (meetingId: string, target: PushTarget) =>
    target.to === 'all' ? conferenceRooms.all(meetingId) : target.to === 'chairs' ? conferenceRooms.chairs(meetingId) : conferenceRooms.peer(meetingId, target.userId);
  service.presence.on('push', ({ meetingId, target, deliver }) => deliver(io.to(roomFor(meetingId, target))));
  service.presence.on('detach', ({ meetingId, userId, exceptConnectionId, reason }) => {
    // every socket is in the room named by its id: `except` spares the connection that took over
    const peerRoom = conferenceRooms.peer(meetingId, userId);
    const sockets = exceptConnectionId === undefined ? io.in(peerRoom) : io.in(peerRoom).except(exceptConnectionId);
    if (reason === 'replaced') sockets.emit('conference:peerLeft', { meetingId, peerId: userId, reason });
    sockets.socketsLeave(roomsOf(meetingId, userId));
    bindings.detach(meetingId, userId, exceptConnectionId);
  });
}
