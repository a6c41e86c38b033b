import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { Uuid } from '../../contract/identity.ts';
import { requireUser } from '../../plugins/session.ts';
import type { NotificationService } from './service.ts';

const MarkRead = Type.Object({ ids: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 500 })) }, { additionalProperties: false });
const ListQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) }, { additionalProperties: false });

export function notificationRoutes(service: NotificationService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('preHandler', requireUser);
    app.get('/notifications', { schema: { querystring: ListQuery } }, async (request) => service.list(request.session!.user.id, request.query.limit));
    app.post('/notifications/read', { schema: { body: MarkRead } }, async (request) => ({
      marked: await service.markRead(request.session!.user.id, request.body.ids),
    }));
  };
}
