import { index, pgTable, text } from 'drizzle-orm/pg-core';
import { documents } from './documents.ts';
import { users } from './identity.ts';
import { meetings } from './meetings.ts';
import { idColumn, instant, stampedAt, requiredRef, optionalRef } from './columns.ts';

/** In-app notifications (publishing, document updates), pushed live and listed with an unread count. */
export const notifications = pgTable(
  'notifications',
  {
    id: idColumn(),
    userId: requiredRef('user_id', () => users.id, 'cascade'),
    meetingId: optionalRef('meeting_id', () => meetings.id, 'cascade'),
    documentId: optionalRef('document_id', () => documents.id, 'cascade'),
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    createdAt: stampedAt('created_at'),
    readAt: instant('read_at'),
  },
  (t) => [index('notifications_user_idx').on(t.userId, t.createdAt)],
);
