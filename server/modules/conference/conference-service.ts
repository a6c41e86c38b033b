/**
 * A meeting's video conference: who may join and as what, the lobby and the
 * chair's decisions (kept in the database), and every signaling request
 * passed on to media/ for the caller's own peer. Knows nothing of Socket.io:
 * what clients must hear is emitted as `push` (and `detach` when a peer's
 * sockets must stop hearing a conference); the socket module delivers it.
 *
 * Peer id = user id; conference id = meeting id. A user has one peer per
 * conference, owned by one connection (socket): a second join replaces the
 * first. Every request names the caller's connection, so a socket can only
 * act for the peer it joined as; media/ then checks that the transport,
 * producer or consumer named belongs to that peer.
 */
import { EventEmitter } from 'node:events';
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type * as ms from 'mediasoup/types';
import { ConferenceRoom, MediaError, type ConsumerInfo, type Peer, type ProducerInfo, type WebRtcTransportInfo } from '../../../media/index.ts';
import type {
  ConferenceDescription,
  ConferenceJoinResult,
  ConferencePeer,
  ConferenceServerToClientEvents,
  ConferenceSettings,
  ConferenceSource,
  ConferenceStage,
  ConferenceViewMode,
  LobbyEntry,
} from '../../contract/conference-realtime.ts';
import type { SessionUser } from '../../contract/identity.ts';
import type { Db } from '../../db/client.ts';
import { conferenceAdmissions, conferenceMutes, conferenceSettings, endpointAccounts, endpoints, meetingEndpoints, meetings, users } from '../../db/schema/index.ts';
import { AppError } from '../../errors.ts';
import type { DomainEvents } from '../../events.ts';
import { resolveConferenceIdentity, type ConferenceIdentity } from './conference-access.ts';
import type { MediaHost } from './media-host.ts';

type PushEvent = keyof ConferenceServerToClientEvents;
type PushPayload<E extends PushEvent> = Parameters<ConferenceServerToClientEvents[E]>[0];

export type PushTarget = { to: 'all' } | { to: 'chairs' } | { to: 'peer'; userId: string };
export type ConferencePush = { meetingId: string; target: PushTarget; event: PushEvent; payload: unknown };

export type ConferenceServiceEvents = {
  push: [ConferencePush];
  /** the user's sockets must leave this conference's rooms (except the one that just took over, if any) */
  detach: [{ meetingId: string; userId: string; exceptConnectionId?: string; reason: 'left' | 'removed' | 'timeout' | 'replaced' | 'room-closed' }];
};

/** Socket.io rooms a connection enters for a conference. */
export type Enter = (scope: { peer: boolean; all: boolean; chairs: boolean }) => Promise<void>;

type LobbyRecord = { entry: LobbyEntry; connectionId: string };

type MeetingState = {
  meetingId: string;
  /** identities of the peers in the room (and of the one joining) */
  identities: Map<string, ConferenceIdentity>;
  /** which connection owns each peer */
  connections: Map<string, string>;
  hands: Set<string>;
  lobby: Map<string, LobbyRecord>;
  /** socket gone: leave after a grace period unless it comes back */
  graceTimers: Map<string, NodeJS.Timeout>;
};

const JOINABLE = new Set(['published', 'in_session']);

/**
 * A socket that drops is given this long to come back before its peer leaves.
 * Shorter than media/'s peerTimeoutMs on purpose: a closed tab also closes its
 * socket at once, and a peer whose signaling is gone can no longer be told to
 * rejoin, be shown the chair's mute, or leave cleanly.
 */
export const DISCONNECT_GRACE_MS = 5_000;

/** MediaError → an error ack the user can read; anything else stays an internal error. */
export function toAppError(error: unknown): unknown {
  if (!(error instanceof MediaError)) return error;
  switch (error.code) {
    case 'not-found':
      return new AppError(404, 'notFound');
    case 'not-owner':
    case 'forbidden':
      return new AppError(403, 'forbidden');
    case 'invalid':
      return new AppError(400, 'validation');
    case 'closed':
      // the peer must join again (worker lost, removed, replaced)
      return new AppError(409, 'notFound');
    case 'unavailable':
      return new AppError(503, 'internal');
    default:
      return error;
  }
}

async function media<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toAppError(error);
  }
}

