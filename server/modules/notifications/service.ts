/**
 * In-app notifications: stored per user (so nothing is missed while offline),
 * pushed live through a domain event the socket layer turns into
 * `notification:new`, and listed with an unread count.
 */
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { NotificationDto, NotificationList } from '../../contract/notifications.ts';
import type { Db } from '../../db/client.ts';
import { notifications } from '../../db/schema/notifications.ts';
import type { DomainEvents } from '../../events.ts';

type NotificationRow = typeof notifications.$inferSelect;

function toDto(row: NotificationRow): NotificationDto {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    meetingId: row.meetingId,
    documentId: row.documentId,
    createdAt: row.createdAt.toISOString(),
    read: row.readAt !== null,
  };
}

export type NewNotification = { kind: string; title: string; meetingId?: string | null; documentId?: string | null };

export class NotificationService {
  readonly #db: Db;
  readonly #events: DomainEvents;

  constructor(db: Db, events: DomainEvents) {
    this.#db = db;
    this.#events = events;
  }

  async notify(userIds: string[], notification: NewNotification): Promise<void> {
    const unique = [...new Set(userIds)];
    if (unique.length === 0) return;
    const rows = await this.#db
      .insert(notifications)
      .values(unique.map((userId) => ({ userId, kind: notification.kind, title: notification.title, meetingId: notification.meetingId ?? null, documentId: notification.documentId ?? null })))
      .returning();
    this.#events.emit('notifications.created', { items: rows.map((row) => ({ userId: row.userId, notification: toDto(row) })) });
  }

  async list(userId: string, limit = 50): Promise<NotificationList> {
    const rows = await this.#db.select().from(notifications).where(eq(notifications.userId, userId)).orderBy(desc(notifications.createdAt)).limit(limit);
    const unread = await this.#db.$count(notifications, and(eq(notifications.userId, userId), isNull(notifications.readAt)));
    return { notifications: rows.map(toDto), unread };
  }

  /** Marks the given notifications (or all) of this user as read; other users' ids are ignored. */
  async markRead(userId: string, ids: string[] | undefined): Promise<number> {
    const rows = await this.#db
      .update(notifications)
      .set({ readAt: sql`now()` })
      .where(and(eq(notifications.userId, userId), isNull(notifications.readAt), ids === undefined ? undefined : inArray(notifications.id, ids)))
      .returning({ id: notifications.id });
    return rows.length;
  }
}
