/**
 * The signaling calls that act on the caller's own peer, as one table: each
 * names its contract schema and what it asks of media/'s Peer. The socket
 * module runs them on the peer the caller's connection owns (media/ then
 * checks that the transport, producer or consumer named belongs to it), and
 * media/'s errors become error acks the user can read.
 */
import type * as ms from 'mediasoup/types';
import type { TSchema } from 'typebox';
import { MediaError, type Peer } from '../../../media/index.ts';
import {
  ConferenceConnectTransport,
  ConferenceConsume,
  ConferenceConsumerRef,
  ConferenceCreateTransport,
  ConferenceProduce,
  ConferenceProducerRef,
  ConferenceSetPreferredLayers,
  ConferenceSetRtpCapabilities,
  ConferenceSetViewMode,
  ConferenceTransportRef,
  type ConferenceClientToServerEvents,
} from '../../contract/conference-realtime.ts';
import type { ClientToServerEvents } from '../../contract/realtime.ts';
import { AppError } from '../../errors.ts';
import type { AppSocket } from '../../realtime/socket-server.ts';
import type { AckDataOf, PayloadOf, SocketEntry } from '../../realtime/socket-table.ts';
import type { UserSocketTable } from '../module.ts';

/** MediaError → an error ack the user can read; anything else stays as it is. */
export function toAppError(error: unknown): unknown {
  if (!(error instanceof MediaError)) return error;
  switch (error.code) {
    case 'not-found':
      return new AppError(404, 'notFound');
    case 'not-owner':
    case 'forbidden':
      return new AppError(403, 'forbidden');
    case 'invalid':
      return new AppError(400, 'validation');
    case 'closed':
      // the peer must join again (worker lost, removed, replaced)
      return new AppError(409, 'notFound');
    case 'unavailable':
      return new AppError(503, 'internal');
    default:
      return error;
  }
}

/** Runs work on media/, its errors translated. */
export async function media<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toAppError(error);
  }
}

/** Runs work on the peer the caller's socket joined `meetingId` as (or refuses: not found). */
export type OnOwnPeer = <T>(socket: AppSocket, meetingId: string, work: (peer: Peer) => T | Promise<T>) => Promise<T>;

type PeerWork<E extends keyof ConferenceClientToServerEvents> = (
  peer: Peer,
  payload: PayloadOf<ClientToServerEvents, E>,
) => AckDataOf<ClientToServerEvents, E> | Promise<AckDataOf<ClientToServerEvents, E>>;

const canSend = (peer: Peer) => peer.permissions.canProduceAudio || peer.permissions.canProduceVideo || peer.permissions.canShareScreen;

/** The socket handlers of the calls on the caller's own peer. */
export function mediaProxySockets(onOwnPeer: OnOwnPeer): UserSocketTable {
  const call = <E extends keyof ConferenceClientToServerEvents>(schema: TSchema, work: PeerWork<E>): SocketEntry<ClientToServerEvents, E, AppSocket> => ({
    schema,
    run: (payload, socket) => onOwnPeer(socket, payload.meetingId, (peer) => work(peer, payload)),
  });
  // mediasoup's shapes: the contract schemas check what the server relies on, mediasoup checks the rest.
  return {
    'conference:setRtpCapabilities': call(ConferenceSetRtpCapabilities, (peer, { rtpCapabilities }) => {
      peer.setRtpCapabilities(rtpCapabilities as ms.RtpCapabilities);
      return null;
    }),
    'conference:createTransport': call(ConferenceCreateTransport, (peer, { direction, forceTcp }) => {
      if (direction === 'send' && !canSend(peer)) throw new AppError(403, 'forbidden');
      return peer.createWebRtcTransport({ direction, forceTcp: forceTcp === true });
    }),
    'conference:connectTransport': call(ConferenceConnectTransport, async (peer, { transportId, dtlsParameters }) => {
      await peer.connectTransport(transportId, dtlsParameters as ms.DtlsParameters);
      return null;
    }),
    'conference:restartIce': call(ConferenceTransportRef, async (peer, { transportId }) => ({ iceParameters: await peer.restartIce(transportId) })),
    'conference:produce': call(ConferenceProduce, (peer, { transportId, kind, rtpParameters, source, paused }) =>
      peer.produce({ transportId, kind, rtpParameters: rtpParameters as ms.RtpParameters, appData: { source }, paused: paused === true }),
    ),
    'conference:closeProducer': call(ConferenceProducerRef, (peer, { producerId }) => {
      peer.closeProducer(producerId);
      return null;
    }),
    'conference:pauseProducer': call(ConferenceProducerRef, async (peer, { producerId }) => {
      await peer.pauseProducer(producerId);
      return null;
    }),
    'conference:resumeProducer': call(ConferenceProducerRef, async (peer, { producerId }) => {
      await peer.resumeProducer(producerId);
      return null;
    }),
    'conference:consume': call(ConferenceConsume, (peer, { producerId }) => peer.consume(producerId)),
    'conference:resumeConsumer': call(ConferenceConsumerRef, async (peer, { consumerId }) => {
      await peer.resumeConsumer(consumerId);
      return null;
    }),
    'conference:pauseConsumer': call(ConferenceConsumerRef, async (peer, { consumerId }) => {
      await peer.pauseConsumer(consumerId);
      return null;
    }),
    'conference:setPreferredLayers': call(ConferenceSetPreferredLayers, async (peer, { consumerId, spatialLayer, temporalLayer }) => {
      await peer.setConsumerPreferredLayers(consumerId, spatialLayer, temporalLayer);
      return null;
    }),
    'conference:setViewMode': call(ConferenceSetViewMode, async (peer, { mode }) => {
      await peer.setViewMode(mode);
      return null;
    }),
  };
}
