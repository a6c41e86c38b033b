import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AgendaItemCreate,
  AgendaItemUpdate,
  AgendaReorder,
  MeetingCreate,
  MeetingItemParams,
  MeetingListQuery,
  MeetingParams,
  MeetingParticipantParams,
  MeetingTransition,
  MeetingUpdate,
  ParticipantAdd,
  ParticipantUpdate,
} from '../../contract/meetings.ts';
import { requireUser } from '../../plugins/session.ts';
import type { MeetingService } from './service.ts';

/** Permissions are decided per meeting in the service (see access.ts); routes only require a session. */
export const meetingRoutes = (service: MeetingService): FastifyPluginAsyncTypebox => async (app) => {
  app.addHook('preHandler', requireUser);
  const me = (request: { session: { user: Parameters<MeetingService['get']>[0] } | null }) => request.session!.user;

  app.get('/meetings', { schema: { querystring: MeetingListQuery } }, async (request) => service.list(me(request), request.query));
  app.post('/meetings', { schema: { body: MeetingCreate } }, async (request, reply) =>
    reply.status(201).send({ meeting: await service.create(me(request), request.body) }),
  );
  app.get('/meetings/:meetingId', { schema: { params: MeetingParams } }, async (request) => ({
    meeting: await service.get(me(request), request.params.meetingId),
  }));
  app.patch('/meetings/:meetingId', { schema: { params: MeetingParams, body: MeetingUpdate } }, async (request) => ({
    meeting: await service.update(me(request), request.params.meetingId, request.body),
  }));
  app.post('/meetings/:meetingId/status', { schema: { params: MeetingParams, body: MeetingTransition } }, async (request) => {
    const meeting = await service.transition(me(request), request.params.meetingId, request.body.to);
    request.log.info({ meetingId: meeting.id, status: meeting.status, by: me(request).id }, 'meeting status changed');
    return { meeting };
  });

  app.get('/meetings/:meetingId/participants', { schema: { params: MeetingParams } }, async (request) => ({
    participants: await service.listParticipants(me(request), request.params.meetingId),
  }));
  app.post('/meetings/:meetingId/participants', { schema: { params: MeetingParams, body: ParticipantAdd } }, async (request, reply) =>
    reply.status(201).send({ participant: await service.addParticipant(me(request), request.params.meetingId, request.body) }),
  );
  app.patch('/meetings/:meetingId/participants/:participantId', { schema: { params: MeetingParticipantParams, body: ParticipantUpdate } }, async (request) => ({
    participant: await service.updateParticipant(me(request), request.params.meetingId, request.params.participantId, request.body),
  }));
  app.delete('/meetings/:meetingId/participants/:participantId', { schema: { params: MeetingParticipantParams } }, async (request, reply) => {
    await service.removeParticipant(me(request), request.params.meetingId, request.params.participantId);
    return reply.status(204).send();
  });

  app.get('/meetings/:meetingId/agenda', { schema: { params: MeetingParams } }, async (request) => service.listAgenda(me(request), request.params.meetingId));
  app.post('/meetings/:meetingId/agenda', { schema: { params: MeetingParams, body: AgendaItemCreate } }, async (request, reply) =>
    reply.status(201).send({ item: await service.addAgendaItem(me(request), request.params.meetingId, request.body) }),
  );
  app.put('/meetings/:meetingId/agenda/order', { schema: { params: MeetingParams, body: AgendaReorder } }, async (request) => ({
    items: await service.reorderAgenda(me(request), request.params.meetingId, request.body.itemIds),
  }));
  app.patch('/meetings/:meetingId/agenda/:itemId', { schema: { params: MeetingItemParams, body: AgendaItemUpdate } }, async (request) => ({
    item: await service.updateAgendaItem(me(request), request.params.meetingId, request.params.itemId, request.body),
  }));
  app.delete('/meetings/:meetingId/agenda/:itemId', { schema: { params: MeetingItemParams } }, async (request, reply) => {
    await service.removeAgendaItem(me(request), request.params.meetingId, request.params.itemId);
    return reply.status(204).send();
  });
};
