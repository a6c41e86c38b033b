/** Typed calls of the notifications API (the bell). Answers are typed by the routes' response schemas. */
import type { MarkReadAnswer, NotificationList } from '$contract/notifications.ts';
import { api } from './client.ts';

export type { NotificationList };

export const notificationsApi = {
  list: (limit = 30) => api.get<NotificationList>('/notifications', { query: { limit } }),
  markRead: (ids?: string[]) => api.post<MarkReadAnswer>('/notifications/read', ids === undefined ? {} : { ids }),
};
