/**
 * The conference module: conference endpoints (điểm cầu) and a meeting's
 * video conference (lobby, admissions, chair controls) driving media/ (the
 * process's MediaService, started by the first join). Owns the endpoints
 * and conference-state tables; reads meetings, users and units through their
 * services (deps.ts).
 */
import { defineModule } from '../module.ts';
import { conferenceRoutes } from './conference-routes.ts';
import { ConferenceService } from './conference-service.ts';
import type { ConferenceDeps } from './deps.ts';
import { auditSocketCalls } from '../../plugins/audit-request.ts';
import { ConferenceBindings, conferenceSockets, deliverConferencePushes, onConferenceSocket } from './conference-sockets.ts';
import { endpointRoutes } from './endpoints-routes.ts';
import type { ConferencePointDto } from '../../contract/conference.ts';
import { EndpointService } from './endpoints-service.ts';
import { MediaHost, mediaConfigFrom } from './media-host.ts';
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
  recording: RecordingService;
  /** the roll call of a meeting's points, for its paired hall display (no user: the pairing authorises the screen) */
  pointsForDisplay(meetingId: string): Promise<ConferencePointDto[]>;
  /** receive-only views of the stage for paired hall displays (the display module checks the pairing) */
  displayViewers: DisplayViewers;
};

export const conferenceModule = defineModule<ConferenceDeps, ConferenceModule>({
  name: 'conference',
  create: ({ db, config, events, log }, deps) => {
    const media = new MediaHost(mediaConfigFrom(config.media), log, config.media.nodes);
    const service = new ConferenceService(db, deps, media, events, log, {
      iceServers: (userId) => iceServersFor(config.media.turn, userId),
      placement: new NodePlacement(config.media.nodes, deps.units),
    });
    const recording = createRecording({ db, config, events, log }, deps, service, media);
    const endpoints = new EndpointService(db, deps, [config.media.nodes.localName, ...config.media.nodes.list.map((node) => node.name)]);
    const pointsForDisplay = async (meetingId: string) => service.rollCall.points(meetingId, await endpoints.ofMeeting(meetingId), service.room(meetingId), service.presence);
    const displayViewers = new DisplayViewers(service, media, (id) => iceServersFor(config.media.turn, id), log);
    return { media, service, endpoints, bindings: new ConferenceBindings(), recording, pointsForDisplay, displayViewers };
  },
  routes:
    ({ service, endpoints, recording }) =>
    async (app) => {
      await app.register(endpointRoutes(endpoints));
      await app.register(conferenceRoutes(service, endpoints));
      await app.register(recordingRoutes(recording));
    },
  sockets: ({ service, bindings }, { events }) => {
    // The chair's controls go on the audit trail (server/modules/audit).
    const chair = (control: string) => (input: { meetingId: string; peerId?: string }) =>
      ({ action: 'conference.chair', meetingId: input.meetingId, targetType: 'user', targetId: input.peerId ?? null, details: { control } }) as const;
    return auditSocketCalls(events, conferenceSockets(service, bindings), {
      'conference:admit': chair('admit'),
      'conference:remove': chair('remove'),
      'conference:mute': chair('mute'),
      'conference:unmute': chair('unmute'),
      'conference:giveFloor': chair('giveFloor'),
      'conference:spotlight': (input) => ({ ...chair('spotlight')({ meetingId: input.meetingId }), targetId: input.peerId }),
      'conference:setAdmission': (input) => ({ ...chair('setAdmission')(input), details: { control: 'setAdmission', required: input.required } }),
    });
  },
  onConnection: ({ service, bindings }, socket) => onConferenceSocket(service, bindings, socket),
  subscribe: ({ service, bindings }, { io }) => deliverConferencePushes(service, bindings, io),
  close: async ({ service, media, recording, displayViewers }) => {
    // ffmpeg first (it closes the files), then the rooms it reads from
    await recording.close();
    displayViewers.close();
    service.close();
    media.close();
  },
});

export { ConferenceService } from './conference-service.ts';
export { MediaHost } from './media-host.ts';
export type { DisplayViewers, WallPush } from './display-viewer.ts';
