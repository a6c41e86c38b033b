import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { MarkRead, MarkReadAnswer, NotificationList, NotificationListQuery } from '../../contract/notifications.ts';
import { requireUser } from '../../plugins/session.ts';
import type { NotificationService } from './service.ts';

export function notificationRoutes(service: NotificationService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('preHandler', requireUser);
    app.get('/notifications', { schema: { querystring: NotificationListQuery, response: { 200: NotificationList } } }, async (request) =>
      service.list(request.session!.user.id, request.query.limit),
    );
    app.post('/notifications/read', { schema: { body: MarkRead, response: { 200: MarkReadAnswer } } }, async (request) => ({
      marked: await service.markRead(request.session!.user.id, request.body.ids),
    }));
  };
}
