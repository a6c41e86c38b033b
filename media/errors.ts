/**
 * The one error type media/ throws on purpose. The signaling layer turns it
 * into an error ack ({ ok: false, error: { code, message } }); it never
 * escapes as an unhandled rejection.
 */
import { errors as msErrors } from 'mediasoup';

export type MediaErrorCode =
  /** no such room, peer, transport, producer or consumer */
  | 'not-found'
  /** the id exists but belongs to another peer */
  | 'not-owner'
  /** the peer's permissions do not allow it (or a server mute is in force) */
  | 'forbidden'
  /** malformed or unusable input (RTP parameters, capabilities, wrong kind/source/direction) */
  | 'invalid'
  /** the room or peer is closed (or must rejoin first) */
  | 'closed'
  /** no live mediasoup worker to serve the request */
  | 'unavailable'
  /** anything unexpected; details are logged, not shown */
  | 'internal';

export class MediaError extends Error {
  readonly code: MediaErrorCode;
  constructor(code: MediaErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MediaError';
    this.code = code;
  }
}

/**
 * Wrap whatever mediasoup threw into a MediaError. `fallback` is the code for
 * a plain Error from the worker: 'invalid' where the request came from the
 * client (connect twice, bad parameters), 'internal' elsewhere.
 */
export function toMediaError(error: unknown, context: string, fallback: 'invalid' | 'internal' = 'internal'): MediaError {
  if (error instanceof MediaError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  if (error instanceof TypeError || error instanceof msErrors.UnsupportedError) {
    return new MediaError('invalid', `${context}: ${detail}`, { cause: error });
  }
  if (error instanceof msErrors.NotFoundError) {
    return new MediaError('not-found', `${context}: ${detail}`, { cause: error });
  }
  if (error instanceof msErrors.WorkerClosedError) {
    return new MediaError('unavailable', `${context}: media worker closed`, { cause: error });
  }
  return new MediaError(fallback, `${context}: ${detail}`, { cause: error });
}

/** Runs one mediasoup call, turning what it throws into a MediaError that names `context`. */
export async function mediaCall<T>(context: string, run: () => Promise<T>, fallback: 'invalid' | 'internal' = 'internal'): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toMediaError(error, context, fallback);
  }
}
