/**
 * The realtime contract: every Socket.io event the server and the web
 * exchange, with `entity:verb` names. Every client call is acknowledged with
 * an Ack; callers use a timeout (socket.timeout(ms).emitWithAck).
 */
import type { NotificationDto } from './documents.ts';
import type { SessionUser } from './identity.ts';
import type { ValidationIssue } from './validation.ts';

export type AckError = { code: string; message: string; issues?: ValidationIssue[] };
export type Ack<T> = { ok: true; data: T } | { ok: false; error: AckError };
export type AckCallback<T> = (response: Ack<T>) => void;

export type SessionRevokedReason = 'logout' | 'logout-everywhere' | 'deactivated' | 'password-reset' | 'expired';

export interface ServerToClientEvents {
  /** The session behind this connection ended; the client should go to the login page. */
  'session:revoked': (payload: { reason: SessionRevokedReason }) => void;
  /** Something new for this user (a meeting published, a document added or updated). */
  'notification:new': (payload: NotificationDto) => void;
}

export interface ClientToServerEvents {
  /** Who this connection is authenticated as (also a cheap liveness check with an ack). */
  'session:whoami': (payload: Record<string, never>, ack: AckCallback<SessionUser>) => void;
}

/** Rooms the server puts sockets in; named here so no module invents its own spelling. */
export const rooms = {
  user: (userId: string) => `user:${userId}`,
} as const;

export const ACK_TIMEOUT_MS = 5_000;
