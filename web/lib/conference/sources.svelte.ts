/**
 * My buttons and what they send: microphone and camera on or off (the
 * chair's mute may hold the mic off), the screen share, audio-only viewing.
 * A button pressed between joins is remembered and applied by the next one.
 * Each toggle answers null, or a reason to show (the server's message, or a
 * key of the page's texts).
 */
import type { ConferencePeer, ConferenceSource } from '$contract/conference-realtime.ts';
import { messageOf, type ConferenceCall } from './call.ts';
import type { LocalDevices } from './devices.svelte.ts';
import type { MediaLink } from './media-link.ts';

/** What the buttons need to know of the session. */
export type SourcesHost = {
  meetingId: string;
  call: ConferenceCall;
  devices: LocalDevices;
  /** the current join's link (null between joins) */
  link(): MediaLink | null;
  me(): ConferencePeer | null;
  connected(): boolean;
};

export class MySources {
  micOn = $state(true);
  cameraOn = $state(true);
  sharing = $state(false);
  audioOnly = $state(false);
  localScreen = $state<MediaStreamTrack | null>(null);

  readonly #host: SourcesHost;

  constructor(host: SourcesHost) {
    this.#host = host;
  }

  /** The chair holds my microphone off. */
  get serverMutedMic(): boolean {
    return this.#host.me()?.serverMuted.includes('mic') === true;
  }

  async toggleMic(): Promise<string | null> {
    const want = !this.micOn;
    if (want && this.serverMutedMic) return 'mutedByChair';
    this.micOn = want;
    return this.#setPaused('mic', !want);
  }

  async toggleCamera(): Promise<string | null> {
    this.cameraOn = !this.cameraOn;
    return this.#setPaused('camera', !this.cameraOn);
  }

  async toggleAudioOnly(): Promise<string | null> {
    this.audioOnly = !this.audioOnly;
    if (!this.#host.connected()) return null;
    return messageOf(await this.#host.call('conference:setViewMode', { meetingId: this.#host.meetingId, mode: this.audioOnly ? 'audio-only' : 'stage' }));
  }

  async toggleShare(): Promise<string | null> {
    if (this.sharing) {
      this.stopShare();
      return null;
    }
    if (!navigator.mediaDevices?.getDisplayMedia) return 'screenUnsupported';
    let track: MediaStreamTrack | undefined;
    try {
      track = (await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 10, max: 15 } }, audio: false })).getVideoTracks()[0];
    } catch {
      return null; // the person cancelled the picker
    }
    if (!track) return null;
    this.localScreen = track;
    this.sharing = true;
    track.addEventListener('ended', () => this.stopShare());
    if (this.#host.connected()) await this.produce('screen').catch(() => undefined);
    return null;
  }

  /** Sends this source if we may, have a live track for it, and are not already sending it. */
  async produce(source: ConferenceSource): Promise<void> {
    const link = this.#host.link();
    const me = this.#host.me();
    if (!link || !me) return;
    const perms = me.permissions;
    const devices = this.#host.devices;
    const track = source === 'mic' ? devices.micTrack : source === 'camera' ? devices.cameraTrack : this.localScreen;
    if (!track || track.readyState === 'ended') return;
    if ((source === 'mic' && !perms.canProduceAudio) || (source === 'camera' && !perms.canProduceVideo) || (source === 'screen' && !perms.canShareScreen)) return;
    const paused = source === 'mic' ? !this.micOn || this.serverMutedMic : source === 'camera' ? !this.cameraOn : false;
    await link.produce(source, track, paused);
  }

  /** The chair muted me (or gave me the floor): follow it locally. */
  followServer(producerId: string, source: ConferenceSource, paused: boolean): void {
    const mine = this.#host.link()?.producer(source);
    if (!mine || mine.id !== producerId) return;
    if (paused) mine.pause();
    else mine.resume();
    if (source === 'mic') this.micOn = !paused;
    if (source === 'camera') this.cameraOn = !paused;
  }

  stopShare(): void {
    this.#host.link()?.closeProducer('screen');
    this.localScreen?.stop();
    this.localScreen = null;
    this.sharing = false;
  }

  async #setPaused(source: ConferenceSource, paused: boolean): Promise<string | null> {
    const producer = this.#host.link()?.producer(source);
    if (!producer || producer.closed) return null;
    if (paused) producer.pause();
    const event = paused ? 'conference:pauseProducer' : 'conference:resumeProducer';
    const ack = await this.#host.call(event, { meetingId: this.#host.meetingId, producerId: producer.id });
    if (!ack.ok) {
      if (!paused && source === 'mic') this.micOn = false;
      return ack.error.message;
    }
    if (!paused) producer.resume();
    return null;
  }
}
