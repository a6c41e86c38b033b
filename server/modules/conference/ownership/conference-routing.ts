/**
 * One owner process per meeting's conference; every other process forwards
 * to it. The conference's live state (presence, lobby, hands, bindings of
 * sockets to peers, the media room) lives in the owner's memory only, so
 * every call about a meeting must run there, whichever process holds the
 * caller's socket (no sticky routing).
 *
 * - Ownership is a lease in Redis (leases.ts), taken by the first process
 *   that needs the conference, renewed every RENEW_MS while it keeps it, let
 *   go once the conference has been idle for IDLE_RELEASE_MS.
 * - A call on a socket of a process that is not the owner goes over the bus
 *   (bus.ts) to the owner, which runs the very same table entry on a
 *   stand-in for the socket (caller.ts); the answer comes back as the ack.
 * - A socket that goes away is announced to the owner (its grace period).
 * - A process whose sockets joined a meeting watches that meeting's lease:
 *   when the owner changes (killed, its lease lapsed; shut down, it let go;
 *   or another took over) it tells those sockets `conference:rejoin`, so the
 *   clients join again with nobody acting; the first of those joins takes
 *   the lapsed lease, the others are forwarded to it.
 * - Lobby, raised hands and who holds which peer live in the owner's memory
 *   only (mutes, admissions and settings are in the database): a new owner
 *   rebuilds them from the joins again; a hand raised before is down.
 *
 * Without Redis (one process, `npm start`) this process owns everything and
 * nothing goes over the network.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Static, TSchema } from 'typebox';
import type { ForwardedAnswer, ForwardedCall, ForwardedEvent, ForwardedQuery, OwnerQuery } from '../../../contract/conference-forwarding.ts';
import { compileValidator } from '../../../contract/validation.ts';
import { AppError } from '../../../errors.ts';
import { errorMessages, type ErrorKey } from '../../../i18n/messages.ts';
import type { AppServer, AppSocket } from '../../../realtime/socket-server.ts';
import type { AckDataOf, PayloadOf, SocketEntry, SocketTable } from '../../../realtime/socket-table.ts';
import { OwnerUnreachable, type ConferenceBus, type Notice } from './bus.ts';
import { asTableSocket, remoteCaller } from './caller.ts';
import type { OwnerLeases } from './leases.ts';

/** How often leases are renewed and watched (well under LEASE_MS). */
export const RENEW_MS = 3_000;
/** A conference with no room and nobody present keeps its owner this long (a join on its way). */
export const IDLE_RELEASE_MS = 15_000;
/** A forwarded call's answer must come within this (the client's ack timeout is 5 s). */
export const FORWARD_TIMEOUT_MS = 3_500;

type CallMap<Events> = { [E in keyof Events]: (payload: never, ack: never) => void };

/** What the routing asks of the conference (index.ts wires it to the service and bindings). */
export type OwnerHooks = {
  /** a socket that made calls here, or on a process that forwarded them here, went away */
  disconnected(socketId: string): void;
  /** nothing of this conference lives here (no room, nobody present or waiting): its lease may go */
  idle(meetingId: string): boolean;
  /** this process lost the lease while alive (it lapsed): drop what it kept of the conference */
  stepDown(meetingId: string): void;
  /** a domain event of another process, for the conference this process owns */
  event(notice: ForwardedEvent): void;
  /** what only the owner knows or does, asked by a REST route on another process (already authorised there) */
  query(meetingId: string, query: OwnerQuery): Promise<unknown>;
};

export type OwnershipLink = { leases: OwnerLeases; bus: ConferenceBus; quit(): Promise<void> };

const isErrorKey = (key: string): key is ErrorKey => Object.hasOwn(errorMessages, key);

function meetingIdOf(payload: unknown): string {
  if (typeof payload === 'object' && payload !== null && 'meetingId' in payload && typeof payload.meetingId === 'string') return payload.meetingId;
  // every conference call names its meeting (the contract schemas require it); one that does not is a wiring bug
  throw new AppError(400, 'validation');
}

export class ConferenceRouting {
  readonly #io: AppServer;
  readonly #log: FastifyBaseLogger;
  readonly #link: OwnershipLink | null;
  readonly #hooks: OwnerHooks;
  /** meetings this process owns, with when a call last used each */
  readonly #owned = new Map<string, number>();
  /**
   * The socket ids of this process that joined a conference → its meeting and
   * the owner that joined it. Kept per socket, not per meeting: when a call
   * here claims a lapsed lease before the watch notices the old owner gone,
   * the sockets that joined the dead owner must still be told to join again.
   */
  readonly #joined = new Map<string, { meetingId: string; owner: string }>();
  #timer: NodeJS.Timeout | null = null;
  #ticking = false;

