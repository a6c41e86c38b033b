/**
 * The chair's controls of a conference (the lobby, muting, the floor, the
 * stage). Each answers null, or the server's reason for a toast; what they
 * change comes back to everybody as pushes, this included.
 */
import { messageOf, type ConferenceCall } from './call.ts';

export class ChairControls {
  readonly #meetingId: string;
  readonly #call: ConferenceCall;

  constructor(meetingId: string, call: ConferenceCall) {
    this.#meetingId = meetingId;
    this.#call = call;
  }

  async admit(peerId: string): Promise<string | null> {
    return messageOf(await this.#call('conference:admit', { meetingId: this.#meetingId, peerId }));
  }

  async remove(peerId: string): Promise<string | null> {
    return messageOf(await this.#call('conference:remove', { meetingId: this.#meetingId, peerId }));
  }

  async mute(peerId: string | 'all'): Promise<string | null> {
    return messageOf(await this.#call('conference:mute', { meetingId: this.#meetingId, peerId }));
  }

  async unmute(peerId: string): Promise<string | null> {
    return messageOf(await this.#call('conference:unmute', { meetingId: this.#meetingId, peerId }));
  }

  async giveFloor(peerId: string): Promise<string | null> {
    return messageOf(await this.#call('conference:giveFloor', { meetingId: this.#meetingId, peerId }));
  }

  /** null: back to the automatic stage (the speaker, the sharer, the chair) */
  async spotlight(peerId: string | null): Promise<string | null> {
    return messageOf(await this.#call('conference:spotlight', { meetingId: this.#meetingId, peerId }));
  }

  async setRequireAdmission(required: boolean): Promise<string | null> {
    return messageOf(await this.#call('conference:setAdmission', { meetingId: this.#meetingId, required }));
  }
}
