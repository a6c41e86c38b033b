/**
 * Wraps a socket handler so it validates its payload with the shared TypeBox
 * schema, always answers through the ack (never throws past it) and turns
 * AppErrors into translated error acks.
 */
import type { TSchema, Static } from 'typebox';
import type { FastifyBaseLogger } from 'fastify';
import type { Ack, AckCallback } from '../contract/realtime.ts';
import { compileValidator } from '../contract/validation.ts';
import { AppError } from '../errors.ts';
import { describeIssue, translate } from '../i18n/messages.ts';
import type { AppSocket } from './socket-server.ts';

/**
 * Every socket gets a token bucket: bursts of 60 calls, 30 a second sustained.
 * A client that floods (a stuck pen, a bad script) gets error acks; nobody
 * else is slowed down and its state stays as it was.
 */
const BUCKET_SIZE = 60;
const REFILL_PER_SECOND = 30;
const buckets = new WeakMap<AppSocket, { tokens: number; at: number }>();

function takeToken(socket: AppSocket): boolean {
  const now = performance.now();
  const bucket = buckets.get(socket) ?? { tokens: BUCKET_SIZE, at: now };
  bucket.tokens = Math.min(BUCKET_SIZE, bucket.tokens + ((now - bucket.at) / 1000) * REFILL_PER_SECOND);
  bucket.at = now;
  buckets.set(socket, bucket);
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}

export function socketHandler<S extends TSchema, R>(
  socket: AppSocket,
  log: FastifyBaseLogger,
  schema: S,
  run: (payload: Static<S>) => Promise<R>,
): (payload: unknown, ack: unknown) => void {
  const validator = compileValidator(schema);
  return (payload, ack) => {
    const reply: AckCallback<R> = typeof ack === 'function' ? (ack as AckCallback<R>) : () => {};
    const locale = socket.data.user.locale;
    if (!takeToken(socket)) {
      reply({ ok: false, error: { code: 'rateLimited', message: translate('rateLimited', locale) } });
      return;
    }
    const checked = validator.check(payload);
    if (!checked.ok) {
      reply({ ok: false, error: { code: 'validation', message: describeIssue(checked.issues[0] ?? { field: '', rule: 'other' }, locale), issues: checked.issues } });
      return;
    }
    // Through a promise even when `run` throws synchronously: nothing escapes the ack.
    Promise.resolve()
      .then(() => run(checked.value))
      .then(
      (data) => reply({ ok: true, data } satisfies Ack<R>),
      (error: unknown) => {
        if (error instanceof AppError) {
          reply({ ok: false, error: { code: error.key, message: translate(error.key, locale, error.params) } });
          return;
        }
        log.error({ err: error, socketId: socket.id, userId: socket.data.user.id }, 'socket handler failed');
        reply({ ok: false, error: { code: 'internal', message: translate('internal', locale) } });
      },
    );
  };
}
