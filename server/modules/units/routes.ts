import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams, UnitCreate, UnitEnvelope, UnitListEnvelope, UnitUpdate } from '../../contract/identity.ts';
import { requireRole } from '../../plugins/session.ts';
import type { UnitService } from './service.ts';

/** Units are read by the secretariat (to pick participants) and changed by admins only. */
export const unitRoutes = (service: UnitService): FastifyPluginAsyncTypebox => async (app) => {
  const readers = requireRole('admin', 'secretary');
  const admins = requireRole('admin');

  app.get('/units', { preHandler: readers, schema: { response: { 200: UnitListEnvelope } } }, async () => ({ units: await service.list() }));

  app.get('/units/:id', { preHandler: readers, schema: { params: IdParams, response: { 200: UnitEnvelope } } }, async (request) => ({
    unit: await service.get(request.params.id),
  }));

  app.post('/units', { preHandler: admins, schema: { body: UnitCreate, response: { 201: UnitEnvelope } } }, async (request, reply) => {
    const unit = await service.create(request.body);
    request.log.info({ unitId: unit.id, by: request.session!.user.id }, 'unit created');
    request.audit('unit.created', { targetType: 'unit', targetId: unit.id, details: { name: unit.name, parentId: unit.parentId } });
    return reply.status(201).send({ unit });
  });

  app.patch('/units/:id', { preHandler: admins, schema: { params: IdParams, body: UnitUpdate, response: { 200: UnitEnvelope } } }, async (request) => {
    const unit = await service.update(request.params.id, request.body);
    request.log.info({ unitId: unit.id, by: request.session!.user.id }, 'unit updated');
    request.audit('unit.updated', { targetType: 'unit', targetId: unit.id, details: { fields: Object.keys(request.body).join(','), parentId: unit.parentId, active: unit.active } });
    return { unit };
  });
};
