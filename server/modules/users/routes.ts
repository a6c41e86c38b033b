import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { NoContent } from '../../contract/common.ts';
import { IdParams, PasswordReset, UserCreate, UserEnvelope, UserListQuery, UserPage, UserUpdate } from '../../contract/identity.ts';
import { requireRole } from '../../plugins/session.ts';
import type { UserService } from './service.ts';

/** The secretariat reads users (to invite them); only admins change them. */
export const userRoutes = (service: UserService): FastifyPluginAsyncTypebox => async (app) => {
  const readers = requireRole('admin', 'secretary');
  const admins = requireRole('admin');

  app.get('/users', { preHandler: readers, schema: { querystring: UserListQuery, response: { 200: UserPage } } }, async (request) => service.list(request.query));

  app.get('/users/:id', { preHandler: readers, schema: { params: IdParams, response: { 200: UserEnvelope } } }, async (request) => ({
    user: await service.get(request.params.id),
  }));

  app.post('/users', { preHandler: admins, schema: { body: UserCreate, response: { 201: UserEnvelope } } }, async (request, reply) => {
    const user = await service.create(request.body);
    request.log.info({ userId: user.id, by: request.session!.user.id }, 'user created');
    request.audit('user.created', { targetType: 'user', targetId: user.id, details: { username: user.username, role: user.role, unitId: user.unitId } });
    return reply.status(201).send({ user });
  });

  app.patch('/users/:id', { preHandler: admins, schema: { params: IdParams, body: UserUpdate, response: { 200: UserEnvelope } } }, async (request) => {
    const user = await service.update(request.params.id, request.body, request.session!.user.id);
    request.log.info({ userId: user.id, by: request.session!.user.id, fields: Object.keys(request.body) }, 'user updated');
    request.audit('user.updated', { targetType: 'user', targetId: user.id, details: { fields: Object.keys(request.body).join(','), role: user.role, unitId: user.unitId, active: user.active } });
    return { user };
  });

  app.post('/users/:id/password', { preHandler: admins, schema: { params: IdParams, body: PasswordReset, response: { 204: NoContent } } }, async (request, reply) => {
    await service.resetPassword(request.params.id, request.body.password);
    request.log.info({ userId: request.params.id, by: request.session!.user.id }, 'password reset');
    request.audit('user.passwordReset', { targetType: 'user', targetId: request.params.id });
    return reply.status(204).send();
  });
};