export class ConferenceService extends EventEmitter<ConferenceServiceEvents> {
  readonly #db: Db;
  readonly #host: MediaHost;
  readonly #log: FastifyBaseLogger;
  readonly #states = new Map<string, MeetingState>();
  readonly #attached = new WeakSet<ConferenceRoom>();
  readonly #graceMs: number;

  constructor(db: Db, host: MediaHost, events: DomainEvents, log: FastifyBaseLogger, options: { graceMs?: number } = {}) {
    super();
    this.#db = db;
    this.#host = host;
    this.#log = log.child({ module: 'conference' });
    this.#graceMs = options.graceMs ?? DISCONNECT_GRACE_MS;
    events.on('live.floorGiven', ({ meetingId, userId }) => {
      this.#floorFromLive(meetingId, userId).catch((err: unknown) => this.#log.warn({ err, meetingId }, 'could not give the conference floor'));
    });
    events.on('meeting.changed', ({ meetingId, change }) => {
      if (change === 'status:closed') this.#endConference(meetingId);
    });
  }

  // ---- joining ----------------------------------------------------------

  /**
   * Join the meeting's conference as this user (or wait in the lobby). `enter`
   * puts the connection in the conference's socket rooms before the room
   * snapshot is taken, so no push between snapshot and answer is lost.
   */
  async join(user: SessionUser, meetingId: string, connectionId: string, rtpCapabilities: ms.RtpCapabilities | undefined, enter: Enter): Promise<ConferenceJoinResult> {
    const { meeting, identity } = await resolveConferenceIdentity(this.#db, meetingId, user);
    if (meeting.status === 'closed') throw new AppError(409, 'meetingClosed');
    if (!JOINABLE.has(meeting.status)) throw new AppError(409, 'meetingNotInSession');
    const settings = await this.settings(meetingId);

    if (identity.role === 'endpoint' && identity.endpointId !== null) {
      const admission = await this.#admissionOf(meetingId, identity.endpointId);
      const removed = admission === 'removed';
      if (removed || (settings.requireAdmission && admission !== 'admitted')) {
        // Waiting: not in the room; the chair sees it in the lobby.
        const room = this.#host.current?.rooms.get(meetingId);
        if (room?.getPeer(user.id)) room.removePeer(user.id);
        this.#state(meetingId).lobby.set(user.id, {
          connectionId,
          entry: {
            peerId: user.id,
            displayName: identity.displayName,
            level: identity.level,
            endpointId: identity.endpointId,
            since: new Date().toISOString(),
            removed,
          },
        });
        await enter({ peer: true, all: false, chairs: false });
        this.#pushLobby(meetingId);
        return { state: 'lobby', meetingId, removed };
      }
    }

    const mediaService = await this.#host.get();
    const room = await media(() => mediaService.rooms.getOrCreate(meetingId));
    this.#attach(room);
    // fetched after the awaits: a state emptied meanwhile is dropped and must not be written to
    const state = this.#state(meetingId);
    this.#clearGrace(state, user.id);
    if (state.lobby.delete(user.id)) this.#pushLobby(meetingId);

    const previous = state.connections.get(user.id);
    if (previous !== undefined && previous !== connectionId) {
      this.emit('detach', { meetingId, userId: user.id, exceptConnectionId: connectionId, reason: 'replaced' });
    }
    state.identities.set(user.id, identity);
    state.connections.set(user.id, connectionId);
    await enter({ peer: true, all: true, chairs: identity.permissions.isChair });

    const existing = room.getPeer(user.id);
    let peer: Peer;
    if (existing?.needsRejoin) {
      // Its worker died: same peer (mutes, view mode), new router; the client makes new transports.
      peer = await media(() => room.rejoin(user.id));
      if (rtpCapabilities) await media(() => peer.setRtpCapabilities(rtpCapabilities));
    } else {
      const serverMuted = await this.#mutesOf(meetingId, user.id);
      peer = await media(() =>
        room.join({
          peerId: user.id,
          displayName: identity.displayName,
          permissions: identity.permissions,
          ...(rtpCapabilities ? { rtpCapabilities } : {}),
          serverMuted,
        }),
      );
    }
    if (settings.spotlightUserId === user.id && room.spotlightId === null) {
      await media(() => room.setSpotlight(user.id));
    }
    return {
      state: 'joined',
      meetingId,
      routerRtpCapabilities: room.rtpCapabilities,
      me: this.#peerDto(state, peer),
      peers: room
        .peers()
        .filter((p) => p.id !== user.id)
        .map((p) => this.#peerDto(state, room.peer(p.id))),
      stage: this.#stage(room),
      viewMode: peer.viewMode,
      requireAdmission: settings.requireAdmission,
      lobby: identity.permissions.isChair ? this.#lobbyEntries(state) : null,
    };
  }