  constructor(io: AppServer, log: FastifyBaseLogger, link: OwnershipLink | null, hooks: OwnerHooks) {
    this.#io = io;
    this.#log = log.child({ module: 'conference-routing' });
    this.#link = link;
    this.#hooks = hooks;
  }

  get processId(): string | null {
    return this.#link?.leases.processId ?? null;
  }

  /** Starts hearing forwarded calls and keeping leases (a no-op without Redis). */
  async start(): Promise<void> {
    const link = this.#link;
    if (link === null) return;
    await link.bus.start({ call: (call) => this.#serve(call), query: (query) => this.#serveQuery(query), notice: (notice) => this.#notice(notice) });
    this.#timer = setInterval(() => void this.#tick(), RENEW_MS);
    this.#timer.unref();
  }

  /**
   * The module's table, each call run where its conference's owner is. The
   * router has validated the payload already (on this process, with the
   * same schema the owner checks it with again).
   */
  wrap<Events extends CallMap<Events>>(table: SocketTable<Events, AppSocket>): SocketTable<Events, AppSocket> {
    const wrapped: SocketTable<Events, AppSocket> = {};
    const validators = new Map<string, ReturnType<typeof compileValidator>>();
    const runners = new Map<string, (payload: unknown, socket: AppSocket) => Promise<unknown>>();
    const add = <E extends keyof Events & string>(event: E, entry: SocketEntry<Events, E, AppSocket> | undefined) => {
      if (entry === undefined) return;
      validators.set(event, compileValidator(entry.schema));
      // The owner's side: a payload it checked itself with this entry's schema.
      runners.set(event, (payload, socket) => entry.run(payload as PayloadOf<Events, E>, socket));
      wrapped[event] = {
        schema: entry.schema,
        // A forwarded answer is what this very entry returned on the owner.
        run: async (payload, socket) => (await this.#route(event, payload, socket, () => entry.run(payload, socket))) as AckDataOf<Events, E>,
      };
    };
    for (const event of Object.keys(table) as (keyof Events & string)[]) add(event, table[event]);
    this.#serveTable = { validators, runners };
    return wrapped;
  }

  #serveTable: { validators: Map<string, ReturnType<typeof compileValidator>>; runners: Map<string, (payload: unknown, socket: AppSocket) => Promise<unknown>> } = {
    validators: new Map(),
    runners: new Map(),
  };

  /** A socket of this process went away: its owner hears of it. */
  socketGone(socketId: string): void {
    const meetingId = this.#joined.get(socketId)?.meetingId;
    this.#joined.delete(socketId);
    if (this.#link === null || meetingId === undefined) {
      this.#hooks.disconnected(socketId);
      return;
    }
    this.#ownerOf(meetingId).then(
      (owner) => {
        if (owner === this.#link?.leases.processId) this.#hooks.disconnected(socketId);
        else return this.#link?.bus.tell(owner, { kind: 'disconnect', meetingId, socketId });
      },
      (err: unknown) => this.#log.warn({ err, meetingId }, 'a socket gone could not be announced to its conference owner'),
    );
  }

  // ---- the caller's side ------------------------------------------------------

  async #route(event: string, payload: unknown, socket: AppSocket, local: () => Promise<unknown>): Promise<unknown> {
    const link = this.#link;
    if (link === null) return local();
    const meetingId = meetingIdOf(payload);
    const previous = this.#joined.get(socket.id)?.meetingId;
    if (event === 'conference:join' && previous !== undefined && previous !== meetingId) {
      // one conference per socket: the one before is left on its own owner
      await this.#route('conference:leave', { meetingId: previous }, socket, async () => this.#runLocal('conference:leave', { meetingId: previous }, socket));
    }
    const owner = await this.#ownerOf(meetingId);
    let data: unknown;
    if (owner === link.leases.processId) {
      this.#owned.set(meetingId, Date.now());
      data = await local();
    } else {
      data = await this.#forward(link, owner, event, payload, socket);
    }
    if (event === 'conference:join') this.#joined.set(socket.id, { meetingId, owner });
    if (event === 'conference:leave' && this.#joined.get(socket.id)?.meetingId === meetingId) this.#joined.delete(socket.id);
    return data;
  }

  async #runLocal(event: string, payload: unknown, socket: AppSocket): Promise<unknown> {
    const run = this.#serveTable.runners.get(event);
    if (run === undefined) throw new AppError(400, 'unknownEvent');
    return run(payload, socket);
  }

  async #forward(link: OwnershipLink, owner: string, event: string, payload: unknown, socket: AppSocket): Promise<unknown> {
    let answer: ForwardedAnswer;
    try {
      answer = await link.bus.request(owner, { kind: 'call', event, payload, socketId: socket.id, user: socket.data.user }, FORWARD_TIMEOUT_MS);
    } catch (error) {
      if (!(error instanceof OwnerUnreachable)) throw error;
      // The owner is gone or stuck: its lease lapses within LEASE_MS and the watch below moves everyone.
      this.#log.warn({ owner, event }, 'conference owner did not answer');
      throw new AppError(503, 'unavailable');
    }
    if (answer.ok) return answer.data;
    throw new AppError(answer.status, isErrorKey(answer.key) ? answer.key : 'internal', { params: answer.params });
  }

