/**
 * App processes talking about conferences over Redis pub/sub: one channel per
 * process, on which it hears calls forwarded to it (it owns their
 * conference), notices (a socket gone, a domain event) and the answers to the
 * calls it forwarded. Every message is checked against its contract schema on
 * arrival (server/contract/conference-forwarding.ts); one that fails is
 * dropped and logged, never run.
 *
 * A forwarded call waits at most `timeoutMs` for its answer: an owner that
 * died answers nothing, and its caller hears 'unavailable' in time to try
 * again (the client's own ack timeout is longer).
 */
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import {
  ForwardedAnswer,
  ForwardedMessage,
  type ForwardedCall,
  type ForwardedDisconnect,
  type ForwardedEvent,
  type ForwardedQuery,
} from '../../../contract/conference-forwarding.ts';
import { compileValidator } from '../../../contract/validation.ts';
import type { RedisClient } from './leases.ts';

/** What a request carries: a forwarded call or an owner query, without the id and reply address the bus adds. */
export type BusRequest = Omit<ForwardedCall, 'id' | 'replyTo'> | Omit<ForwardedQuery, 'id' | 'replyTo'>;
export type Notice = ForwardedDisconnect | ForwardedEvent;
export type BusHandlers = {
  call(call: ForwardedCall): Promise<ForwardedAnswer>;
  query(query: ForwardedQuery): Promise<ForwardedAnswer>;
  notice(notice: Notice): void;
};

/** An answer that never came (the owner is gone or stuck). */
export class OwnerUnreachable extends Error {}

const messageCheck = compileValidator(ForwardedMessage);
const answerCheck = compileValidator(ForwardedAnswer);

type Pending = { resolve(answer: ForwardedAnswer): void; reject(error: Error): void; timer: NodeJS.Timeout };

export class ConferenceBus {
  readonly #pub: RedisClient;
  readonly #sub: RedisClient;
  readonly #prefix: string;
  readonly #me: string;
  readonly #log: FastifyBaseLogger;
  readonly #pending = new Map<string, Pending>();
  #handlers: BusHandlers | null = null;

  constructor(pub: RedisClient, sub: RedisClient, scope: string, processId: string, log: FastifyBaseLogger) {
    this.#pub = pub;
    this.#sub = sub;
    this.#prefix = `phs:${scope}:conference-bus:`;
    this.#me = processId;
    this.#log = log;
  }

  /** The channel a process listens on (tests publish forged messages to it). */
  channelOf(processId: string): string {
    return this.#prefix + processId;
  }

  async start(handlers: BusHandlers): Promise<void> {
    this.#handlers = handlers;
    await this.#sub.subscribe(this.channelOf(this.#me), (raw) => this.#arrived(raw));
  }

  /** Runs a call or query on the owner process and resolves with its answer (or rejects with OwnerUnreachable). */
  request(processId: string, body: BusRequest, timeoutMs: number): Promise<ForwardedAnswer> {
    const id = randomUUID();
    const message: ForwardedCall | ForwardedQuery = { ...body, id, replyTo: this.#me };
    const what = body.kind === 'call' ? body.event : `query ${body.query.name}`;
    return new Promise<ForwardedAnswer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new OwnerUnreachable(`process ${processId} did not answer ${what} in ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      this.#pub.publish(this.channelOf(processId), JSON.stringify(message)).catch((error: unknown) => {
        clearTimeout(timer);
        this.#pending.delete(id);
        reject(error instanceof Error ? error : new Error(String(error)));
      });
    });
  }

  /** A notice that needs no answer. */
  async tell(processId: string, notice: Notice): Promise<void> {
    await this.#pub.publish(this.channelOf(processId), JSON.stringify(notice));
  }

  #arrived(raw: string): void {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      this.#log.warn({ channel: this.channelOf(this.#me) }, 'conference bus: a message that is not JSON was dropped');
      return;
    }
    const answer = answerCheck.check(value);
    if (answer.ok) {
      const pending = this.#pending.get(answer.value.id);
      if (pending === undefined) return; // late: its caller has given up
      this.#pending.delete(answer.value.id);
      clearTimeout(pending.timer);
      pending.resolve(answer.value);
      return;
    }
    const message = messageCheck.check(value);
    if (!message.ok || this.#handlers === null) {
      this.#log.warn({ issues: message.ok ? [] : message.issues.slice(0, 3) }, 'conference bus: a malformed message was dropped');
      return;
    }
    const handlers = this.#handlers;
    const incoming = message.value;
    if (incoming.kind === 'disconnect' || incoming.kind === 'event') {
      handlers.notice(incoming);
      return;
    }
    const answering = incoming.kind === 'call' ? handlers.call(incoming) : handlers.query(incoming);
    answering.then(
      (reply) => this.#pub.publish(this.channelOf(incoming.replyTo), JSON.stringify(reply)),
      (error: unknown) => this.#log.error({ err: error, kind: incoming.kind }, 'conference bus: a forwarded request failed to answer'),
    );
  }

  /** Pending calls fail at once (the process is closing). */
  close(): void {
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(new OwnerUnreachable('closing'));
      this.#pending.delete(id);
    }
    this.#handlers = null;
  }
}
