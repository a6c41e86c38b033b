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
    const checked = validator.check(payload);
    if (!checked.ok) {
      reply({ ok: false, error: { code: 'validation', message: describeIssue(checked.issues[0] ?? { field: '', rule: 'other' }, locale), issues: checked.issues } });
      return;
    }
    run(checked.value).then(
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
