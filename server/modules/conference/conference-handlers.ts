/**
 * Socket handlers of the video conference: one per `conference:*` event, each
 * validated with its contract schema, rate-limited and answered through its
 * ack (socketHandler); the service checks the caller's role and what its peer
 * owns. Also delivers the service's pushes to the conference's socket rooms
 * and turns a socket's disconnect into the service's grace period.
 *
 * A socket takes part in at most one conference at a time (joining another
 * leaves the first).
 */
import type { FastifyInstance } from 'fastify';
import {
  ConferenceConnectTransport,
  ConferenceConsume,
  ConferenceConsumerRef,
  ConferenceCreateTransport,
  ConferenceJoin,
  ConferenceMute,
  ConferencePeerRef,
  ConferenceProduce,
  ConferenceProducerRef,
  ConferenceRaiseHand,
  ConferenceRef,
  ConferenceSetAdmission,
  ConferenceSetPreferredLayers,
  ConferenceSetRtpCapabilities,
  ConferenceSetViewMode,
  ConferenceSpotlight,
  ConferenceTransportRef,
  conferenceRooms,
} from '../../contract/conference-realtime.ts';
import { AppError } from '../../errors.ts';
import { socketHandler } from '../../realtime/handler.ts';
import type { AppServer, AppSocket } from '../../realtime/socket-server.ts';
import type * as ms from 'mediasoup/types';
import type { ConferenceService, PushTarget } from './conference-service.ts';

type Binding = { meetingId: string; userId: string };

