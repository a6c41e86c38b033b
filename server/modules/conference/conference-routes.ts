/**
 * REST side of the conference: what the page needs before joining (may I
 * join, as what) and the setting the secretariat prepares with the meeting
 * (endpoints wait for the chair's admission). Everything live goes over the
 * socket (conference-sockets.ts). With several app processes, what only the
 * conference's owner knows (the roll call's live states) or holds (the lobby,
 * those present) is asked of it (ownership/conference-routing.ts).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ConferenceDescription, ConferenceSettingsEnvelope, ConferenceSettingsPatch } from '../../contract/conference-realtime.ts';
import Type from 'typebox';
import { ConferencePointDto, ConferencePointsEnvelope, EndpointConferencesEnvelope } from '../../contract/conference.ts';
import { MeetingParams } from '../../contract/meetings.ts';
import { requireUser } from '../../plugins/session.ts';
import type { ConferenceService } from './conference-service.ts';
import type { EndpointService } from './endpoints-service.ts';
import type { ConferenceRouting } from './ownership/conference-routing.ts';

const Points = Type.Array(ConferencePointDto);

export function conferenceRoutes(service: ConferenceService, endpoints: EndpointService, routing: ConferenceRouting): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/conferences/mine', { preHandler: requireUser, schema: { response: { 200: EndpointConferencesEnvelope } } }, async (request) => ({ conferences: await service.endpointConferences(request.session!.user) }));
    app.get('/meetings/:meetingId/conference', { preHandler: requireUser, schema: { params: MeetingParams, response: { 200: ConferenceDescription } } }, async (request) =>
      service.describe(request.session!.user, request.params.meetingId),
    );
    app.get('/meetings/:meetingId/conference/points', { preHandler: requireUser, schema: { params: MeetingParams, response: { 200: ConferencePointsEnvelope } } }, async (request) => {
      const user = request.session!.user;
      const { meetingId } = request.params;
      const list = await endpoints.listForMeeting(user, meetingId);
      // authorises the user; its live states are this process's, right when it owns the conference
      const here = await service.points(user, meetingId, list);
      return { points: await routing.onOwner(meetingId, { name: 'points', endpoints: list }, Points, async () => here) };
    });
    app.patch('/meetings/:meetingId/conference', { preHandler: requireUser, schema: { params: MeetingParams, body: ConferenceSettingsPatch, response: { 200: ConferenceSettingsEnvelope } } }, async (request) => {
      const user = request.session!.user;
      const { meetingId } = request.params;
      const settings = await service.updateSettings(user, meetingId, request.body);
      // saved and announced; the owner applies it to its lobby and to those present (a no-op here when this process owns it)
      await routing.onOwner(meetingId, { name: 'admission', required: request.body.requireAdmission, decidedBy: user.id }, Type.Null(), async () => null);
      return { settings };
    });
  };
}
