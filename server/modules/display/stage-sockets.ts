/**
 * The wall's receive-only view of its meeting's conference, on the `/display`
 * namespace: `stage:watch` (only the meeting the screen is paired to, read
 * fresh: it may have moved) and the media calls of its viewer, each
 * validated with the participants' contract schemas and run by the
 * conference module's display viewers on this connection's own viewer. The
 * send side is in the table only to be refused: a wall never produces.
 */
import type * as ms from 'mediasoup/types';
import {
  ConferenceConnectTransport,
  ConferenceConsume,
  ConferenceConsumerRef,
  ConferenceCreateTransport,
  ConferenceProduce,
  ConferenceProducerRef,
  ConferenceRef,
  ConferenceSetRtpCapabilities,
  ConferenceTransportRef,
} from '../../contract/conference-realtime.ts';
import type { DisplayClientToServerEvents } from '../../contract/display.ts';
import type { WallStageClientToServerEvents } from '../../contract/display-stage.ts';
import { AppError } from '../../errors.ts';
import type { SocketTable } from '../../realtime/socket-table.ts';
import type { DisplaySocket } from './namespace.ts';
import type { DisplayScreens } from './screens.ts';
import type { WallViewers } from './service.ts';

type StageTable = SocketTable<DisplayClientToServerEvents, DisplaySocket> & { [E in keyof WallStageClientToServerEvents]: unknown };

const neverSends = async (): Promise<never> => {
  throw new AppError(403, 'forbidden');
};

export function stageSockets(screens: DisplayScreens, viewers: WallViewers): StageTable {
  return {
    'stage:watch': {
      schema: ConferenceRef,
      run: async ({ meetingId }, socket) => {
        await screens.assertShows(socket.data.displayId, meetingId);
        // pushes go to this connection only (it owns the viewer)
        return viewers.watch(socket.data.displayId, socket.id, meetingId, (event, ...payload) => socket.emit(event, ...payload));
      },
    },
    'stage:leave': {
      schema: ConferenceRef,
      run: async (_input, socket) => {
        viewers.leave(socket.id);
        return null;
      },
    },
    // mediasoup's shapes: the contract schemas check what the server relies on, mediasoup checks the rest
    'conference:setRtpCapabilities': {
      schema: ConferenceSetRtpCapabilities,
      run: ({ meetingId, rtpCapabilities }, socket) => viewers.setRtpCapabilities(socket.id, meetingId, rtpCapabilities as ms.RtpCapabilities),
    },
    'conference:createTransport': {
      schema: ConferenceCreateTransport,
      run: ({ meetingId, direction, forceTcp }, socket) => viewers.createTransport(socket.id, meetingId, direction, forceTcp === true),
    },
    'conference:connectTransport': {
      schema: ConferenceConnectTransport,
      run: ({ meetingId, transportId, dtlsParameters }, socket) => viewers.connectTransport(socket.id, meetingId, transportId, dtlsParameters as ms.DtlsParameters),
    },
    'conference:restartIce': { schema: ConferenceTransportRef, run: ({ meetingId, transportId }, socket) => viewers.restartIce(socket.id, meetingId, transportId) },
    'conference:consume': { schema: ConferenceConsume, run: ({ meetingId, producerId }, socket) => viewers.consume(socket.id, meetingId, producerId) },
    'conference:resumeConsumer': { schema: ConferenceConsumerRef, run: ({ meetingId, consumerId }, socket) => viewers.resumeConsumer(socket.id, meetingId, consumerId) },
    'conference:produce': { schema: ConferenceProduce, run: neverSends },
    'conference:closeProducer': { schema: ConferenceProducerRef, run: neverSends },
  };
}
