/**
 * A meeting's video conference: who may join and as what, the lobby (the
 * join state machine), and the caller's own peer for the signaling calls.
 * The chair's controls live in chair-controls.ts, the calls passed on to
 * media/ in media-proxy.ts, what is kept in the database in
 * conference-store.ts and who is present in presence.ts. Knows nothing of
 * Socket.io: what clients must hear is emitted as `push` (and `detach` when a
 * peer's sockets must stop hearing a conference) by `presence`; the socket
 * module delivers it.
 *
 * Peer id = user id; conference id = meeting id. A user has one peer per
 * conference, owned by one connection (socket): a second join replaces the
 * first. Every request names the caller's connection, so a socket can only
 * act for the peer it joined as; media/ then checks that the transport,
 * producer or consumer named belongs to that peer.
 */
import type { FastifyBaseLogger } from 'fastify';
import type * as ms from 'mediasoup/types';
import type { ConferenceRoom, Peer } from '../../../media/index.ts';
import type { ConferenceDescription, ConferenceJoinResult, ConferenceSettings, ConferenceSource, IceServer } from '../../contract/conference-realtime.ts';
import type { ConferencePointDto, EndpointConference, EndpointDto } from '../../contract/conference.ts';
import type { SessionUser } from '../../contract/identity.ts';
import type { Db } from '../../db/client.ts';
import { AppError } from '../../errors.ts';
import type { DomainEvents } from '../../events.ts';
import { resolveConferenceIdentity, type ConferenceIdentity } from './conference-access.ts';
import { ConferenceStore } from './conference-store.ts';
import { ChairControls } from './chair-controls.ts';
import { RaisedHands } from './hands.ts';
import type { ConferenceDeps } from './deps.ts';
import type { MediaHost } from './media-host.ts';
import { media } from './media-proxy.ts';
import { Presence, stageOf, type MeetingState } from './presence.ts';
import { relayRoomEvents } from './room-events.ts';
import { RollCall } from './roll-call.ts';
import type { NodePlacement } from './node-placement.ts';

export type { ConferencePush, ConferenceServiceEvents, PushTarget } from './presence.ts';

/** Socket.io rooms a connection enters for a conference. */
export type Enter = (scope: { peer: boolean; all: boolean; chairs: boolean }) => Promise<void>;

const JOINABLE = new Set(['published', 'in_session']);

/**
 * A socket that drops is given this long to come back before its peer leaves.
 * Shorter than media/'s peerTimeoutMs on purpose: a closed tab also closes its
 * socket at once, and a peer whose signaling is gone can no longer be told to
 * rejoin, be shown the chair's mute, or leave cleanly.
 */
export const DISCONNECT_GRACE_MS = 5_000;

/** An endpoint account's conferences: published or running meetings, soonest first, at most this many. */
const MINE_LIMIT = 100;

export class ConferenceService {
  readonly #db: Db;
  readonly #deps: ConferenceDeps;
  readonly #host: MediaHost;
  readonly #log: FastifyBaseLogger;
  readonly #store: ConferenceStore;
  readonly #graceMs: number;
  readonly #iceServers: (userId: string) => IceServer[];
  readonly #placement: NodePlacement | undefined;
  readonly #hands: RaisedHands;
  /** who is present; emits `push` and `detach` for the socket module */
  readonly presence = new Presence();
  readonly rollCall: RollCall;
  readonly chair: ChairControls;

