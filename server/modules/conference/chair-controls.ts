/**
 * What the chair (the meeting's chair or the secretariat) does to others in
 * the conference: admit or send out endpoints, mute and unmute, give the
 * floor, spotlight, require admission. Decisions are kept in the database
 * first, then applied to the room.
 */
import type { ConferenceRoom } from '../../../media/index.ts';
import type { ConferenceSource } from '../../contract/conference-realtime.ts';
import { AppError } from '../../errors.ts';
import type { ConferenceStore } from './conference-store.ts';
import type { ConferenceDeps } from './deps.ts';
import { media } from './media-proxy.ts';
import type { MeetingState, Presence } from './presence.ts';

/** The caller's joined peer (it must be a chair) and its room, or an error. */
export type ChairOf = (userId: string, meetingId: string, conn: string) => { room: ConferenceRoom; state: MeetingState };

export class ChairControls {
  readonly #store: ConferenceStore;
  readonly #presence: Presence;
  readonly #users: ConferenceDeps['users'];
  readonly #chair: ChairOf;

  constructor(store: ConferenceStore, presence: Presence, users: ConferenceDeps['users'], chair: ChairOf) {
    this.#store = store;
    this.#presence = presence;
    this.#users = users;
    this.#chair = chair;
  }

  async admit(userId: string, meetingId: string, conn: string, peerId: string): Promise<null> {
    const { state } = this.#chair(userId, meetingId, conn);
    const waiting = state.lobby.get(peerId);
    if (!waiting) throw new AppError(404, 'notFound');
    const endpointId = waiting.entry.endpointId;
    await this.#store.setAdmission(meetingId, [endpointId], 'admitted', userId);
    this.#presence.admitWaiting(state, (entry) => entry.endpointId === endpointId);
    return null;
  }

  /** Send an endpoint out (it waits in the lobby until admitted again), refuse one waiting, or put a participant out of the room. */
  async remove(userId: string, meetingId: string, conn: string, peerId: string): Promise<null> {
    const { room, state } = this.#chair(userId, meetingId, conn);
    const waiting = state.lobby.get(peerId);
    if (waiting) {
      await this.#store.setAdmission(meetingId, [waiting.entry.endpointId], 'removed', userId);
      state.lobby.delete(peerId);
      this.#presence.push(meetingId, { to: 'peer', userId: peerId }, 'conference:admission', { meetingId, state: 'refused' });
      this.#presence.pushLobby(meetingId);
      return null;
    }
    const target = room.getPeer(peerId);
    const identity = state.identities.get(peerId);
    if (!target || !identity) throw new AppError(404, 'notFound');
    if (target.permissions.isChair) throw new AppError(403, 'forbidden');
    if (identity.endpointId !== null) {
      const endpointId = identity.endpointId;
      await this.#store.setAdmission(meetingId, [endpointId], 'removed', userId);
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
    await this.#store.addMutes(meetingId, targets, sources);
    await media(() => Promise.all(targets.map((t) => room.mutePeer(t.id, sources))));
    return null;
  }

  /** Lift every mute the chair holds on this peer (its own buttons decide again). */
  async unmute(userId: string, meetingId: string, conn: string, peerId: string): Promise<null> {
    const { room } = this.#chair(userId, meetingId, conn);
    if (!room.getPeer(peerId)) throw new AppError(404, 'notFound');
    await this.#store.clearMutes(meetingId, peerId);
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
    await this.#store.saveSettings(meetingId, { spotlightUserId: peerId });
    await media(() => room.setSpotlight(peerId));
    return null;
  }

  async setAdmissionRequired(userId: string, meetingId: string, conn: string, required: boolean): Promise<null> {
    const { state } = this.#chair(userId, meetingId, conn);
    await this.applyAdmissionRequired(meetingId, state, required, userId);
    return null;
  }

  /** Also from REST (the secretariat preparing the meeting). */
  async applyAdmissionRequired(meetingId: string, state: MeetingState, required: boolean, decidedBy: string): Promise<void> {
    await this.#store.saveSettings(meetingId, { requireAdmission: required });
    if (required) {
      // Endpoints already in the conference stay: they count as admitted.
      const present = [...new Set([...state.identities.values()].map((i) => i.endpointId).filter((id): id is string => id !== null))];
      await this.#store.admitPresent(meetingId, present, decidedBy);
    } else {
      // Those waiting only because admission was required may come in; those sent out still wait.
      this.#presence.admitWaiting(state, (entry) => !entry.removed);
    }
    this.#presence.push(meetingId, { to: 'all' }, 'conference:settings', { meetingId, requireAdmission: required });
  }

  /**
   * The chair gave the floor in the live meeting: give it in the conference
   * too, to that user's own peer, else to the endpoint the person attends
   * from (an endpoint of this meeting in the person's unit) when it is connected.
   */
  async floorFromLive(room: ConferenceRoom, state: MeetingState, userId: string): Promise<void> {
    let target: string | undefined = room.getPeer(userId) ? userId : undefined;
    if (target === undefined) {
      const unitId = (await this.#users.namesById([userId])).get(userId)?.unitId;
      const hallIds = new Set(unitId === undefined ? [] : await this.#store.hallsInUnit(state.meetingId, unitId));
      target = [...state.identities.values()].find((i) => i.endpointId !== null && hallIds.has(i.endpointId) && room.getPeer(i.userId))?.userId;
    }
    if (target !== undefined) await this.#floor(room, state, target);
  }

  async #floor(room: ConferenceRoom, state: MeetingState, peerId: string): Promise<void> {
    await this.#store.liftMicMute(state.meetingId, peerId);
    await this.#store.saveSettings(state.meetingId, { spotlightUserId: peerId });
    await media(() => room.giveFloor(peerId));
    this.#presence.lowerHand(state, peerId);
  }
}
