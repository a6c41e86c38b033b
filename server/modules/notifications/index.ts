/**
 * The notifications module: in-app notifications stored per user and pushed
 * to their open sockets. Owns the notifications table; others notify through
 * NotificationService or by the domain events it subscribes to.
 */
import { rooms } from '../../contract/realtime.ts';
import { defineModule } from '../module.ts';
import { notificationRoutes } from './routes.ts';
import { NotificationService } from './service.ts';
import { subscribeNotifications } from './subscriptions.ts';

export const notificationsModule = defineModule<Record<string, never>, NotificationService>({
  name: 'notifications',
  create: ({ db, events }) => new NotificationService(db, events),
  routes: (service) => notificationRoutes(service),
  subscribe: (service, { events, io, log }) => {
    subscribeNotifications(events, service, log);
    events.on('notifications.created', ({ items }) => {
      for (const { userId, notification } of items) io.to(rooms.user(userId)).emit('notification:new', notification);
    });
  },
});

export { NotificationService } from './service.ts';
