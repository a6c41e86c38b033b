/**
 * Time-limited TURN credentials (the "TURN REST API" that coturn implements
 * with `use-auth-secret` / `static-auth-secret`): the username is
 * `<expiry unix seconds>:<user id>` and the password the base64 HMAC-SHA1 of
 * that username under the shared secret. coturn recomputes the HMAC and
 * refuses an expired timestamp, so a leaked credential dies by itself and the
 * secret never leaves the server.
 */
import { createHmac } from 'node:crypto';
import type { TurnSettings } from '../../config.ts';
import type { IceServer } from '../../contract/conference-realtime.ts';

export function turnCredential(secret: string, username: string): string {
  return createHmac('sha1', secret).update(username).digest('base64');
}

/** The ICE servers one participant gets in the join answer: none without TURN (direct ICE as before). */
export function iceServersFor(turn: TurnSettings | undefined, userId: string, nowMs: number = Date.now()): IceServer[] {
  if (turn === undefined) return [];
  const username = `${Math.floor(nowMs / 1000) + turn.credentialTtlSeconds}:${userId}`;
  return [{ urls: [...turn.urls], username, credential: turnCredential(turn.secret, username) }];
}
