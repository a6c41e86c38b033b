/**
 * REST for conference recordings: the chair starts and stops; participants
 * of the meeting list recordings, read their chapters (JSON, or WebVTT for a
 * <track kind="chapters">) and stream the file with range requests (the
 * <video> element seeks by asking for ranges). Anybody else is told the
 * meeting does not exist, and a recording is only found under its own meeting.
 * Starting and stopping run on the process that owns the meeting's
 * conference (its ffmpeg reads that process's room), whichever serves the request.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { FileBody } from '../../../contract/common.ts';
import { MeetingParams } from '../../../contract/meetings.ts';
import { RecordingDto, RecordingEnvelope, RecordingParams, RecordingsEnvelope } from '../../../contract/recording.ts';
import { AppError } from '../../../errors.ts';
import { sendFile } from '../../../lib/http/send-file.ts';
import { auditSuccessfulRoutes } from '../../../plugins/audit-request.ts';
import { requireUser } from '../../../plugins/session.ts';
import { chaptersVtt } from './chapters-vtt.ts';
import type { ConferenceRouting } from '../ownership/conference-routing.ts';
import type { RecordingService } from './recording-service.ts';

const WebmFile = FileBody('video/webm');
const RECORDING_TIMEOUT_MS = 30_000;
const VttFile = FileBody('text/vtt');

export function recordingRoutes(service: RecordingService, routing: ConferenceRouting): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('preHandler', requireUser);
    const me = (request: FastifyRequest) => request.session!.user;
    const onOwner = (request: FastifyRequest, meetingId: string, action: 'start' | 'stop') => {
      const user = me(request);
      // ffmpeg's start (a key frame awaited) and stop (the file finalised) take longer than a signalling call
      return routing.onOwner(meetingId, { name: 'recording', action, user }, RecordingDto, () => (action === 'start' ? service.start(user, meetingId) : service.stop(user, meetingId)), RECORDING_TIMEOUT_MS);
    };
    auditSuccessfulRoutes(app, {
      'POST /meetings/:meetingId/recordings': { action: 'conference.chair' },
      'POST /meetings/:meetingId/recordings/stop': { action: 'conference.chair' },
    });

    app.get('/meetings/:meetingId/recordings', { schema: { params: MeetingParams, response: { 200: RecordingsEnvelope } } }, async (request) => service.list(me(request), request.params.meetingId));

    app.post('/meetings/:meetingId/recordings', { schema: { params: MeetingParams, response: { 201: RecordingEnvelope } } }, async (request, reply) =>
      reply.status(201).send({ recording: await onOwner(request, request.params.meetingId, 'start') }),
    );

    app.post('/meetings/:meetingId/recordings/stop', { schema: { params: MeetingParams, response: { 200: RecordingEnvelope } } }, async (request) => ({
      recording: await onOwner(request, request.params.meetingId, 'stop'),
    }));

    app.get('/meetings/:meetingId/recordings/:recordingId', { schema: { params: RecordingParams, response: { 200: RecordingEnvelope } } }, async (request) => ({
      recording: await service.get(me(request), request.params.meetingId, request.params.recordingId),
    }));

    app.get('/meetings/:meetingId/recordings/:recordingId/chapters.vtt', { schema: { params: RecordingParams, response: { 200: VttFile } } }, async (request, reply) => {
      const recording = await service.get(me(request), request.params.meetingId, request.params.recordingId);
      return reply.header('content-type', 'text/vtt; charset=utf-8').header('cache-control', 'private, no-store').send(chaptersVtt(recording.chapters));
    });

    app.get('/meetings/:meetingId/recordings/:recordingId/file', { schema: { params: RecordingParams, response: { 200: WebmFile, 206: WebmFile } } }, async (request, reply) => {
      const file = await service.file(me(request), request.params.meetingId, request.params.recordingId);
      return sendFile(request, reply, file, {
        ranges: true,
        highWaterMark: 512 * 1024,
        notFound: () => new AppError(404, 'recordingNotFound'),
        headers: { 'content-type': 'video/webm', 'cache-control': 'private, no-store', 'x-content-type-options': 'nosniff' },
      });
    });
  };
}
