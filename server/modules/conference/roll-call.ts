/**
 * Roll call of the conference's points (điểm danh điểm cầu): every endpoint
 * of the meeting with where it stands now (connected, reconnecting, waiting
 * in the lobby, left, never joined) and how good a link it has, so the chair
 * of a province conference with 100-170 communes sees at once which points
 * are missing or struggling.
 *
 * Link quality comes from mediasoup's consumer scores (0-10, what a point
 * receives; a lossy commune link scores low). "Joined earlier" is kept with
 * the meeting's endpoints in the database (the first time each came), so a
 * restart or another app process still tells "left" from "never joined".
 */
import type { FastifyBaseLogger } from 'fastify';
import { and, eq, isNotNull, isNull } from 'drizzle-orm';
import type { ConferenceRoom } from '../../../media/index.ts';
import type { ConferencePointDto, EndpointDto } from '../../contract/conference.ts';
import type { Db } from '../../db/client.ts';
import { meetingEndpoints } from '../../db/schema/conference.ts';
import type { Presence } from './presence.ts';

/** mediasoup scores below this are a poor link (10 is perfect; the score drops with loss and retransmissions). */
const POOR_SCORE = 5;

export class RollCall {
  readonly #db: Db;
  readonly #log: FastifyBaseLogger;
  /** meeting → endpoints known to have come (saves writing the same first time again) */
  readonly #seen = new Map<string, Set<string>>();
  /** meeting → peer → consumer → latest score */
  readonly #scores = new Map<string, Map<string, Map<string, number>>>();
  readonly #watched = new WeakSet<ConferenceRoom>();

  constructor(db: Db, log: FastifyBaseLogger) {
    this.#db = db;
    this.#log = log;
  }

  /** An endpoint came to the conference (joined or waits in the lobby): the first time is written down, without holding up the join. */
  sawEndpoint(meetingId: string, endpointId: string | null): void {
    if (endpointId === null) return;
    let seen = this.#seen.get(meetingId);
    if (!seen) this.#seen.set(meetingId, (seen = new Set()));
    if (seen.has(endpointId)) return;
    seen.add(endpointId);
    this.#db
      .update(meetingEndpoints)
      .set({ firstJoinedAt: new Date() })
      .where(and(eq(meetingEndpoints.meetingId, meetingId), eq(meetingEndpoints.endpointId, endpointId), isNull(meetingEndpoints.firstJoinedAt)))
      .then(
        () => undefined,
        (err: unknown) => {
          seen.delete(endpointId);
          this.#log.warn({ err, meetingId, endpointId }, 'could not record that a point joined');
        },
      );
  }

  /** Endpoints of the meeting that have come to its conference at some time. */
  async #joinedBefore(meetingId: string): Promise<Set<string>> {
    const rows = await this.#db
      .select({ endpointId: meetingEndpoints.endpointId })
      .from(meetingEndpoints)
      .where(and(eq(meetingEndpoints.meetingId, meetingId), isNotNull(meetingEndpoints.firstJoinedAt)));
    return new Set([...rows.map((r) => r.endpointId), ...(this.#seen.get(meetingId) ?? [])]);
  }

  /** Follows a room's consumer scores (once per room object). */
  watch(room: ConferenceRoom): void {
    if (this.#watched.has(room)) return;
    this.#watched.add(room);
    const meetingId = room.id;
    room.on('consumerScore', ({ peerId, consumerId, score }) => this.#peerScores(meetingId, peerId).set(consumerId, score));
    room.on('consumerClosed', ({ peerId, consumerId }) => this.#scores.get(meetingId)?.get(peerId)?.delete(consumerId));
    room.on('peerLeft', ({ peerId }) => this.#scores.get(meetingId)?.delete(peerId));
    room.on('closed', () => this.#scores.delete(meetingId));
  }

  /** The meeting ended: nothing of it is kept. */
  forget(meetingId: string): void {
    this.#seen.delete(meetingId);
    this.#scores.delete(meetingId);
  }

  async points(meetingId: string, endpoints: EndpointDto[], room: ConferenceRoom | undefined, presence: Presence): Promise<ConferencePointDto[]> {
    const state = presence.get(meetingId);
    const peerOfEndpoint = new Map<string, string>();
    for (const identity of state?.identities.values() ?? []) {
      if (identity.endpointId !== null && room?.getPeer(identity.userId)) peerOfEndpoint.set(identity.endpointId, identity.userId);
    }
    const waiting = new Set([...(state?.lobby.values() ?? [])].map((record) => record.entry.endpointId));
    const seen = await this.#joinedBefore(meetingId);
    return endpoints.map((endpoint) => {
      const peerId = peerOfEndpoint.get(endpoint.id) ?? null;
      const peer = peerId === null ? undefined : room?.getPeer(peerId);
      const pointState: ConferencePointDto['state'] = peer
        ? peer.connected
          ? 'connected'
          : 'reconnecting'
        : waiting.has(endpoint.id)
          ? 'waiting'
          : seen.has(endpoint.id)
            ? 'left'
            : 'never';
      return {
        endpointId: endpoint.id,
        name: endpoint.name,
        level: endpoint.level,
        peerId,
        state: pointState,
        link: peer && peerId !== null ? this.#link(meetingId, peerId) : null,
        micMutedByChair: peer?.serverMuted.includes('mic') ?? false,
      };
    });
  }

  #link(meetingId: string, peerId: string): 'good' | 'poor' | null {
    const scores = [...(this.#scores.get(meetingId)?.get(peerId)?.values() ?? [])];
    if (scores.length === 0) return null;
    return Math.min(...scores) < POOR_SCORE ? 'poor' : 'good';
  }

  #peerScores(meetingId: string, peerId: string): Map<string, number> {
    let peers = this.#scores.get(meetingId);
    if (!peers) this.#scores.set(meetingId, (peers = new Map()));
    let consumers = peers.get(peerId);
    if (!consumers) peers.set(peerId, (consumers = new Map()));
    return consumers;
  }
}
