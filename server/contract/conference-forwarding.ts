/**
 * What app processes say to each other about a conference (over Redis,
 * server/modules/conference/ownership/): a process that is not the owner of
 * a meeting's conference forwards its sockets' calls to the owner and
 * hears the answer back. Every message is checked against these schemas on
 * arrival, like a client's payload: Redis is shared infrastructure, and a
 * malformed or forged message must be refused, never run.
 *
 * The event's own payload stays `unknown` here: the owner checks it with the
 * event's contract schema (the same one the socket router uses).
 */
import Type, { type Static } from 'typebox';
import { Uuid } from './common.ts';
import { EndpointDto } from './conference.ts';
import { SessionUser } from './identity.ts';

/** a process id (random, made at start-up) or a socket id: short tokens, no separators */
const Token = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });

/** A socket's call, run by the owner on a stand-in for the caller's socket. */
export const ForwardedCall = Type.Object(
  {
    kind: Type.Literal('call'),
    /** the request's id, echoed in the answer */
    id: Token,
    /** the process to answer (it holds the caller's socket) */
    replyTo: Token,
    event: Type.String({ minLength: 1, maxLength: 64, pattern: '^conference:[A-Za-z]+$' }),
    payload: Type.Unknown(),
    socketId: Token,
    user: SessionUser,
  },
  { additionalProperties: false },
);
export type ForwardedCall = Static<typeof ForwardedCall>;

/** The caller's socket went away (its process saw the disconnect): the owner starts the peer's grace period. */
export const ForwardedDisconnect = Type.Object(
  { kind: Type.Literal('disconnect'), meetingId: Uuid, socketId: Token },
  { additionalProperties: false },
);
export type ForwardedDisconnect = Static<typeof ForwardedDisconnect>;

/** A domain event that happened on another process and concerns the conference's owner (the live floor, a closed meeting). */
export const ForwardedEvent = Type.Object(
  {
    kind: Type.Literal('event'),
    meetingId: Uuid,
    event: Type.Union([
      Type.Object({ name: Type.Literal('live.floorGiven'), userId: Uuid }, { additionalProperties: false }),
      Type.Object({ name: Type.Literal('meeting.closed') }, { additionalProperties: false }),
      /** the agenda item open now (a chapter of a recording running on the owner) */
      Type.Object(
        {
          name: Type.Literal('live.agenda'),
          item: Type.Union([Type.Object({ itemId: Uuid, title: Type.String({ maxLength: 2_000 }) }, { additionalProperties: false }), Type.Null()]),
        },
        { additionalProperties: false },
      ),
    ]),
  },
  { additionalProperties: false },
);
export type ForwardedEvent = Static<typeof ForwardedEvent>;

/**
 * What only the owner knows or does, asked by a REST route served by another
 * process (the caller has already authorised the user): the roll call's live
 * part, applying the admission setting to the lobby and those present, or
 * starting and stopping a recording (its ffmpeg reads the owner's room; the
 * owner checks the user's right itself).
 */
export const OwnerQuery = Type.Union([
  Type.Object({ name: Type.Literal('points'), endpoints: Type.Array(EndpointDto, { maxItems: 5_000 }) }, { additionalProperties: false }),
  Type.Object({ name: Type.Literal('admission'), required: Type.Boolean(), decidedBy: Uuid }, { additionalProperties: false }),
  Type.Object({ name: Type.Literal('recording'), action: Type.Union([Type.Literal('start'), Type.Literal('stop')]), user: SessionUser }, { additionalProperties: false }),
]);
export type OwnerQuery = Static<typeof OwnerQuery>;

export const ForwardedQuery = Type.Object(
  { kind: Type.Literal('query'), id: Token, replyTo: Token, meetingId: Uuid, query: OwnerQuery },
  { additionalProperties: false },
);
export type ForwardedQuery = Static<typeof ForwardedQuery>;

export const ForwardedMessage = Type.Union([ForwardedCall, ForwardedQuery, ForwardedDisconnect, ForwardedEvent]);
export type ForwardedMessage = Static<typeof ForwardedMessage>;

/** The owner's answer to a forwarded call: the handler's data, or the AppError it refused with (translated by the caller's process, in the caller's language). */
export const ForwardedAnswer = Type.Union([
  Type.Object({ id: Token, ok: Type.Literal(true), data: Type.Unknown() }, { additionalProperties: false }),
  Type.Object(
    {
      id: Token,
      ok: Type.Literal(false),
      status: Type.Integer({ minimum: 400, maximum: 599 }),
      key: Type.String({ minLength: 1, maxLength: 64 }),
      params: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()])),
    },
    { additionalProperties: false },
  ),
]);
export type ForwardedAnswer = Static<typeof ForwardedAnswer>;