  /** The connection's socket is gone: its peer leaves after the grace period unless it joins again. */
  disconnected(userId: string, meetingId: string, connectionId: string): void {
    const state = this.#states.get(meetingId);
    if (!state) return;
    const waiting = state.lobby.get(userId);
    if (waiting?.connectionId === connectionId) {
      state.lobby.delete(userId);
      this.#pushLobby(meetingId);
    }
    if (state.connections.get(userId) !== connectionId) return;
    this.#clearGrace(state, userId);
    const timer = setTimeout(() => {
      state.graceTimers.delete(userId);
      if (state.connections.get(userId) !== connectionId) return;
      this.#log.info({ meetingId, userId }, 'conference peer gone with its socket');
      this.#host.current?.rooms.get(meetingId)?.leave(userId);
      this.#forget(state, userId);
    }, this.#graceMs);
    timer.unref();
    state.graceTimers.set(userId, timer);
  }

  async leave(userId: string, meetingId: string, connectionId: string): Promise<void> {
    const state = this.#states.get(meetingId);
    if (!state) return;
    if (state.lobby.get(userId)?.connectionId === connectionId) {
      state.lobby.delete(userId);
      this.#pushLobby(meetingId);
      return;
    }
    if (state.connections.get(userId) !== connectionId) return;
    this.#host.current?.rooms.get(meetingId)?.leave(userId);
    this.#forget(state, userId);
  }

  // ---- the caller's own media ------------------------------------------

  /** The caller's peer, if this connection owns it; else 'notFound' (nothing to act on). */
  #own(userId: string, meetingId: string, connectionId: string): { peer: Peer; room: ConferenceRoom; state: MeetingState } {
    const state = this.#states.get(meetingId);
    const room = this.#host.current?.rooms.get(meetingId);
    const peer = room?.getPeer(userId);
    if (!state || !room || !peer || peer.closed || state.connections.get(userId) !== connectionId) throw new AppError(404, 'notFound');
    return { peer, room, state };
  }

  async setRtpCapabilities(userId: string, meetingId: string, conn: string, caps: ms.RtpCapabilities): Promise<null> {
    const { peer } = this.#own(userId, meetingId, conn);
    await media(() => peer.setRtpCapabilities(caps));
    return null;
  }

  async createTransport(userId: string, meetingId: string, conn: string, direction: 'send' | 'recv', forceTcp = false): Promise<WebRtcTransportInfo> {
    const { peer } = this.#own(userId, meetingId, conn);
    if (direction === 'send' && !(peer.permissions.canProduceAudio || peer.permissions.canProduceVideo || peer.permissions.canShareScreen)) {
      throw new AppError(403, 'forbidden');
    }
    return media(() => peer.createWebRtcTransport({ direction, forceTcp }));
  }

  async connectTransport(userId: string, meetingId: string, conn: string, transportId: string, dtlsParameters: ms.DtlsParameters): Promise<null> {
    const { peer } = this.#own(userId, meetingId, conn);
    await media(() => peer.connectTransport(transportId, dtlsParameters));
    return null;
  }

  async restartIce(userId: string, meetingId: string, conn: string, transportId: string): Promise<{ iceParameters: ms.IceParameters }> {
    const { peer } = this.#own(userId, meetingId, conn);
    return { iceParameters: await media(() => peer.restartIce(transportId)) };
  }

  async produce(
    userId: string,
    meetingId: string,
    conn: string,
    input: { transportId: string; kind: ms.MediaKind; rtpParameters: ms.RtpParameters; source: ConferenceSource; paused?: boolean | undefined },
  ): Promise<ProducerInfo> {
    const { peer } = this.#own(userId, meetingId, conn);
    return media(() =>
      peer.produce({ transportId: input.transportId, kind: input.kind, rtpParameters: input.rtpParameters, appData: { source: input.source }, paused: input.paused === true }),
    );
  }

  async closeProducer(userId: string, meetingId: string, conn: string, producerId: string): Promise<null> {
    const { peer } = this.#own(userId, meetingId, conn);
    await media(() => peer.closeProducer(producerId));
    return null;
  }

