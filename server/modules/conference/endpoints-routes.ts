import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { EndpointCreate, EndpointEnvelope, EndpointListEnvelope, EndpointListQuery, EndpointParams, EndpointUpdate, MeetingEndpointBody, MeetingEndpointParams } from '../../contract/conference.ts';
import { MeetingParams } from '../../contract/meetings.ts';
import { requireRole, requireUser } from '../../plugins/session.ts';
import type { EndpointService } from './endpoints-service.ts';

export function endpointRoutes(service: EndpointService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const readers = requireRole('admin', 'secretary');
    const admins = requireRole('admin');

    app.get('/endpoints', { preHandler: readers, schema: { querystring: EndpointListQuery, response: { 200: EndpointListEnvelope } } }, async (request) => ({ endpoints: await service.list(request.query) }));
    app.post('/endpoints', { preHandler: admins, schema: { body: EndpointCreate, response: { 201: EndpointEnvelope } } }, async (request, reply) =>
      reply.status(201).send({ endpoint: await service.create(request.body) }),
    );
    app.patch('/endpoints/:endpointId', { preHandler: admins, schema: { params: EndpointParams, body: EndpointUpdate, response: { 200: EndpointEnvelope } } }, async (request) => ({
      endpoint: await service.update(request.params.endpointId, request.body),
    }));

    app.get('/meetings/:meetingId/endpoints', { preHandler: requireUser, schema: { params: MeetingParams, response: { 200: EndpointListEnvelope } } }, async (request) => ({
      endpoints: await service.listForMeeting(request.session!.user, request.params.meetingId),
    }));
    app.post('/meetings/:meetingId/endpoints', { preHandler: requireUser, schema: { params: MeetingParams, body: MeetingEndpointBody, response: { 201: EndpointListEnvelope } } }, async (request, reply) =>
      reply.status(201).send({ endpoints: await service.addToMeeting(request.session!.user, request.params.meetingId, request.body.endpointId) }),
    );
    app.delete('/meetings/:meetingId/endpoints/:endpointId', { preHandler: requireUser, schema: { params: MeetingEndpointParams, response: { 204: Type.Null() } } }, async (request, reply) => {
      await service.removeFromMeeting(request.session!.user, request.params.meetingId, request.params.endpointId);
      return reply.status(204).send(null);
    });
  };
}