export function conferenceHandlers(app: FastifyInstance, service: ConferenceService) {
  /** socket id → the conference it takes part in */
  const bindings = new Map<string, Binding>();
  let wired = false;

  const roomsOf = (meetingId: string, userId: string) => [conferenceRooms.all(meetingId), conferenceRooms.chairs(meetingId), conferenceRooms.peer(meetingId, userId)];

  /** Push delivery and detaching, set up once the Socket.io server exists. */
  function wire(io: AppServer): void {
    if (wired) return;
    wired = true;
    const roomFor = (meetingId: string, target: PushTarget) =>
      target.to === 'all' ? conferenceRooms.all(meetingId) : target.to === 'chairs' ? conferenceRooms.chairs(meetingId) : conferenceRooms.peer(meetingId, target.userId);
    service.on('push', ({ meetingId, target, event, payload }) => {
      (io.to(roomFor(meetingId, target)).emit as (event: string, payload: unknown) => boolean)(event, payload);
    });
    service.on('detach', ({ meetingId, userId, exceptConnectionId, reason }) => {
      const ids = io.sockets.adapter.rooms.get(conferenceRooms.peer(meetingId, userId));
      for (const id of [...(ids ?? [])]) {
        if (id === exceptConnectionId) continue;
        const socket = io.sockets.sockets.get(id);
        if (!socket) continue;
        if (reason === 'replaced') socket.emit('conference:peerLeft', { meetingId, peerId: userId, reason });
        for (const room of roomsOf(meetingId, userId)) void socket.leave(room);
        const binding = bindings.get(id);
        if (binding?.meetingId === meetingId) bindings.delete(id);
      }
    });
  }

  return (socket: AppSocket): void => {
    wire(app.io);
    const user = () => socket.data.user;
    const on = socket.on.bind(socket) as (event: string, listener: (payload: unknown, ack: unknown) => void) => void;
    /** the caller must have joined this meeting's conference on this socket */
    const bound = (meetingId: string): string => {
      const binding = bindings.get(socket.id);
      if (binding?.meetingId !== meetingId) throw new AppError(404, 'notFound');
      return binding.userId;
    };
    const leaveCurrent = async () => {
      const binding = bindings.get(socket.id);
      if (!binding) return;
      bindings.delete(socket.id);
      await service.leave(binding.userId, binding.meetingId, socket.id);
      for (const room of roomsOf(binding.meetingId, binding.userId)) await socket.leave(room);
    };

    on(
      'conference:join',
      socketHandler(socket, app.log, ConferenceJoin, async ({ meetingId, rtpCapabilities }) => {
        const current = bindings.get(socket.id);
        if (current !== undefined && current.meetingId !== meetingId) await leaveCurrent();
        const userId = user().id;
        const result = await service.join(user(), meetingId, socket.id, rtpCapabilities as ms.RtpCapabilities | undefined, async ({ peer, all, chairs }) => {
          bindings.set(socket.id, { meetingId, userId });
          const rooms = [peer && conferenceRooms.peer(meetingId, userId), all && conferenceRooms.all(meetingId), chairs && conferenceRooms.chairs(meetingId)].filter(
            (r): r is string => typeof r === 'string',
          );
          await socket.join(rooms);
          // from a peer back to the lobby: stop hearing the conference
          if (!all) await socket.leave(conferenceRooms.all(meetingId));
          if (!chairs) await socket.leave(conferenceRooms.chairs(meetingId));
        });
        return result;
      }),
    );
    on(
      'conference:leave',
      socketHandler(socket, app.log, ConferenceRef, async ({ meetingId }) => {
        if (bindings.get(socket.id)?.meetingId === meetingId) await leaveCurrent();
        return null;
      }),
    );

    on(
      'conference:setRtpCapabilities',
      socketHandler(socket, app.log, ConferenceSetRtpCapabilities, async ({ meetingId, rtpCapabilities }) =>
        service.setRtpCapabilities(bound(meetingId), meetingId, socket.id, rtpCapabilities as ms.RtpCapabilities),
      ),
    );
    on(
      'conference:createTransport',
      socketHandler(socket, app.log, ConferenceCreateTransport, async ({ meetingId, direction, forceTcp }) =>
        service.createTransport(bound(meetingId), meetingId, socket.id, direction, forceTcp === true),
      ),
    );
    on(
      'conference:connectTransport',
      socketHandler(socket, app.log, ConferenceConnectTransport, async ({ meetingId, transportId, dtlsParameters }) =>
        service.connectTransport(bound(meetingId), meetingId, socket.id, transportId, dtlsParameters as ms.DtlsParameters),
      ),
    );
    on(
      'conference:restartIce',
      socketHandler(socket, app.log, ConferenceTransportRef, async ({ meetingId, transportId }) => service.restartIce(bound(meetingId), meetingId, socket.id, transportId)),
    );
    on(
      'conference:produce',
      socketHandler(socket, app.log, ConferenceProduce, async ({ meetingId, transportId, kind, rtpParameters, source, paused }) =>
        service.produce(bound(meetingId), meetingId, socket.id, { transportId, kind, rtpParameters: rtpParameters as ms.RtpParameters, source, paused }),
      ),
    );
    on(
      'conference:closeProducer',
      socketHandler(socket, app.log, ConferenceProducerRef, async ({ meetingId, producerId }) => service.closeProducer(bound(meetingId), meetingId, socket.id, producerId)),
    );
    on(
      'conference:pauseProducer',
      socketHandler(socket, app.log, ConferenceProducerRef, async ({ meetingId, producerId }) => service.pauseProducer(bound(meetingId), meetingId, socket.id, producerId)),
    );
    on(
      'conference:resumeProducer',
      socketHandler(socket, app.log, ConferenceProducerRef, async ({ meetingId, producerId }) => service.resumeProducer(bound(meetingId), meetingId, socket.id, producerId)),
    );
    on(
      'conference:consume',
      socketHandler(socket, app.log, ConferenceConsume, async ({ meetingId, producerId }) => service.consume(bound(meetingId), meetingId, socket.id, producerId)),
    );
    on(
      'conference:resumeConsumer',
      socketHandler(socket, app.log, ConferenceConsumerRef, async ({ meetingId, consumerId }) => service.resumeConsumer(bound(meetingId), meetingId, socket.id, consumerId)),
    );
    on(
      'conference:pauseConsumer',
      socketHandler(socket, app.log, ConferenceConsumerRef, async ({ meetingId, consumerId }) => service.pauseConsumer(bound(meetingId), meetingId, socket.id, consumerId)),
    );
    on(
      'conference:setPreferredLayers',
      socketHandler(socket, app.log, ConferenceSetPreferredLayers, async ({ meetingId, consumerId, spatialLayer, temporalLayer }) =>
        service.setPreferredLayers(bound(meetingId), meetingId, socket.id, consumerId, spatialLayer, temporalLayer),
      ),
    );
    on(
      'conference:setViewMode',
      socketHandler(socket, app.log, ConferenceSetViewMode, async ({ meetingId, mode }) => service.setViewMode(bound(meetingId), meetingId, socket.id, mode)),
    );
    on(
      'conference:raiseHand',
      socketHandler(socket, app.log, ConferenceRaiseHand, async ({ meetingId, raised }) => service.raiseHand(bound(meetingId), meetingId, socket.id, raised)),
    );

    // chair controls
    on('conference:admit', socketHandler(socket, app.log, ConferencePeerRef, async ({ meetingId, peerId }) => service.admit(bound(meetingId), meetingId, socket.id, peerId)));
    on('conference:remove', socketHandler(socket, app.log, ConferencePeerRef, async ({ meetingId, peerId }) => service.remove(bound(meetingId), meetingId, socket.id, peerId)));
    on(
      'conference:mute',
      socketHandler(socket, app.log, ConferenceMute, async ({ meetingId, peerId, sources }) => service.mute(bound(meetingId), meetingId, socket.id, peerId, sources)),
    );
    on('conference:unmute', socketHandler(socket, app.log, ConferencePeerRef, async ({ meetingId, peerId }) => service.unmute(bound(meetingId), meetingId, socket.id, peerId)));
    on('conference:giveFloor', socketHandler(socket, app.log, ConferencePeerRef, async ({ meetingId, peerId }) => service.giveFloor(bound(meetingId), meetingId, socket.id, peerId)));
    on('conference:spotlight', socketHandler(socket, app.log, ConferenceSpotlight, async ({ meetingId, peerId }) => service.spotlight(bound(meetingId), meetingId, socket.id, peerId)));
    on(
      'conference:setAdmission',
      socketHandler(socket, app.log, ConferenceSetAdmission, async ({ meetingId, required }) => service.setAdmissionRequired(bound(meetingId), meetingId, socket.id, required)),
    );

    socket.on('disconnect', () => {
      const binding = bindings.get(socket.id);
      if (!binding) return;
      bindings.delete(socket.id);
      service.disconnected(binding.userId, binding.meetingId, socket.id);
    });
  };
}
