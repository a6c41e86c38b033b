/**
 * Domain events: services say what happened; the socket layer (and later
 * audit, notifications) decide who hears about it. Keeps services free of
 * Socket.io and lets several listeners react to one change.
 */
import { EventEmitter } from 'node:events';
import type { AnnotationDto } from './contract/annotations.ts';
import type { AuditRecord } from './contract/audit.ts';
import type { NotificationDto } from './contract/documents.ts';
import type { LiveUpdateMessage } from './contract/live.ts';
import type { SessionRevokedReason } from './contract/realtime.ts';

export type DomainEventMap = {
  /** a poll opened, closed, was published or got a ballot: counts only, never choices */
  'poll.updated': [{ meetingId: string; pollId: string; status: 'draft' | 'open' | 'closed' | 'published' | 'cancelled'; cast: number; eligible: number }];
  /** a document got a new current version (notes on the old one are carried over) */
  'document.versionAdded': [{ documentId: string; fromVersion: number; toVersion: number }];
  /** a reader's access to a document was revoked: their open viewer closes it */
  'document.revoked': [{ documentId: string; userId: string }];
  /** one of a user's annotations changed (their other devices follow) */
  'annotations.changed': [{ userId: string; annotation: AnnotationDto }];
  /**
   * a section of a live meeting changed (after commit), except a page turn: it is sent ahead of its commit
   * and followed by live.retracted if that commit fails (react to presentation updates only by showing them)
   */
  'live.updated': [LiveUpdateMessage];
  /**
   * a live update already sent as `version` did not commit (a page turn goes to the tablets before its
   * commit): every screen that may hold it fetches a fresh snapshot
   */
  'live.retracted': [{ meetingId: string; version: number }];
  /** the chair gave the floor to a participant (the conference gives their endpoint the floor too) */
  'live.floorGiven': [{ meetingId: string; userId: string }];
  /** any change to a meeting's preparation or state; version is the meeting's new version */
  'meeting.changed': [{ meetingId: string; version: number; change: string }];
  /** in-app notifications were stored for these users */
  'notifications.created': [{ items: { userId: string; notification: NotificationDto }[] }];
  /** the meeting became visible to its participants */
  'meeting.published': [{ meetingId: string; title: string; participantUserIds: string[] }];
  /** a user's role, unit, name or language changed: their open sockets take the new values */
  'user.changed': [{ userId: string }];
  /** a participant was removed from a meeting: their sockets stop following it */
  'meeting.participantRemoved': [{ meetingId: string; userId: string }];
  /** sessionIds: the sessions that ended; userId: all of that user's sessions ended when sessionIds is 'all' */
  'sessions.revoked': [{ userId: string; sessionIds: string[] | 'all'; reason: SessionRevokedReason }];
  /** a security-relevant action happened (the audit module appends it to the hash-chained trail) */
  audit: [AuditRecord];
};

export class DomainEvents extends EventEmitter<DomainEventMap> {}