  async pauseProducer(userId: string, meetingId: string, conn: string, producerId: string): Promise<null> {
    const { peer } = this.#own(userId, meetingId, conn);
    await media(() => peer.pauseProducer(producerId));
    return null;
  }

  async resumeProducer(userId: string, meetingId: string, conn: string, producerId: string): Promise<null> {
    const { peer } = this.#own(userId, meetingId, conn);
    await media(() => peer.resumeProducer(producerId));
    return null;
  }

  async consume(userId: string, meetingId: string, conn: string, producerId: string): Promise<ConsumerInfo> {
    const { peer } = this.#own(userId, meetingId, conn);
    return media(() => peer.consume(producerId));
  }

  async resumeConsumer(userId: string, meetingId: string, conn: string, consumerId: string): Promise<null> {
    const { peer } = this.#own(userId, meetingId, conn);
    await media(() => peer.resumeConsumer(consumerId));
    return null;
  }

  async pauseConsumer(userId: string, meetingId: string, conn: string, consumerId: string): Promise<null> {
    const { peer } = this.#own(userId, meetingId, conn);
    await media(() => peer.pauseConsumer(consumerId));
    return null;
  }

  async setPreferredLayers(userId: string, meetingId: string, conn: string, consumerId: string, spatialLayer: number, temporalLayer?: number): Promise<null> {
    const { peer } = this.#own(userId, meetingId, conn);
    await media(() => peer.setConsumerPreferredLayers(consumerId, spatialLayer, temporalLayer));
    return null;
  }

  async setViewMode(userId: string, meetingId: string, conn: string, mode: ConferenceViewMode): Promise<null> {
    const { peer } = this.#own(userId, meetingId, conn);
    await media(() => peer.setViewMode(mode));
    return null;
  }

  raiseHand(userId: string, meetingId: string, conn: string, raised: boolean): null {
    const { state, peer } = this.#own(userId, meetingId, conn);
    if (!peer.permissions.canProduceAudio) throw new AppError(403, 'forbidden');
    const changed = raised ? !state.hands.has(userId) : state.hands.has(userId);
    if (raised) state.hands.add(userId);
    else state.hands.delete(userId);
    if (changed) this.#push(meetingId, { to: 'all' }, 'conference:hand', { meetingId, peerId: userId, raised });
    return null;
  }

  // ---- chair controls ---------------------------------------------------

