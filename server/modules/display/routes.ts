/**
 * REST of the hall display. Two audiences: the wall screen itself (no login,
 * its device cookie) under /display/*, and the meeting's secretariat (their
 * session) under /meetings/:meetingId/displays.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NoContent, PdfFile } from '../../contract/common.ts';
import { ConferencePointsEnvelope } from '../../contract/conference.ts';
import {
  DISPLAY_COOKIE,
  DisplayConfirm,
  DisplayEnvelope,
  DisplayListEnvelope,
  DisplayReassign,
  DisplayStateEnvelope,
  MeetingDisplayParams,
  PairingEnvelope,
  PairingRequest,
  PresentationFileQuery,
} from '../../contract/display.ts';
import { MeetingParams } from '../../contract/meetings.ts';
import { PollListEnvelope } from '../../contract/votes.ts';
import { AppError } from '../../errors.ts';
import { sendFile } from '../../lib/http/send-file.ts';
import { auditSuccessfulRoutes } from '../../plugins/audit-request.ts';
import { requireUser } from '../../plugins/session.ts';
import type { DisplayModule } from './index.ts';

const YEAR_SECONDS = 365 * 24 * 60 * 60;

function setDeviceCookie(app: FastifyInstance, reply: FastifyReply, token: string): void {
  // Strict: the screen's own pages and socket send it, nothing from another site does.
  reply.setCookie(DISPLAY_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: app.config.publicUrl.protocol === 'https:',
    maxAge: YEAR_SECONDS,
  });
}

const deviceToken = (request: FastifyRequest) => request.cookies[DISPLAY_COOKIE];

export function displayRoutes({ screens, service }: DisplayModule): FastifyPluginAsyncTypebox {
  return async (app) => {
    const screen = { type: 'display', param: 'displayId' };
    auditSuccessfulRoutes(app, {
      'POST /meetings/:meetingId/displays': { action: 'display.paired' },
      'PUT /meetings/:meetingId/displays/:displayId': { action: 'display.moved', target: screen },
      'DELETE /meetings/:meetingId/displays/:displayId': { action: 'display.unpaired', target: screen },
    });
    // — the wall screen —
    app.post('/display/pairings', { schema: { body: PairingRequest, response: { 201: PairingEnvelope } } }, async (request, reply) => {
      const { pairing, newToken } = await screens.requestPairing(deviceToken(request));
      if (newToken !== undefined) setDeviceCookie(app, reply, newToken);
      return reply.status(201).header('cache-control', 'no-store').send({ pairing });
    });

    app.get('/display/state', { schema: { response: { 200: DisplayStateEnvelope } } }, async (request, reply) => {
      const display = await screens.require(deviceToken(request));
      return reply.header('cache-control', 'no-store').send({ state: await screens.state(display) });
    });

    app.get('/display/polls', { schema: { response: { 200: PollListEnvelope } } }, async (request, reply) => {
      const display = await screens.require(deviceToken(request));
      return reply.header('cache-control', 'no-store').send({ polls: await screens.polls(display) });
    });

    app.get('/display/points', { schema: { response: { 200: ConferencePointsEnvelope } } }, async (request, reply) => {
      const display = await screens.require(deviceToken(request));
      return reply.header('cache-control', 'no-store').send({ points: await screens.points(display) });
    });

    app.get('/display/presentation/file', { schema: { querystring: PresentationFileQuery, response: { 200: PdfFile, 206: PdfFile } } }, async (request, reply) => {
      const display = await screens.require(deviceToken(request));
      const file = await screens.presentedFile(display, request.query);
      // Ranges, as the documents' file route: pdf.js fetches the presented page first.
      return sendFile(request, reply, file.path, {
        ranges: true,
        notFound: () => new AppError(404, 'displayNotPresenting'),
        headers: {
          'content-type': 'application/pdf',
          'content-disposition': 'inline',
          // Never kept by the wall's browser, whatever the level: the next request is checked against what is presented then
          // (and a confidential page must not linger in a shared screen's cache).
          'cache-control': 'private, no-store',
          // The level the wall marks the page with (GET /display/state tells it too, before the file is fetched).
          'x-document-confidentiality': file.confidentiality,
          'x-content-type-options': 'nosniff',
        },
      });
    });

    // — the secretariat —
    app.get('/meetings/:meetingId/displays', { preHandler: requireUser, schema: { params: MeetingParams, response: { 200: DisplayListEnvelope } } }, async (request) => ({
      displays: await service.list(request.session!.user, request.params.meetingId),
    }));
    app.post('/meetings/:meetingId/displays', { preHandler: requireUser, schema: { params: MeetingParams, body: DisplayConfirm, response: { 201: DisplayEnvelope } } }, async (request, reply) =>
      reply.status(201).send({ display: await service.confirm(request.session!.user, request.params.meetingId, request.body) }),
    );
    app.put('/meetings/:meetingId/displays/:displayId', { preHandler: requireUser, schema: { params: MeetingDisplayParams, body: DisplayReassign, response: { 200: DisplayEnvelope } } }, async (request) => ({
      display: await service.reassign(request.session!.user, request.params.meetingId, request.params.displayId, request.body),
    }));
    app.delete('/meetings/:meetingId/displays/:displayId', { preHandler: requireUser, schema: { params: MeetingDisplayParams, response: { 204: NoContent } } }, async (request, reply) => {
      await service.unpair(request.session!.user, request.params.meetingId, request.params.displayId);
      return reply.status(204).send();
    });
  };
}