  constructor(db: Db, deps: ConferenceDeps, host: MediaHost, events: DomainEvents, log: FastifyBaseLogger, options: { graceMs?: number; iceServers?: (userId: string) => IceServer[]; placement?: NodePlacement } = {}) {
    this.#db = db;
    this.#deps = deps;
    this.#host = host;
    this.#log = log.child({ module: 'conference' });
    this.rollCall = new RollCall(db, this.#log);
    this.#store = new ConferenceStore(db);
    this.#graceMs = options.graceMs ?? DISCONNECT_GRACE_MS;
    this.#iceServers = options.iceServers ?? (() => []);
    this.#placement = options.placement;
    this.chair = new ChairControls(this.#store, this.presence, deps.users, (userId, meetingId, conn) => this.#chair(userId, meetingId, conn));
    this.#hands = new RaisedHands(db, this.#log);
    this.presence.on('hand', ({ meetingId, userId, raised }) => this.#hands.record(meetingId, userId, raised));
    events.on('live.floorGiven', ({ meetingId, userId }) => this.liveFloorGiven(meetingId, userId));
    events.on('meeting.changed', ({ meetingId, change }) => {
      if (change === 'status:closed') this.endConference(meetingId);
    });
  }

  /** The chair gave the floor in the live meeting (on this process or, forwarded to the owner, on another). */
  liveFloorGiven(meetingId: string, userId: string): void {
    const room = this.room(meetingId);
    const state = this.presence.get(meetingId);
    if (!room || !state) return;
    this.chair.floorFromLive(room, state, userId).catch((err: unknown) => this.#log.warn({ err, meetingId }, 'could not give the conference floor'));
  }

  /**
   * What the chair holds muted for a peer joining. A commune point the chair
   * has never decided about joins with its mic held muted: a province
   * conference links 100-170 communes, and an open microphone in each would
   * drown the hall; the chair unmutes or gives the floor, and that decision
   * then holds across reconnects.
   */
  async #mutesOnJoin(meetingId: string, identity: ConferenceIdentity): Promise<ConferenceSource[]> {
    const held = await this.#store.mutesOf(meetingId, identity.userId);
    if (held !== null) return held;
    if (identity.level !== 'commune' || identity.endpointId === null) return [];
    await this.#store.addMutes(meetingId, [{ id: identity.userId, serverMuted: [] }], ['mic']);
    return ['mic'];
  }

  // ---- joining ----------------------------------------------------------

  /**
   * Join the meeting's conference as this user (or wait in the lobby). `enter`
   * puts the connection in the conference's socket rooms before the room
   * snapshot is taken, so no push between snapshot and answer is lost.
   */
  async join(user: SessionUser, meetingId: string, connectionId: string, rtpCapabilities: ms.RtpCapabilities | undefined, enter: Enter): Promise<ConferenceJoinResult> {
    const { meeting, identity } = await resolveConferenceIdentity(this.#db, this.#deps, meetingId, user);
    if (meeting.status === 'closed') throw new AppError(409, 'meetingClosed');
    if (!JOINABLE.has(meeting.status)) throw new AppError(409, 'meetingNotInSession');
    const settings = await this.settings(meetingId);

    if (identity.role === 'endpoint' && identity.endpointId !== null) {
      const admission = await this.#store.admissionOf(meetingId, identity.endpointId);
      const removed = admission === 'removed';
      if (removed || (settings.requireAdmission && admission !== 'admitted')) {
        // Waiting: not in the room; the chair sees it in the lobby.
        const room = this.room(meetingId);
        if (room?.getPeer(user.id)) room.removePeer(user.id);
        this.presence.of(meetingId).lobby.set(user.id, {
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
        this.rollCall.sawEndpoint(meetingId, identity.endpointId);
        this.presence.pushLobby(meetingId);
        return { state: 'lobby', meetingId, removed };
      }
    }

    // a hand up before the conference moved to this process (its owner was lost) is up again
    const handUp = await this.#hands.isRaised(meetingId, user.id);
    const mediaService = await this.#host.get();
    const room = await media(() => mediaService.rooms.getOrCreate(meetingId));
    relayRoomEvents(room, this.presence);
    this.rollCall.watch(room);
    this.rollCall.sawEndpoint(meetingId, identity.endpointId);
    // fetched after the awaits: a state emptied meanwhile is dropped and must not be written to
    const state = this.presence.of(meetingId);
    this.presence.clearGrace(state, user.id);
    if (state.lobby.delete(user.id)) this.presence.pushLobby(meetingId);

    const previous = state.connections.get(user.id);
    if (previous !== undefined && previous !== connectionId) {
      this.presence.emit('detach', { meetingId, userId: user.id, exceptConnectionId: connectionId, reason: 'replaced' });
    }
    state.identities.set(user.id, identity);
    state.connections.set(user.id, connectionId);
    if (handUp) state.hands.add(user.id);
    await enter({ peer: true, all: true, chairs: identity.permissions.isChair });

    const existing = room.getPeer(user.id);
    let peer: Peer;
    if (existing?.needsRejoin) {
      // Its worker died: same peer (mutes, view mode), new router; the client makes new transports.
      peer = await media(() => room.rejoin(user.id));
      if (rtpCapabilities) await media(() => peer.setRtpCapabilities(rtpCapabilities));
    } else {
      const serverMuted = await this.#mutesOnJoin(meetingId, identity);
      const node = await this.#placement?.nodeFor(identity);
      peer = await media(() =>
        room.join({
          ...(node === undefined ? {} : { node }),
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
      iceServers: this.#iceServers(user.id),
      me: this.presence.peerDto(state, peer),
      peers: room
        .peers()
        .filter((p) => p.id !== user.id)
        .map((p) => this.presence.peerDto(state, room.peer(p.id))),
      stage: stageOf(room),
      viewMode: peer.viewMode,
      requireAdmission: settings.requireAdmission,
      lobby: identity.permissions.isChair ? this.presence.lobbyEntries(state) : null,
    };
  }

  /** The connection's socket is gone: its peer leaves after the grace period unless it joins again. */
  disconnected(userId: string, meetingId: string, connectionId: string): void {
    const state = this.presence.get(meetingId);
    if (!state) return;
    const waiting = state.lobby.get(userId);
    if (waiting?.connectionId === connectionId) {
      state.lobby.delete(userId);
      this.presence.pushLobby(meetingId);
    }
    if (state.connections.get(userId) !== connectionId) return;
    this.presence.clearGrace(state, userId);
    const timer = setTimeout(() => {
      state.graceTimers.delete(userId);
      if (state.connections.get(userId) !== connectionId) return;
      this.#log.info({ meetingId, userId }, 'conference peer gone with its socket');
      this.room(meetingId)?.leave(userId);
      this.presence.forget(state, userId);
    }, this.#graceMs);
    timer.unref();
    state.graceTimers.set(userId, timer);
  }

  async leave(userId: string, meetingId: string, connectionId: string): Promise<void> {
    const state = this.presence.get(meetingId);
    if (!state) return;
    if (state.lobby.get(userId)?.connectionId === connectionId) {
      state.lobby.delete(userId);
      this.presence.pushLobby(meetingId);
      return;
    }
    if (state.connections.get(userId) !== connectionId) return;
    this.room(meetingId)?.leave(userId);
    this.presence.forget(state, userId);
  }

  // ---- the caller's own peer ------------------------------------------

  /** The caller's peer, if this connection owns it; else 'notFound' (nothing to act on). */
  #own(userId: string, meetingId: string, connectionId: string): { peer: Peer; room: ConferenceRoom; state: MeetingState } {
    const state = this.presence.get(meetingId);
    const room = this.room(meetingId);
    const peer = room?.getPeer(userId);
    if (!state || !room || !peer || peer.closed || state.connections.get(userId) !== connectionId) throw new AppError(404, 'notFound');
    return { peer, room, state };
  }

  /** The caller's joined peer, which must be a chair (meeting chair or secretariat). */
  #chair(userId: string, meetingId: string, conn: string): { room: ConferenceRoom; state: MeetingState } {
    const { room, state, peer } = this.#own(userId, meetingId, conn);
    if (!peer.permissions.isChair) throw new AppError(403, 'forbidden');
    return { room, state };
  }

  /** Runs a call of media-proxy.ts on the peer this connection owns. */
  async onOwnPeer<T>(userId: string, meetingId: string, conn: string, work: (peer: Peer) => T | Promise<T>): Promise<T> {
    const { peer } = this.#own(userId, meetingId, conn);
    return media(() => work(peer));
  }

  async raiseHand(userId: string, meetingId: string, conn: string, raised: boolean): Promise<null> {
    const { state, peer } = this.#own(userId, meetingId, conn);
    if (!peer.permissions.canProduceAudio) throw new AppError(403, 'forbidden');
    this.presence.setHand(state, userId, raised);
    // answered once kept: a hand acknowledged survives its conference moving to another process
    await this.#hands.settled(meetingId, userId);
    return null;
  }

  // ---- REST: before joining, and the secretariat preparing the meeting ----

  settings(meetingId: string): Promise<ConferenceSettings> {
    return this.#store.settings(meetingId);
  }

  /** What the page needs before joining: may I join, as what, with which settings. */
  async describe(user: SessionUser, meetingId: string): Promise<ConferenceDescription> {
    const { meeting, identity } = await resolveConferenceIdentity(this.#db, this.#deps, meetingId, user);
    return {
      meeting,
      settings: await this.settings(meetingId),
      me: { id: user.id, displayName: identity.displayName, level: identity.level, role: identity.role, endpointId: identity.endpointId, permissions: identity.permissions },
    };
  }

  /**
   * Published or running meetings whose conference this user joins as an
   * endpoint account (those accounts are not meeting participants, so the
   * meetings list does not show them), soonest first.
   */
  async endpointConferences(user: SessionUser): Promise<EndpointConference[]> {
    const halls = await this.#store.accountHalls(user.id);
    const meetings = new Map((await this.#deps.meetings.summariesByIds(halls.map((h) => h.meetingId))).map((m) => [m.id, m]));
    return halls
      .flatMap((hall) => {
        const meeting = meetings.get(hall.meetingId);
        return meeting !== undefined && JOINABLE.has(meeting.status) ? [{ hall, meeting }] : [];
      })
      .sort((a, b) => a.meeting.startsAt.getTime() - b.meeting.startsAt.getTime())
      .slice(0, MINE_LIMIT)
      .map(({ hall, meeting }) => ({
        meetingId: meeting.id,
        title: meeting.title,
        status: meeting.status,
        startsAt: meeting.startsAt.toISOString(),
        endpointId: hall.endpointId,
        endpointName: hall.endpointName,
      }));
  }

  /** Roll call of the points (roll-call.ts) for whoever runs the meeting: its chair in the conference or the secretariat. */
  async points(user: SessionUser, meetingId: string, endpoints: EndpointDto[]): Promise<ConferencePointDto[]> {
    const { identity } = await resolveConferenceIdentity(this.#db, this.#deps, meetingId, user);
    if (identity.role !== 'chair' && !(await this.#deps.meetings.access(user, meetingId)).canManage) throw new AppError(403, 'forbidden');
    return this.rollCall.points(meetingId, endpoints, this.room(meetingId), this.presence);
  }

  async updateSettings(user: SessionUser, meetingId: string, patch: { requireAdmission: boolean }): Promise<ConferenceSettings> {
    const { identity, meeting } = await resolveConferenceIdentity(this.#db, this.#deps, meetingId, user);
    if (identity.role !== 'chair') throw new AppError(403, 'forbidden');
    if (meeting.status === 'closed') throw new AppError(409, 'meetingClosed');
    await this.chair.applyAdmissionRequired(meetingId, this.presence.of(meetingId), patch.requireAdmission, user.id);
    return this.settings(meetingId);
  }

  // ---- internals ----------------------------------------------------------

  /** The meeting closed (on this process or, forwarded to the owner, on another): everyone out, the lobby told. */
  endConference(meetingId: string): void {
    this.rollCall.forget(meetingId);
    const state = this.presence.get(meetingId);
    // before the room closes: closing it takes every socket out of the conference's rooms
    this.presence.push(meetingId, { to: 'all' }, 'conference:ended', { meetingId });
    if (state) {
      for (const waitingId of state.lobby.keys()) {
        this.presence.push(meetingId, { to: 'peer', userId: waitingId }, 'conference:ended', { meetingId });
        this.presence.emit('detach', { meetingId, userId: waitingId, reason: 'room-closed' });
      }
      state.lobby.clear();
    }
    this.room(meetingId)?.close();
    if (state) this.presence.drop(meetingId);
  }

  /** For tests and diagnostics: the room of a meeting, if media runs and it is open. */
  room(meetingId: string): ConferenceRoom | undefined {
    return this.#host.current?.rooms.get(meetingId);
  }

  /** Idempotent: stops timers (the media host closes the rooms). */
  close(): void {
    this.presence.clear();
  }
}
