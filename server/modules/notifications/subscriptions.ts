import type { FastifyBaseLogger } from 'fastify';
import type { DomainEvents } from '../../events.ts';
import type { NotificationService } from './service.ts';

/** Domain events that become notifications. */
export function subscribeNotifications(events: DomainEvents, notifications: NotificationService, log: FastifyBaseLogger): void {
  events.on('meeting.published', ({ meetingId, title, participantUserIds }) => {
    notifications
      .notify(participantUserIds, { kind: 'meeting.published', title: `Cuộc họp đã được phát hành: ${title}`, meetingId })
      .catch((error: unknown) => log.error({ err: error, meetingId }, 'could not store publish notifications'));
  });
}
