/**
 * The realtime contract: every Socket.io event the server and the web
 * exchange, with `entity:verb` names. Every client call is acknowledged with
 * an Ack; callers use a timeout (socket.timeout(ms).emitWithAck).
 */
import type { AnnotationDto, AnnotationUpsert } from './annotations.ts';
import type { ConferenceClientToServerEvents, ConferenceServerToClientEvents } from './conference-realtime.ts';
import type { NotificationDto } from './documents.ts';
import type { CastBallot, CastReceipt } from './votes.ts';
import type { LiveResync, LiveSnapshot, LiveUpdateMessage } from './live.ts';
import type { SessionUser } from './identity.ts';
import type { ValidationIssue } from './validation.ts';

export type AckError = { code: string; message: string; issues?: ValidationIssue[] };
export type Ack<T> = { ok: true; data: T } | { ok: false; error: AckError };
export type AckCallback<T> = (response: Ack<T>) => void;

export type SessionRevokedReason = 'logout' | 'logout-everywhere' | 'deactivated' | 'password-reset' | 'expired';

export interface ServerToClientEvents extends ConferenceServerToClientEvents {
  /** The session behind this connection ended; the client should go to the login page. */
  'session:revoked': (payload: { reason: SessionRevokedReason }) => void;
  /** One of this user's annotations changed on another device (or was carried to a new version). */
  'annotation:changed': (payload: AnnotationDto) => void;
  /** A poll of a joined meeting changed: status and turnout counts only, never choices. */
  'poll:update': (payload: { meetingId: string; pollId: string; status: 'draft' | 'open' | 'closed' | 'published' | 'cancelled'; cast: number; eligible: number }) => void;
  /** A section of a live meeting this socket joined changed. */
  'live:update': (payload: LiveUpdateMessage) => void;
  /**
   * The update of this version may have reached you but never committed (a page turn is sent before its
   * commit, and that commit failed): forget it and fetch a fresh snapshot, even one older than what you hold.
   */
  'live:resync': (payload: LiveResync) => void;
  /** This user's access to a document was revoked: an open viewer closes it at once. */
  'document:revoked': (payload: { documentId: string }) => void;
  /** Something new for this user (a meeting published, a document added or updated). */
  'notification:new': (payload: NotificationDto) => void;
}

export interface ClientToServerEvents extends ConferenceClientToServerEvents {
  /** Who this connection is authenticated as (also a cheap liveness check with an ack). */
  'session:whoami': (payload: Record<string, never>, ack: AckCallback<SessionUser>) => void;

  /** Follow a live meeting: answers with the snapshot to start from. */
  'meeting:join': (payload: { meetingId: string }, ack: AckCallback<LiveSnapshot>) => void;
  'meeting:leave': (payload: { meetingId: string }, ack: AckCallback<null>) => void;
  /** A fresh snapshot, after a reconnect or a version gap. */
  'meeting:snapshot': (payload: { meetingId: string }, ack: AckCallback<LiveSnapshot>) => void;
  'meeting:start': (payload: { meetingId: string }, ack: AckCallback<Versioned>) => void;
  'meeting:close': (payload: { meetingId: string }, ack: AckCallback<Versioned>) => void;
  'attendance:checkIn': (payload: { meetingId: string }, ack: AckCallback<Versioned>) => void;
  'attendance:mark': (payload: { meetingId: string; userId: string; status: 'present' | 'absent' | 'proxy'; reason?: string | null; proxyUserId?: string | null }, ack: AckCallback<Versioned>) => void;
  'agenda:open': (payload: { meetingId: string; itemId: string }, ack: AckCallback<Versioned>) => void;
  'agenda:next': (payload: { meetingId: string }, ack: AckCallback<Versioned>) => void;
  'presentation:show': (payload: { meetingId: string; documentId: string; version: number; page: number; zoom?: number }, ack: AckCallback<Versioned>) => void;
  'presentation:page': (payload: { meetingId: string; page: number; zoom?: number }, ack: AckCallback<Versioned>) => void;
  'presentation:stop': (payload: { meetingId: string }, ack: AckCallback<Versioned>) => void;
  'speaker:request': (payload: { meetingId: string; topic?: string | null }, ack: AckCallback<Versioned>) => void;
  'speaker:withdraw': (payload: { meetingId: string; requestId: string }, ack: AckCallback<Versioned>) => void;
  'speaker:give': (payload: { meetingId: string; requestId: string }, ack: AckCallback<Versioned>) => void;
  'speaker:timer': (payload: { meetingId: string; requestId: string; running: boolean }, ack: AckCallback<Versioned>) => void;
  'speaker:finish': (payload: { meetingId: string; requestId: string }, ack: AckCallback<Versioned>) => void;
  'speaker:reorder': (payload: { meetingId: string; requestIds: string[] }, ack: AckCallback<Versioned>) => void;

  /** Saves (creates or replaces) one annotation; idempotent by its client-chosen id. */
  'annotation:upsert': (payload: AnnotationUpsert, ack: AckCallback<AnnotationDto>) => void;
  'annotation:delete': (payload: { id: string }, ack: AckCallback<AnnotationDto>) => void;
  'annotation:list': (payload: { documentId: string; version: number }, ack: AckCallback<AnnotationDto[]>) => void;

  /** Casts (or, with the same idempotency key, re-sends) a ballot; answers with the voter's receipt. */
  'vote:cast': (payload: CastBallot, ack: AckCallback<CastReceipt>) => void;
}

/** What an action answers: the meeting version its change produced. */
export type Versioned = { version: number };

/** Rooms the server puts sockets in; named here so no module invents its own spelling. */
export const rooms = {
  user: (userId: string) => `user:${userId}`,
  meeting: (meetingId: string) => `meeting:${meetingId}`,
  session: (sessionId: string) => `session:${sessionId}`,
} as const;

export const ACK_TIMEOUT_MS = 5_000;
