/**
 * Wraps a socket handler so it validates its payload with the shared TypeBox
 * schema, always answers through the ack (never throws past it) and turns
 * AppErrors into translated error acks. One factory serves every namespace:
 * users' sockets and the hall displays' differ only in their flood limits,
 * their locale and what their log lines name.
 */
import type { TSchema, Static } from 'typebox';
import type { FastifyBaseLogger } from 'fastify';
import type { Locale } from '../contract/identity.ts';
import type { Ack, AckCallback } from '../contract/realtime.ts';
import { compileValidator } from '../contract/validation.ts';
import { AppError } from '../errors.ts';
import { describeIssue, translate } from '../i18n/messages.ts';
import type { AppSocket } from './socket-server.ts';

export type HandlerPolicy<Socket extends object> = {
  /** token bucket: a burst of `burst` calls, `perSecond` sustained */
  burst: number;
  perSecond: number;
  locale: (socket: Socket) => Locale;
  /** who the socket is, for the log line of an unexpected failure */
  describe: (socket: Socket) => Record<string, string>;
  failureMessage: string;
};

export type SocketHandler<Socket extends object> = <S extends TSchema, R>(
  socket: Socket,
  log: FastifyBaseLogger,
  schema: S,
  run: (payload: Static<S>) => Promise<R>,
) => (payload: unknown, ack: unknown) => void;

export function createSocketHandler<Socket extends object>(policy: HandlerPolicy<Socket>): SocketHandler<Socket> {
  const buckets = new WeakMap<Socket, { tokens: number; at: number }>();
  const takeToken = (socket: Socket): boolean => {
    const now = performance.now();
    const bucket = buckets.get(socket) ?? { tokens: policy.burst, at: now };
    bucket.tokens = Math.min(policy.burst, bucket.tokens + ((now - bucket.at) / 1000) * policy.perSecond);
    bucket.at = now;
    buckets.set(socket, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  };

  return <S extends TSchema, R>(socket: Socket, log: FastifyBaseLogger, schema: S, run: (payload: Static<S>) => Promise<R>) => {
    const validator = compileValidator(schema);
    return (payload: unknown, ack: unknown) => {
      const reply: AckCallback<R> = typeof ack === 'function' ? (ack as AckCallback<R>) : () => {};
      const locale = policy.locale(socket);
      if (!takeToken(socket)) {
        reply({ ok: false, error: { code: 'rateLimited', message: translate('rateLimited', locale) } });
        return;
      }
      let checked: ReturnType<typeof validator.check>;
      try {
        checked = validator.check(payload);
      } catch (error) {
        // A checker bug on odd input refuses that input; it never ends the process.
        log.warn({ err: error, ...policy.describe(socket) }, 'socket payload check failed');
        checked = { ok: false, issues: [{ field: '', rule: 'other' }] };
      }
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
            log.error({ err: error, ...policy.describe(socket) }, policy.failureMessage);
            reply({ ok: false, error: { code: 'internal', message: translate('internal', locale) } });
          },
        );
    };
  };
}

/**
 * Users' sockets: bursts of 60 calls, 30 a second sustained. A client that
 * floods (a stuck pen, a bad script) gets error acks; nobody else is slowed
 * down and its state stays as it was.
 */
export const socketHandler: SocketHandler<AppSocket> = createSocketHandler<AppSocket>({
  burst: 60,
  perSecond: 30,
  locale: (socket) => socket.data.user.locale,
  describe: (socket) => ({ socketId: socket.id, userId: socket.data.user.id }),
  failureMessage: 'socket handler failed',
});
