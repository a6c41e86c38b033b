/**
 * Who is in each meeting's conference right now, in memory only (rebuilt by
 * the clients joining again): identities, the connection that owns each
 * peer, raised hands (also kept in the database, hands.ts), the lobby, grace timers. Also what the conference tells
 * clients (`push`) and which sockets must stop hearing it (`detach`); the
 * socket module delivers both.
 */
import { EventEmitter } from 'node:events';
import type { ConferenceRoom, Peer } from '../../../media/index.ts';
import type { ConferencePeer, ConferenceServerToClientEvents, ConferenceStage, LobbyEntry } from '../../contract/conference-realtime.ts';
import type { ConferenceIdentity } from './conference-access.ts';

export type PushEvent = keyof ConferenceServerToClientEvents;
type PushArgs<E extends PushEvent> = Parameters<ConferenceServerToClientEvents[E]>;

export type PushTarget = { to: 'all' } | { to: 'chairs' } | { to: 'peer'; userId: string };
/** Where a push goes (a Socket.io room of the conference): emits the conference's events, typed. */
export type PushEmitter = { emit<E extends PushEvent>(event: E, ...args: PushArgs<E>): boolean };
/** One push: `deliver` emits its event with its payload, kept together by `push()`. */
export type ConferencePush = { meetingId: string; target: PushTarget; event: PushEvent; deliver(to: PushEmitter): void };

export type DetachReason = 'left' | 'removed' | 'timeout' | 'replaced' | 'room-closed';

export type ConferenceServiceEvents = {
  push: [ConferencePush];
  /** the user's sockets must leave this conference's rooms (except the one that just took over, if any) */
  detach: [{ meetingId: string; userId: string; exceptConnectionId?: string; reason: DetachReason }];
  /** a hand went up or down (kept in the database, hands.ts) */
  hand: [{ meetingId: string; userId: string; raised: boolean }];
};

type LobbyRecord = { entry: LobbyEntry; connectionId: string };

export type MeetingState = {
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

export class Presence extends EventEmitter<ConferenceServiceEvents> {
  readonly #states = new Map<string, MeetingState>();

  get(meetingId: string): MeetingState | undefined {
    return this.#states.get(meetingId);
  }

  /** The meeting's state, made when missing. */
  of(meetingId: string): MeetingState {
    let state = this.#states.get(meetingId);
    if (!state) {
      state = { meetingId, identities: new Map(), connections: new Map(), hands: new Set(), lobby: new Map(), graceTimers: new Map() };
      this.#states.set(meetingId, state);
    }
    return state;
  }

  push<E extends PushEvent>(meetingId: string, target: PushTarget, event: E, ...payload: PushArgs<E>): void {
    this.emit('push', { meetingId, target, event, deliver: (to) => to.emit(event, ...payload) });
  }

  clearGrace(state: MeetingState, userId: string): void {
    const timer = state.graceTimers.get(userId);
    if (timer) clearTimeout(timer);
    state.graceTimers.delete(userId);
  }

  /** The peer is gone: its hand goes down, and an empty state is dropped. */
  forget(state: MeetingState, userId: string): void {
    this.clearGrace(state, userId);
    state.identities.delete(userId);
    state.connections.delete(userId);
    this.lowerHand(state, userId);
    if (state.identities.size === 0 && state.lobby.size === 0 && state.graceTimers.size === 0 && this.#states.get(state.meetingId) === state) {
      this.#states.delete(state.meetingId);
    }
  }

  lowerHand(state: MeetingState, userId: string): void {
    this.setHand(state, userId, false);
  }

  /** Raises or lowers a hand; everyone hears of a change. */
  setHand(state: MeetingState, userId: string, raised: boolean): void {
    const changed = raised ? !state.hands.has(userId) : state.hands.has(userId);
    if (!changed) return;
    if (raised) state.hands.add(userId);
    else state.hands.delete(userId);
    this.emit('hand', { meetingId: state.meetingId, userId, raised });
    this.push(state.meetingId, { to: 'all' }, 'conference:hand', { meetingId: state.meetingId, peerId: userId, raised });
  }

  lobbyEntries(state: MeetingState): LobbyEntry[] {
    return [...state.lobby.values()].map((r) => r.entry).sort((a, b) => a.since.localeCompare(b.since));
  }

  pushLobby(meetingId: string): void {
    const state = this.#states.get(meetingId);
    this.push(meetingId, { to: 'chairs' }, 'conference:lobby', { meetingId, entries: state ? this.lobbyEntries(state) : [] });
  }

  /** Let in everyone waiting for this endpoint (or, with none, everyone not sent out). */
  admitWaiting(state: MeetingState, which: (entry: LobbyEntry) => boolean): void {
    for (const [waitingId, record] of [...state.lobby]) {
      if (!which(record.entry)) continue;
      state.lobby.delete(waitingId);
      this.push(state.meetingId, { to: 'peer', userId: waitingId }, 'conference:admission', { meetingId: state.meetingId, state: 'admitted' });
    }
    this.pushLobby(state.meetingId);
  }

  peerDto(state: MeetingState, peer: Peer): ConferencePeer {
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

  /** The meeting's state is over (conference ended): timers stop. */
  drop(meetingId: string): void {
    const state = this.#states.get(meetingId);
    if (!state) return;
    for (const timer of state.graceTimers.values()) clearTimeout(timer);
    this.#states.delete(meetingId);
  }

  clear(): void {
    for (const meetingId of [...this.#states.keys()]) this.drop(meetingId);
  }
}

export function stageOf(room: ConferenceRoom): ConferenceStage {
  const stage = room.stage;
  return { peerId: stage.peerId, reason: stage.reason, activeSpeakerId: room.activeSpeakerId };
}
