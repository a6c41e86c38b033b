/**
 * The display namespace's equivalent of realtime/handler.ts socketHandler
 * (which is typed for user sockets): validate with the shared TypeBox schema,
 * always answer through the ack, translate AppErrors, throttle a flooding
 * screen. A wall screen sends a handful of calls a minute; 20 in a burst is
 * plenty.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Static, TSchema } from 'typebox';
import type { Locale } from '../../contract/identity.ts';
import type { Ack, AckCallback } from '../../contract/realtime.ts';
import { compileValidator } from '../../contract/validation.ts';
import { AppError } from '../../errors.ts';
import { describeIssue, translate } from '../../i18n/messages.ts';

const BUCKET_SIZE = 20;
const REFILL_PER_SECOND = 5;

export type DisplaySocketLike = { id: string; data: { displayId: string; locale: Locale } };

const buckets = new WeakMap<DisplaySocketLike, { tokens: number; at: number }>();

function takeToken(socket: DisplaySocketLike): boolean {
  const now = performance.now();
  const bucket = buckets.get(socket) ?? { tokens: BUCKET_SIZE, at: now };
  bucket.tokens = Math.min(BUCKET_SIZE, bucket.tokens + ((now - bucket.at) / 1000) * REFILL_PER_SECOND);
  bucket.at = now;
  buckets.set(socket, bucket);
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}

export function displayHandler<S extends TSchema, R>(
  socket: DisplaySocketLike,
  log: FastifyBaseLogger,
  schema: S,
  run: (payload: Static<S>) => Promise<R>,
): (payload: unknown, ack: unknown) => void {
  const validator = compileValidator(schema);
  return (payload, ack) => {
    const reply: AckCallback<R> = typeof ack === 'function' ? (ack as AckCallback<R>) : () => {};
    const locale = socket.data.locale;
    if (!takeToken(socket)) {
      reply({ ok: false, error: { code: 'rateLimited', message: translate('rateLimited', locale) } });
      return;
    }
    const checked = validator.check(payload);
    if (!checked.ok) {
      reply({ ok: false, error: { code: 'validation', message: describeIssue(checked.issues[0] ?? { field: '', rule: 'other' }, locale), issues: checked.issues } });
      return;
    }
    Promise.resolve()
      .then(() => run(checked.value))
      .then(
        (data) => reply({ ok: true, data } satisfies Ack<R>),
        (error: unknown) => {
          if (error instanceof AppError) {
            reply({ ok: false, error: { code: error.key, message: translate(error.key, locale, error.params) } });
            return;
          }
          log.error({ err: error, socketId: socket.id, displayId: socket.data.displayId }, 'display socket handler failed');
          reply({ ok: false, error: { code: 'internal', message: translate('internal', locale) } });
        },
      );
  };
}