  /**
   * Runs `query` where the meeting's conference lives: here (`local`) when this
   * process owns it or nobody does (nothing live anywhere), else on its owner,
   * whose answer must match `answer` (it came over Redis).
   */
  async onOwner<S extends TSchema>(meetingId: string, query: OwnerQuery, answer: S, local: () => Promise<Static<S>>, timeoutMs = FORWARD_TIMEOUT_MS): Promise<Static<S>> {
    const link = this.#link;
    if (link === null || this.#owned.has(meetingId)) return local();
    const holder = await link.leases.holder(meetingId);
    if (holder === null || holder === link.leases.processId) return local();
    let reply: ForwardedAnswer;
    try {
      reply = await link.bus.request(holder, { kind: 'query', meetingId, query }, timeoutMs);
    } catch (error) {
      if (!(error instanceof OwnerUnreachable)) throw error;
      throw new AppError(503, 'unavailable');
    }
    if (!reply.ok) throw new AppError(reply.status, isErrorKey(reply.key) ? reply.key : 'internal', { params: reply.params });
    const checked = compileValidator(answer).check(reply.data);
    if (!checked.ok) {
      this.#log.error({ meetingId, query: query.name, issues: checked.issues.slice(0, 3) }, 'the conference owner answered a query out of contract');
      throw new AppError(500, 'internal');
    }
    return checked.value;
  }

  /** The owner of a meeting's conference (this process when it holds or takes the lease). */
  async #ownerOf(meetingId: string): Promise<string> {
    const link = this.#link;
    if (link === null) throw new Error('no ownership without Redis');
    if (this.#owned.has(meetingId)) return link.leases.processId;
    const owner = await link.leases.claim(meetingId);
    if (owner === link.leases.processId) this.#owned.set(meetingId, Date.now());
    return owner;
  }

  // ---- the owner's side -----------------------------------------------------------

  /** A call forwarded here: checked as a client's call is, then run on a stand-in for its socket. */
  async #serve(call: ForwardedCall): Promise<ForwardedAnswer> {
    const refuse = (status: number, key: ErrorKey): ForwardedAnswer => ({ id: call.id, ok: false, status, key, params: {} });
    const run = this.#serveTable.runners.get(call.event);
    const validator = this.#serveTable.validators.get(call.event);
    if (run === undefined || validator === undefined) return refuse(400, 'unknownEvent');
    const checked = validator.check(call.payload);
    if (!checked.ok) return refuse(400, 'validation');
    try {
      const meetingId = meetingIdOf(checked.value);
      // Ownership moved since the caller looked (a lapsed lease): 'notFound' makes the client join again.
      if ((await this.#ownerOf(meetingId)) !== this.#link?.leases.processId) return refuse(409, 'notFound');
      this.#owned.set(meetingId, Date.now());
      const data = await run(checked.value, asTableSocket(remoteCaller(this.#io, call.socketId, call.user)));
      return { id: call.id, ok: true, data: data ?? null };
    } catch (error) {
      if (error instanceof AppError) return { id: call.id, ok: false, status: error.status, key: error.key, params: error.params };
      this.#log.error({ err: error, event: call.event, socketId: call.socketId }, 'forwarded conference call failed');
      return refuse(500, 'internal');
    }
  }

  /** A query forwarded here: answered only while this process owns the conference. */
  async #serveQuery(forwarded: ForwardedQuery): Promise<ForwardedAnswer> {
    if (!this.#owned.has(forwarded.meetingId)) return { id: forwarded.id, ok: false, status: 503, key: 'unavailable', params: {} };
    try {
      return { id: forwarded.id, ok: true, data: (await this.#hooks.query(forwarded.meetingId, forwarded.query)) ?? null };
    } catch (error) {
      if (error instanceof AppError) return { id: forwarded.id, ok: false, status: error.status, key: error.key, params: error.params };
      this.#log.error({ err: error, query: forwarded.query.name }, 'forwarded conference query failed');
      return { id: forwarded.id, ok: false, status: 500, key: 'internal', params: {} };
    }
  }

  #notice(notice: Notice): void {
    if (notice.kind === 'disconnect') {
      this.#hooks.disconnected(notice.socketId);
      return;
    }
    if (this.#owned.has(notice.meetingId)) this.#hooks.event(notice);
  }

  /**
   * A domain event of this process that the conference's owner must act on
   * (this process's own listeners have heard it already; nothing is sent
   * when this process owns the conference or nobody does).
   */
  async tellOwner(meetingId: string, event: ForwardedEvent['event']): Promise<void> {
    const link = this.#link;
    if (link === null) return;
    try {
      const holder = await link.leases.holder(meetingId);
      // this process's own service heard the event itself
      if (holder !== null && holder !== link.leases.processId) await link.bus.tell(holder, { kind: 'event', meetingId, event });
    } catch (err) {
      this.#log.warn({ err, meetingId, event: event.name }, 'a live event could not reach the conference owner');
    }
  }

  // ---- leases: renew, release, watch ---------------------------------------------------

  async #tick(): Promise<void> {
    const link = this.#link;
    if (link === null || this.#ticking) return;
    this.#ticking = true;
    try {
      await this.#keepLeases(link);
      await this.#watchOwners(link);
    } catch (err) {
      this.#log.warn({ err }, 'conference leases could not be kept');
    } finally {
      this.#ticking = false;
    }
  }

  async #keepLeases(link: OwnershipLink): Promise<void> {
    const now = Date.now();
    for (const [meetingId, lastUse] of [...this.#owned]) {
      if (this.#hooks.idle(meetingId) && now - lastUse > IDLE_RELEASE_MS) {
        this.#owned.delete(meetingId);
        await link.leases.release(meetingId);
        continue;
      }
      if (await link.leases.renew(meetingId)) continue;
      // It lapsed while this process lived (stalled longer than the lease): another may own it now.
      this.#owned.delete(meetingId);
      this.#log.warn({ meetingId }, 'conference lease lost: stepping down');
      this.#hooks.stepDown(meetingId);
    }
  }

  /** Sockets of this process that joined an owner that no longer holds the conference are told to join again. */
  async #watchOwners(link: OwnershipLink): Promise<void> {
    const byMeeting = new Map<string, { socketId: string; owner: string }[]>();
    for (const [socketId, { meetingId, owner }] of this.#joined) {
      const list = byMeeting.get(meetingId) ?? [];
      list.push({ socketId, owner });
      byMeeting.set(meetingId, list);
    }
    for (const [meetingId, joined] of byMeeting) {
      const holder = await link.leases.holder(meetingId);
      const moved = joined.filter((j) => j.owner !== holder);
      if (moved.length === 0) continue;
      const sockets = moved.map((j) => j.socketId);
      for (const { socketId, owner } of moved) {
        // Gone (killed: its lease lapsed; shut down: it let go): their join again takes the conference (the
        // first one claims the lease), and until then they are not watched. Moved: told once, then watched
        // against the new owner (their join again records it too).
        if (holder === null) this.#joined.delete(socketId);
        else this.#joined.set(socketId, { meetingId, owner: holder });
        this.#log.info({ meetingId, from: owner, to: holder, socketId }, 'conference owner changed: its participant here joins again');
      }
      this.#io.local.to(sockets).emit('conference:rejoin', { meetingId, reason: 'owner-moved' });
    }
  }

  /** Stops the timers and lets go of the leases (a clean shutdown hands the conferences on at once). */
  async close(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    const link = this.#link;
    if (link === null) return;
    link.bus.close();
    await Promise.allSettled([...this.#owned.keys()].map((meetingId) => link.leases.release(meetingId)));
    this.#owned.clear();
    await link.quit();
  }
}
