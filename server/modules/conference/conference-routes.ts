/**
 * REST side of the conference: what the page needs before joining (may I
 * join, as what) and the setting the secretariat prepares with the meeting
 * (endpoints wait for the chair's admission). Everything live goes over the
 * socket (conference-sockets.ts).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ConferenceDescription, ConferenceSettingsEnvelope, ConferenceSettingsPatch } from '../../contract/conference-realtime.ts';
import { ConferencePointsEnvelope, EndpointConferencesEnvelope } from '../../contract/conference.ts';
import { MeetingParams } from '../../contract/meetings.ts';
import { requireUser } from '../../plugins/session.ts';
import type { ConferenceService } from './conference-service.ts';
import type { EndpointService } from './endpoints-service.ts';

export function conferenceRoutes(service: ConferenceService, endpoints: EndpointService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/conferences/mine', { preHandler: requireUser, schema: { response: { 200: EndpointConferencesEnvelope } } }, async (request) => ({ conferences: await service.endpointConferences(request.session!.user) }));
    app.get('/meetings/:meetingId/conference', { preHandler: requireUser, schema: { params: MeetingParams, response: { 200: ConferenceDescription } } }, async (request) =>
      service.describe(request.session!.user, request.params.meetingId),
    );
    app.get('/meetings/:meetingId/conference/points', { preHandler: requireUser, schema: { params: MeetingParams, response: { 200: ConferencePointsEnvelope } } }, async (request) => {
      const user = request.session!.user;
      return { points: await service.points(user, request.params.meetingId, await endpoints.listForMeeting(user, request.params.meetingId)) };
    });
    app.patch('/meetings/:meetingId/conference', { preHandler: requireUser, schema: { params: MeetingParams, body: ConferenceSettingsPatch, response: { 200: ConferenceSettingsEnvelope } } }, async (request) => ({
      settings: await service.updateSettings(request.session!.user, request.params.meetingId, request.body),
    }));
  };
}
