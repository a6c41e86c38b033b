/**
 * Shapes of the notifications API (the bell): the list with its unread count
 * and marking as read. A notification itself (NotificationDto) is also pushed
 * live as `notification:new`.
 */
import Type, { type Static } from 'typebox';
import { Uuid } from './common.ts';
import { NotificationDto } from './documents.ts';

export { NotificationDto } from './documents.ts';

export const NotificationListQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) }, { additionalProperties: false });
export type NotificationListQuery = Static<typeof NotificationListQuery>;

/** Which to mark as read; none named: all of the caller's. */
export const MarkRead = Type.Object({ ids: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 500 })) }, { additionalProperties: false });
export type MarkRead = Static<typeof MarkRead>;

/** The newest notifications, and how many of all the caller's are unread. */
export const NotificationList = Type.Object({ notifications: Type.Array(NotificationDto), unread: Type.Integer() });
export type NotificationList = Static<typeof NotificationList>;

/** How many were unread and are read now. */
export const MarkReadAnswer = Type.Object({ marked: Type.Integer() });
export type MarkReadAnswer = Static<typeof MarkReadAnswer>;