  /** The caller's joined peer, which must be a chair (meeting chair or secretariat). */
  #chair(userId: string, meetingId: string, conn: string): { room: ConferenceRoom; state: MeetingState } {
    const { room, state, peer } = this.#own(userId, meetingId, conn);
    if (!peer.permissions.isChair) throw new AppError(403, 'forbidden');
    return { room, state };
  }

  async admit(userId: string, meetingId: string, conn: string, peerId: string): Promise<null> {
    const { state } = this.#chair(userId, meetingId, conn);
    const waiting = state.lobby.get(peerId);
    if (!waiting) throw new AppError(404, 'notFound');
    const endpointId = waiting.entry.endpointId;
    await this.#setAdmission(meetingId, [endpointId], 'admitted', userId);
    for (const [waitingId, record] of [...state.lobby]) {
      if (record.entry.endpointId !== endpointId) continue;
      state.lobby.delete(waitingId);
      this.#push(meetingId, { to: 'peer', userId: waitingId }, 'conference:admission', { meetingId, state: 'admitted' });
    }
    this.#pushLobby(meetingId);
    return null;
  }

  /** Send an endpoint out (it waits in the lobby until admitted again), refuse one waiting, or put a participant out of the room. */
  async remove(userId: string, meetingId: string, conn: string, peerId: string): Promise<null> {
    const { room, state } = this.#chair(userId, meetingId, conn);
    const waiting = state.lobby.get(peerId);
    if (waiting) {
      await this.#setAdmission(meetingId, [waiting.entry.endpointId], 'removed', userId);
      state.lobby.delete(peerId);
      this.#push(meetingId, { to: 'peer', userId: peerId }, 'conference:admission', { meetingId, state: 'refused' });
      this.#pushLobby(meetingId);
      return null;
    }
    const target = room.getPeer(peerId);
    const identity = state.identities.get(peerId);
    if (!target || !identity) throw new AppError(404, 'notFound');
    if (target.permissions.isChair) throw new AppError(403, 'forbidden');
    if (identity.endpointId !== null) {
      const endpointId = identity.endpointId;
      await this.#setAdmission(meetingId, [endpointId], 'removed', userId);
      for (const [id, other] of [...state.identities]) if (other.endpointId === endpointId) room.removePeer(id);
    } else {
      room.removePeer(peerId);
    }
    return null;
  }

  async mute(userId: string, meetingId: string, conn: string, peerId: string | 'all', sources: ConferenceSource[] = ['mic']): Promise<null> {
    const { room } = this.#chair(userId, meetingId, conn);
    let targets = room.peers().filter((p) => !p.permissions.isChair);
    if (peerId !== 'all') {
      const one = room.getPeer(peerId);
      if (!one) throw new AppError(404, 'notFound');
      targets = [one.info()];
    }
    if (targets.length === 0) return null;
    await this.#db.transaction(async (tx) => {
      for (const target of targets) {
        const merged = [...new Set([...target.serverMuted, ...sources])];
        await tx
          .insert(conferenceMutes)
          .values({ meetingId, userId: target.id, sources: merged })
          .onConflictDoUpdate({ target: [conferenceMutes.meetingId, conferenceMutes.userId], set: { sources: merged, updatedAt: new Date() } });
      }
    });
    await media(() => Promise.all(targets.map((t) => room.mutePeer(t.id, sources))));
    return null;
  }

  /** Lift every mute the chair holds on this peer (its own buttons decide again). */
  async unmute(userId: string, meetingId: string, conn: string, peerId: string): Promise<null> {
    const { room } = this.#chair(userId, meetingId, conn);
    if (!room.getPeer(peerId)) throw new AppError(404, 'notFound');
    await this.#db.delete(conferenceMutes).where(and(eq(conferenceMutes.meetingId, meetingId), eq(conferenceMutes.userId, peerId)));
    await media(() => room.unmutePeer(peerId));
    return null;
  }

  /** Unmute the peer's mic (even one it paused itself) and put it on the big screen for everyone. */
  async giveFloor(userId: string, meetingId: string, conn: string, peerId: string): Promise<null> {
    const { room, state } = this.#chair(userId, meetingId, conn);
    if (!room.getPeer(peerId)) throw new AppError(404, 'notFound');
    await this.#floor(room, state, peerId);
    return null;
  }

  async spotlight(userId: string, meetingId: string, conn: string, peerId: string | null): Promise<null> {
    const { room } = this.#chair(userId, meetingId, conn);
    if (peerId !== null && !room.getPeer(peerId)) throw new AppError(404, 'notFound');
    await this.#saveSettings(meetingId, { spotlightUserId: peerId });
    await media(() => room.setSpotlight(peerId));
    return null;
  }

  async setAdmissionRequired(userId: string, meetingId: string, conn: string, required: boolean): Promise<null> {
    const { state } = this.#chair(userId, meetingId, conn);
    await this.#applyAdmissionRequired(meetingId, state, required, userId);
    return null;
  }

  // ---- settings (REST, for the secretariat preparing the meeting) --------

  async settings(meetingId: string): Promise<ConferenceSettings> {
    const [row] = await this.#db.select().from(conferenceSettings).where(eq(conferenceSettings.meetingId, meetingId)).limit(1);
    return { meetingId, requireAdmission: row?.requireAdmission ?? false, spotlightUserId: row?.spotlightUserId ?? null };
  }

  /** What the page needs before joining: may I join, as what, with which settings. */
  async describe(user: SessionUser, meetingId: string): Promise<ConferenceDescription> {
    const { meeting, identity } = await resolveConferenceIdentity(this.#db, meetingId, user);
    return {
      meeting: { id: meeting.id, title: meeting.title, status: meeting.status },
      settings: await this.settings(meetingId),
      me: { id: user.id, displayName: identity.displayName, level: identity.level, role: identity.role, endpointId: identity.endpointId, permissions: identity.permissions },
    };
  }

  /**
   * Published or running meetings whose conference this user joins as an
   * endpoint account (those accounts are not meeting participants, so the
   * meetings list does not show them), soonest first.
   */
  async endpointConferences(user: SessionUser): Promise<{ meetingId: string; title: string; status: string; startsAt: string; endpointId: string; endpointName: string }[]> {
    const rows = await this.#db
      .select({ meeting: meetings, endpointId: endpoints.id, endpointName: endpoints.name })
      .from(endpointAccounts)
      .innerJoin(endpoints, eq(endpoints.id, endpointAccounts.endpointId))
      .innerJoin(meetingEndpoints, eq(meetingEndpoints.endpointId, endpoints.id))
      .innerJoin(meetings, eq(meetings.id, meetingEndpoints.meetingId))
      .where(and(eq(endpointAccounts.userId, user.id), eq(endpoints.active, true), inArray(meetings.status, ['published', 'in_session'])))
      .orderBy(asc(meetings.startsAt))
      .limit(100);
    return rows.map((r) => ({ meetingId: r.meeting.id, title: r.meeting.title, status: r.meeting.status, startsAt: r.meeting.startsAt.toISOString(), endpointId: r.endpointId, endpointName: r.endpointName }));
  }

  async updateSettings(user: SessionUser, meetingId: string, patch: { requireAdmission: boolean }): Promise<ConferenceSettings> {
    const { identity, meeting } = await resolveConferenceIdentity(this.#db, meetingId, user);
    if (identity.role !== 'chair') throw new AppError(403, 'forbidden');
    if (meeting.status === 'closed') throw new AppError(409, 'meetingClosed');
    await this.#applyAdmissionRequired(meetingId, this.#state(meetingId), patch.requireAdmission, user.id);
    return this.settings(meetingId);
  }

  // ---- internals ----------------------------------------------------------

  #state(meetingId: string): MeetingState {
    let state = this.#states.get(meetingId);
    if (!state) {
      state = { meetingId, identities: new Map(), connections: new Map(), hands: new Set(), lobby: new Map(), graceTimers: new Map() };
      this.#states.set(meetingId, state);
    }
    return state;
  }

  #clearGrace(state: MeetingState, userId: string): void {
    const timer = state.graceTimers.get(userId);
    if (timer) clearTimeout(timer);
    state.graceTimers.delete(userId);
  }

  #forget(state: MeetingState, userId: string): void {
    this.#clearGrace(state, userId);
    state.identities.delete(userId);
    state.connections.delete(userId);
    if (state.hands.delete(userId)) this.#push(state.meetingId, { to: 'all' }, 'conference:hand', { meetingId: state.meetingId, peerId: userId, raised: false });
    this.#dropIfIdle(state);
  }

  #dropIfIdle(state: MeetingState): void {
    if (state.identities.size === 0 && state.lobby.size === 0 && state.graceTimers.size === 0 && this.#states.get(state.meetingId) === state) {
      this.#states.delete(state.meetingId);
    }
  }

  #push<E extends PushEvent>(meetingId: string, target: PushTarget, event: E, payload: PushPayload<E>): void {
    this.emit('push', { meetingId, target, event, payload });
  }

  #lobbyEntries(state: MeetingState): LobbyEntry[] {
    return [...state.lobby.values()].map((r) => r.entry).sort((a, b) => a.since.localeCompare(b.since));
  }

  #pushLobby(meetingId: string): void {
    const state = this.#states.get(meetingId);
    this.#push(meetingId, { to: 'chairs' }, 'conference:lobby', { meetingId, entries: state ? this.#lobbyEntries(state) : [] });
  }

  #stage(room: ConferenceRoom): ConferenceStage {
    const stage = room.stage;
    return { peerId: stage.peerId, reason: stage.reason, activeSpeakerId: room.activeSpeakerId };
  }

  #peerDto(state: MeetingState, peer: Peer): ConferencePeer {
    const info = peer.info();
    const identity = state.identities.get(peer.id);
    return {
      id: info.id,
      displayName: identity?.displayName ?? info.displayName,
      level: identity?.level ?? null,
      role: identity?.role ?? 'guest',
      endpointId: identity?.endpointId ?? null,
      permissions: info.permissions,
      serverMuted: info.serverMuted,
      connected: info.connected,
      handRaised: state.hands.has(info.id),
      producers: info.producers,
    };
  }

  /** Turn the room's events into pushes, once per room object. */
  #attach(room: ConferenceRoom): void {
    if (this.#attached.has(room)) return;
    this.#attached.add(room);
    const meetingId = room.id;
    const all: PushTarget = { to: 'all' };
    const peerUpdate = (peerId: string) => {
      const state = this.#states.get(meetingId);
      const peer = room.getPeer(peerId);
      if (state && peer) this.#push(meetingId, all, 'conference:peerUpdated', { meetingId, peer: this.#peerDto(state, peer) });
    };
    room.on('peerJoined', ({ peerId }) => {
      const state = this.#state(meetingId);
      const peer = room.getPeer(peerId);
      if (peer) this.#push(meetingId, all, 'conference:peerJoined', { meetingId, peer: this.#peerDto(state, peer) });
    });
    room.on('peerLeft', ({ peerId, reason }) => {
      if (reason === 'replaced') return; // the new peer's peerJoined follows
      this.#push(meetingId, all, 'conference:peerLeft', { meetingId, peerId, reason });
      this.emit('detach', { meetingId, userId: peerId, reason });
      const state = this.#states.get(meetingId);
      if (state) this.#forget(state, peerId);
    });
    room.on('peerConnectionChanged', ({ peerId }) => peerUpdate(peerId));
    room.on('peerMuteChanged', ({ peerId }) => peerUpdate(peerId));
    room.on('producerAdded', (producer) => this.#push(meetingId, all, 'conference:newProducer', { meetingId, producer }));
    room.on('producerClosed', ({ producerId, peerId }) => this.#push(meetingId, all, 'conference:producerClosed', { meetingId, producerId, peerId }));
    room.on('producerPaused', ({ producerId, peerId, source, byServer }) =>
      this.#push(meetingId, all, 'conference:producerPaused', { meetingId, producerId, peerId, source, byServer }),
    );
    room.on('producerResumed', ({ producerId, peerId, source, byServer }) =>
      this.#push(meetingId, all, 'conference:producerResumed', { meetingId, producerId, peerId, source, byServer }),
    );
    room.on('consumerClosed', ({ peerId, consumerId, producerId }) =>
      this.#push(meetingId, { to: 'peer', userId: peerId }, 'conference:consumerClosed', { meetingId, consumerId, producerId }),
    );
    room.on('stageChanged', () => this.#push(meetingId, all, 'conference:stage', { meetingId, stage: this.#stage(room) }));
    room.on('activeSpeaker', () => this.#push(meetingId, all, 'conference:stage', { meetingId, stage: this.#stage(room) }));
    room.on('peerNeedsRejoin', ({ peerId, reason }) => this.#push(meetingId, { to: 'peer', userId: peerId }, 'conference:rejoin', { meetingId, reason }));
  }

  async #floor(room: ConferenceRoom, state: MeetingState, peerId: string): Promise<void> {
    const [row] = await this.#db
      .select({ sources: conferenceMutes.sources })
      .from(conferenceMutes)
      .where(and(eq(conferenceMutes.meetingId, state.meetingId), eq(conferenceMutes.userId, peerId)));
    const rest = (row?.sources ?? []).filter((s) => s !== 'mic');
    await this.#db.transaction(async (tx) => {
      if (rest.length === 0) {
        await tx.delete(conferenceMutes).where(and(eq(conferenceMutes.meetingId, state.meetingId), eq(conferenceMutes.userId, peerId)));
      } else {
        await tx.update(conferenceMutes).set({ sources: rest, updatedAt: new Date() }).where(and(eq(conferenceMutes.meetingId, state.meetingId), eq(conferenceMutes.userId, peerId)));
      }
    });
    await this.#saveSettings(state.meetingId, { spotlightUserId: peerId });
    await media(() => room.giveFloor(peerId));
    if (state.hands.delete(peerId)) this.#push(state.meetingId, { to: 'all' }, 'conference:hand', { meetingId: state.meetingId, peerId, raised: false });
  }

  /**
   * The chair gave the floor in the live meeting: give it in the conference
   * too, to that user's own peer, else to the endpoint the person attends
   * from (an endpoint of this meeting in the person's unit) when it is connected.
   */
  async #floorFromLive(meetingId: string, userId: string): Promise<void> {
    const room = this.#host.current?.rooms.get(meetingId);
    const state = this.#states.get(meetingId);
    if (!room || !state) return;
    let target: string | undefined = room.getPeer(userId) ? userId : undefined;
    if (target === undefined) {
      const halls = await this.#db
        .select({ endpointId: endpoints.id })
        .from(users)
        .innerJoin(endpoints, eq(endpoints.unitId, users.unitId))
        .innerJoin(meetingEndpoints, and(eq(meetingEndpoints.endpointId, endpoints.id), eq(meetingEndpoints.meetingId, meetingId)))
        .where(eq(users.id, userId));
      const hallIds = new Set(halls.map((h) => h.endpointId));
      target = [...state.identities.values()].find((i) => i.endpointId !== null && hallIds.has(i.endpointId) && room.getPeer(i.userId))?.userId;
    }
    if (target !== undefined) await this.#floor(room, state, target);
  }

  async #applyAdmissionRequired(meetingId: string, state: MeetingState, required: boolean, decidedBy: string): Promise<void> {
    await this.#saveSettings(meetingId, { requireAdmission: required });
    if (required) {
      // Endpoints already in the conference stay: they count as admitted.
      const present = [...new Set([...state.identities.values()].map((i) => i.endpointId).filter((id): id is string => id !== null))];
      if (present.length > 0) {
        await this.#db
          .insert(conferenceAdmissions)
          .values(present.map((endpointId) => ({ meetingId, endpointId, status: 'admitted' as const, decidedBy })))
          .onConflictDoNothing();
      }
    } else {
      // Those waiting only because admission was required may come in; those sent out still wait.
      for (const [waitingId, record] of [...state.lobby]) {
        if (record.entry.removed) continue;
        state.lobby.delete(waitingId);
        this.#push(meetingId, { to: 'peer', userId: waitingId }, 'conference:admission', { meetingId, state: 'admitted' });
      }
      this.#pushLobby(meetingId);
    }
    this.#push(meetingId, { to: 'all' }, 'conference:settings', { meetingId, requireAdmission: required });
  }

  async #saveSettings(meetingId: string, patch: { requireAdmission?: boolean; spotlightUserId?: string | null }): Promise<void> {
    await this.#db
      .insert(conferenceSettings)
      .values({ meetingId, ...patch })
      .onConflictDoUpdate({ target: conferenceSettings.meetingId, set: { ...patch, updatedAt: new Date() } });
  }

  async #admissionOf(meetingId: string, endpointId: string): Promise<'admitted' | 'removed' | undefined> {
    const [row] = await this.#db
      .select({ status: conferenceAdmissions.status })
      .from(conferenceAdmissions)
      .where(and(eq(conferenceAdmissions.meetingId, meetingId), eq(conferenceAdmissions.endpointId, endpointId)));
    return row?.status;
  }

  async #setAdmission(meetingId: string, endpointIds: string[], status: 'admitted' | 'removed', decidedBy: string): Promise<void> {
    if (endpointIds.length === 0) return;
    await this.#db
      .insert(conferenceAdmissions)
      .values(endpointIds.map((endpointId) => ({ meetingId, endpointId, status, decidedBy })))
      .onConflictDoUpdate({ target: [conferenceAdmissions.meetingId, conferenceAdmissions.endpointId], set: { status, decidedBy, decidedAt: new Date() } });
  }

  async #mutesOf(meetingId: string, userId: string): Promise<ConferenceSource[]> {
    const [row] = await this.#db
      .select({ sources: conferenceMutes.sources })
      .from(conferenceMutes)
      .where(and(eq(conferenceMutes.meetingId, meetingId), eq(conferenceMutes.userId, userId)));
    return (row?.sources ?? []).filter((s): s is ConferenceSource => s === 'mic' || s === 'camera' || s === 'screen');
  }

  /** The meeting closed: everyone out, the lobby told. */
  #endConference(meetingId: string): void {
    const state = this.#states.get(meetingId);
    // before the room closes: closing it takes every socket out of the conference's rooms
    this.#push(meetingId, { to: 'all' }, 'conference:ended', { meetingId });
    if (state) {
      for (const waitingId of state.lobby.keys()) {
        this.#push(meetingId, { to: 'peer', userId: waitingId }, 'conference:ended', { meetingId });
        this.emit('detach', { meetingId, userId: waitingId, reason: 'room-closed' });
      }
      state.lobby.clear();
    }
    this.#host.current?.rooms.get(meetingId)?.close();
    if (state) {
      for (const timer of state.graceTimers.values()) clearTimeout(timer);
      this.#states.delete(meetingId);
    }
  }

  /** For tests and diagnostics: the room of a meeting, if media runs and it is open. */
  room(meetingId: string): ConferenceRoom | undefined {
    return this.#host.current?.rooms.get(meetingId);
  }

  /** Idempotent: stops timers (the media host closes the rooms). */
  close(): void {
    for (const state of this.#states.values()) for (const timer of state.graceTimers.values()) clearTimeout(timer);
    this.#states.clear();
  }
}
