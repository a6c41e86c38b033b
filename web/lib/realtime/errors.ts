/**
 * The one classification of a refused call. Every caller decides what to do
 * by kind (retry, back off, drop, send to login), never by its own list of
 * codes, so a new server code is classified once, here.
 *
 * - transient: the connection, the clock or a passing server fault; the same
 *   call may well succeed later.
 * - rateLimited: the server said "slow down"; the same call succeeds after a
 *   pause.
 * - unauthorised: the session or the right to do this is missing; a retry
 *   cannot fix it (a new login or another role could).
 * - final: the server understood and refused (validation, not found, wrong
 *   state); it will refuse the same call again.
 *
 * Plain TypeScript with no app imports, so plain modules (the annotation
 * outbox) and their unit tests use it as they are.
 */
import type { AckError } from '$contract/realtime.ts';

export type ErrorKind = 'transient' | 'rateLimited' | 'unauthorised' | 'final';

/** `offline` and `timeout` are made here on the client; the others come from the server (or the network layer). */
const TRANSIENT = new Set(['offline', 'timeout', 'internal', 'network', 'unavailable']);
const RATE_LIMITED = new Set(['rateLimited']);
const UNAUTHORISED = new Set(['unauthenticated', 'forbidden']);

export function errorKind(error: AckError): ErrorKind {
  if (TRANSIENT.has(error.code)) return 'transient';
  if (RATE_LIMITED.has(error.code)) return 'rateLimited';
  if (UNAUTHORISED.has(error.code)) return 'unauthorised';
  return 'final';
}

/** Worth sending again later: a passing failure or a "slow down". */
export function isRetryable(error: AckError): boolean {
  const kind = errorKind(error);
  return kind === 'transient' || kind === 'rateLimited';
}
