/**
 * The conference module: conference endpoints (điểm cầu) and a meeting's
 * video conference (lobby, admissions, chair controls) driving media/ (the
 * process's MediaService, started by the first join). Owns the endpoints
 * and conference-state tables; reads meetings, users and units through their
 * services (deps.ts).
 *
 * With several app processes (REDIS_URL), one process owns each meeting's
 * conference and the others forward their sockets' calls to it
 * (ownership/conference-routing.ts).
 */
import { defineModule } from '../module.ts';
import { conferenceRoutes } from './conference-routes.ts';
import { ConferenceService } from './conference-service.ts';
import type { ConferenceDeps } from './deps.ts';
import { auditSocketCalls } from '../../plugins/audit-request.ts';
import { ConferenceBindings, conferenceSocketGone, conferenceSockets, deliverConferencePushes, onConferenceSocket } from './conference-sockets.ts';
import { endpointRoutes } from './endpoints-routes.ts';
import Type from 'typebox';
import { ConferencePointDto } from '../../contract/conference.ts';
import { EndpointService } from './endpoints-service.ts';
import { MediaHost, mediaConfigFrom } from './media-host.ts';
import { connectOwnership } from './ownership/connect.ts';
import type { ConferenceRouting } from './ownership/conference-routing.ts';
import { iceServersFor } from './turn-credentials.ts';
import { DisplayViewers } from './display-viewer.ts';
import { NodePlacement } from './node-placement.ts';
import { createRecording } from './recording/recording-module.ts';
import { recordingRoutes } from './recording/recording-routes.ts';
import type { RecordingService } from './recording/recording-service.ts';

export type ConferenceModule = {
  media: MediaHost;
  service: ConferenceService;
  endpoints: EndpointService;
  bindings: ConferenceBindings;
  /** where each meeting's conference is owned (this process alone without Redis) */
  routing: ConferenceRouting;
  recording: RecordingService;
  /** the roll call of a meeting's points, for its paired hall display (no user: the pairing authorises the screen) */
  pointsForDisplay(meetingId: string): Promise<ConferencePointDto[]>;
  /** receive-only views of the stage for paired hall displays (the display module checks the pairing) */
  displayViewers: DisplayViewers;
};

export const conferenceModule = defineModule<ConferenceDeps, ConferenceModule>({
  name: 'conference',
  create: async ({ db, config, events, log, io }, deps) => {
    const media = new MediaHost(mediaConfigFrom(config.media), log, config.media.nodes);
    const service = new ConferenceService(db, deps, media, events, log, {
      iceServers: (userId) => iceServersFor(config.media.turn, userId),
      placement: new NodePlacement(config.media.nodes, deps.units),
    });
    const recording = createRecording({ db, config, events, log }, deps, service, media);
    const endpoints = new EndpointService(db, deps, [config.media.nodes.localName, ...config.media.nodes.list.map((node) => node.name)]);
    const bindings = new ConferenceBindings();
    const routing = await connectOwnership({ config, io, log, events }, service, recording, bindings, (socketId) => conferenceSocketGone(service, bindings, socketId));
    const pointsForDisplay = async (meetingId: string) => {
      const list = await endpoints.ofMeeting(meetingId);
      return routing.onOwner(meetingId, { name: 'points', endpoints: list }, Type.Array(ConferencePointDto), async () =>
        service.rollCall.points(meetingId, list, service.room(meetingId), service.presence),
      );
    };
    const displayViewers = new DisplayViewers(service, media, (id) => iceServersFor(config.media.turn, id), log);
    return { media, service, endpoints, bindings, routing, recording, pointsForDisplay, displayViewers };
  },
  routes:
    ({ service, endpoints, recording, routing }) =>
    async (app) => {
      await app.register(endpointRoutes(endpoints));
      await app.register(conferenceRoutes(service, endpoints, routing));
      await app.register(recordingRoutes(recording, routing));
    },
  sockets: ({ service, bindings, routing }, { events }) => {
    // The chair's controls go on the audit trail (server/modules/audit).
    const chair = (control: string) => (input: { meetingId: string; peerId?: string }) =>
      ({ action: 'conference.chair', meetingId: input.meetingId, targetType: 'user', targetId: input.peerId ?? null, details: { control } }) as const;
    // Calls run on the conference's owner; the trail is written here, where the caller's socket (and address) is.
    return auditSocketCalls(events, routing.wrap(conferenceSockets(service, bindings)), {
      'conference:admit': chair('admit'),
      'conference:remove': chair('remove'),
      'conference:mute': chair('mute'),
      'conference:unmute': chair('unmute'),
      'conference:giveFloor': chair('giveFloor'),
      'conference:spotlight': (input) => ({ ...chair('spotlight')({ meetingId: input.meetingId }), targetId: input.peerId }),
      'conference:setAdmission': (input) => ({ ...chair('setAdmission')(input), details: { control: 'setAdmission', required: input.required } }),
    });
  },
  onConnection: ({ routing }, socket) => onConferenceSocket(routing, socket),
  subscribe: ({ service, bindings }, { io }) => deliverConferencePushes(service, bindings, io),
  close: async ({ service, media, recording, routing, displayViewers }) => {
    // ffmpeg first (it closes the files), then the rooms it reads from
    await recording.close();
    displayViewers.close();
    // the leases go at once: another process takes the conferences over without waiting for them to lapse
    await routing.close();
    // Socket.io (and its adapter's Redis) closed before the modules: what the rooms say as they close reaches
    // nobody here, and published through a closed adapter it would only fail.
    service.presence.removeAllListeners('push');
    service.presence.removeAllListeners('detach');
    service.close();
    media.close();
  },
});

export { ConferenceService } from './conference-service.ts';
export { MediaHost } from './media-host.ts';
export type { DisplayViewers, WallPush } from './display-viewer.ts';
