import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { NoContent } from '../../contract/common.ts';
import {
  Agenda,
  AgendaItemCreate,
  AgendaItemEnvelope,
  AgendaItemsEnvelope,
  AgendaItemUpdate,
  AgendaReorder,
  MeetingCreate,
  MeetingEnvelope,
  MeetingItemParams,
  MeetingListQuery,
  MeetingPage,
  MeetingParams,
  MeetingParticipantParams,
  MeetingTransition,
  MeetingUpdate,
  ParticipantAdd,
  ParticipantEnvelope,
  ParticipantListEnvelope,
  ParticipantUpdate,
} from '../../contract/meetings.ts';
import { requireUser } from '../../plugins/session.ts';
import type { MeetingService } from './service.ts';

/** Permissions are decided per meeting in the service (see access.ts); routes only require a session. */
export const meetingRoutes = (service: MeetingService): FastifyPluginAsyncTypebox => async (app) => {
  app.addHook('preHandler', requireUser);
  const me = (request: { session: { user: Parameters<MeetingService['get']>[0] } | null }) => request.session!.user;

  app.get('/meetings', { schema: { querystring: MeetingListQuery, response: { 200: MeetingPage } } }, async (request) => service.list(me(request), request.query));
  app.post('/meetings', { schema: { body: MeetingCreate, response: { 201: MeetingEnvelope } } }, async (request, reply) =>
    reply.status(201).send({ meeting: await service.create(me(request), request.body) }),
  );
  app.get('/meetings/:meetingId', { schema: { params: MeetingParams, response: { 200: MeetingEnvelope } } }, async (request) => ({
    meeting: await service.get(me(request), request.params.meetingId),
  }));
  app.patch('/meetings/:meetingId', { schema: { params: MeetingParams, body: MeetingUpdate, response: { 200: MeetingEnvelope } } }, async (request) => ({
    meeting: await service.update(me(request), request.params.meetingId, request.body),
  }));
  app.post('/meetings/:meetingId/status', { schema: { params: MeetingParams, body: MeetingTransition, response: { 200: MeetingEnvelope } } }, async (request) => {
    const meeting = await service.transition(me(request), request.params.meetingId, request.body.to);
    request.log.info({ meetingId: meeting.id, status: meeting.status, by: me(request).id }, 'meeting status changed');
    return { meeting };
  });

  app.get('/meetings/:meetingId/participants', { schema: { params: MeetingParams, response: { 200: ParticipantListEnvelope } } }, async (request) => ({
    participants: await service.listParticipants(me(request), request.params.meetingId),
  }));
  app.post('/meetings/:meetingId/participants', { schema: { params: MeetingParams, body: ParticipantAdd, response: { 201: ParticipantEnvelope } } }, async (request, reply) =>
    reply.status(201).send({ participant: await service.addParticipant(me(request), request.params.meetingId, request.body) }),
  );
  app.patch(
    '/meetings/:meetingId/participants/:participantId',
    { schema: { params: MeetingParticipantParams, body: ParticipantUpdate, response: { 200: ParticipantEnvelope } } },
    async (request) => ({
      participant: await service.updateParticipant(me(request), request.params.meetingId, request.params.participantId, request.body),
    }),
  );
  app.delete('/meetings/:meetingId/participants/:participantId', { schema: { params: MeetingParticipantParams, response: { 204: NoContent } } }, async (request, reply) => {
    await service.removeParticipant(me(request), request.params.meetingId, request.params.participantId);
    return reply.status(204).send();
  });

  app.get('/meetings/:meetingId/agenda', { schema: { params: MeetingParams, response: { 200: Agenda } } }, async (request) => service.listAgenda(me(request), request.params.meetingId));
  app.post('/meetings/:meetingId/agenda', { schema: { params: MeetingParams, body: AgendaItemCreate, response: { 201: AgendaItemEnvelope } } }, async (request, reply) =>
    reply.status(201).send({ item: await service.addAgendaItem(me(request), request.params.meetingId, request.body) }),
  );
  app.put('/meetings/:meetingId/agenda/order', { schema: { params: MeetingParams, body: AgendaReorder, response: { 200: AgendaItemsEnvelope } } }, async (request) => ({
    items: await service.reorderAgenda(me(request), request.params.meetingId, request.body.itemIds),
  }));
  app.patch('/meetings/:meetingId/agenda/:itemId', { schema: { params: MeetingItemParams, body: AgendaItemUpdate, response: { 200: AgendaItemEnvelope } } }, async (request) => ({
    item: await service.updateAgendaItem(me(request), request.params.meetingId, request.params.itemId, request.body),
  }));
  app.delete('/meetings/:meetingId/agenda/:itemId', { schema: { params: MeetingItemParams, response: { 204: NoContent } } }, async (request, reply) => {
    await service.removeAgendaItem(me(request), request.params.meetingId, request.params.itemId);
    return reply.status(204).send();
  });
};
