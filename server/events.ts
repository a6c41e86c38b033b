/**
 * Domain events: services say what happened; the socket layer (and later
 * audit, notifications) decide who hears about it. Keeps services free of
 * Socket.io and lets several listeners react to one change.
 */
import { EventEmitter } from 'node:events';
import type { SessionRevokedReason } from './contract/realtime.ts';

export type DomainEventMap = {
  /** sessionIds: the sessions that ended; userId: all of that user's sessions ended when sessionIds is 'all' */
  'sessions.revoked': [{ userId: string; sessionIds: string[] | 'all'; reason: SessionRevokedReason }];
};

export class DomainEvents extends EventEmitter<DomainEventMap> {}
