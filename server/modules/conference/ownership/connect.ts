/**
 * Wires the conference's ownership: with REDIS_URL, two Redis connections
 * (commands and publishing; subscribing), this process's random id, the
 * leases and the bus; without it, a routing that keeps everything here.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { createClient } from 'redis';
import type { Config } from '../../../config.ts';
import type { DomainEvents } from '../../../events.ts';
import type { AppServer } from '../../../realtime/socket-server.ts';
import type { ConferenceBindings } from '../conference-sockets.ts';
import type { ConferenceService } from '../conference-service.ts';
import type { RecordingService } from '../recording/recording-service.ts';
import { ConferenceBus } from './bus.ts';
import { ConferenceRouting, type OwnerHooks, type OwnershipLink } from './conference-routing.ts';
import { OwnerLeases } from './leases.ts';

type Context = { config: Config; io: AppServer; log: FastifyBaseLogger; events: DomainEvents };

type Agenda = { currentItemId: string | null; items: { itemId: string; title: string }[] };
const currentOf = (agenda: Agenda) => {
  const item = agenda.items.find((i) => i.itemId === agenda.currentItemId);
  return item === undefined ? null : { itemId: item.itemId, title: item.title };
};

export async function connectOwnership(
  { config, io, log, events }: Context,
  service: ConferenceService,
  recording: RecordingService,
  bindings: ConferenceBindings,
  disconnected: (socketId: string) => void,
): Promise<ConferenceRouting> {
  const hooks: OwnerHooks = {
    disconnected,
    idle: (meetingId) => service.room(meetingId) === undefined && service.presence.get(meetingId) === undefined,
    stepDown: (meetingId) => {
      const room = service.room(meetingId);
      // Closing says 'room-closed' to each peer, which a client takes as the end; the new owner's watch tells them to rejoin instead.
      room?.removeAllListeners('peerLeft');
      room?.close();
      service.presence.drop(meetingId);
      bindings.dropMeeting(meetingId);
    },
    event: ({ meetingId, event }) => {
      if (event.name === 'live.floorGiven') {
        service.liveFloorGiven(meetingId, event.userId);
      } else if (event.name === 'live.agenda') {
        recording.agendaChanged(meetingId, event.item);
      } else {
        recording.meetingEnded(meetingId);
        service.endConference(meetingId);
      }
    },
    query: async (meetingId, query) => {
      switch (query.name) {
        case 'points':
          return service.rollCall.points(meetingId, query.endpoints, service.room(meetingId), service.presence);
        case 'admission':
          // the setting is saved already; here it reaches the lobby and those present
          await service.chair.applyAdmissionRequired(meetingId, service.presence.of(meetingId), query.required, query.decidedBy);
          return null;
        case 'recording':
          return query.action === 'start' ? recording.start(query.user, meetingId) : recording.stop(query.user, meetingId);
      }
    },
  };
  if (config.redisUrl === undefined) return new ConferenceRouting(io, log, null, hooks);

  const redis = createClient({ url: config.redisUrl });
  const subscriber = redis.duplicate();
  for (const client of [redis, subscriber]) client.on('error', (err: unknown) => log.error({ err }, 'conference redis connection error'));
  await Promise.all([redis.connect(), subscriber.connect()]);
  // Processes of one deployment share one database: its name scopes the keys (tests run many deployments on one Redis).
  const scope = createHash('sha256')
    .update(config.databaseUrl ?? config.dataDir)
    .digest('hex')
    .slice(0, 12);
  const processId = randomBytes(9).toString('base64url');
  const link: OwnershipLink = {
    leases: new OwnerLeases(redis, scope, processId),
    bus: new ConferenceBus(redis, subscriber, scope, processId, log),
    quit: async () => {
      await Promise.allSettled([redis.quit(), subscriber.quit()]);
    },
  };
  const routing = new ConferenceRouting(io, log, link, hooks);
  await routing.start();
  // What happens in the live meeting on this process reaches the conference's owner (whose own listeners act on it).
  events.on('live.floorGiven', ({ meetingId, userId }) => void routing.tellOwner(meetingId, { name: 'live.floorGiven', userId }));
  events.on('live.updated', ({ meetingId, update }) => {
    if (update.section === 'agenda') void routing.tellOwner(meetingId, { name: 'live.agenda', item: currentOf(update.value) });
  });
  events.on('meeting.changed', ({ meetingId, change }) => {
    if (change === 'status:closed') void routing.tellOwner(meetingId, { name: 'meeting.closed' });
  });
  return routing;
}
