/**
 * This browser's camera and microphone for the conference: opened once (on
 * the first join that may send; a reconnect keeps them), the lists to choose
 * from, and a switch of device that replaces the track being sent without a
 * new join.
 */
import { listDevices, openLocalMedia } from './media.ts';

/** Puts a new track in place of the one being sent from this source (if one is). */
export type ReplaceTrack = (source: 'mic' | 'camera', track: MediaStreamTrack) => Promise<void>;

export class LocalDevices {
  /** the camera's track, for the self view */
  localCamera = $state<MediaStreamTrack | null>(null);
  cameras = $state<MediaDeviceInfo[]>([]);
  microphones = $state<MediaDeviceInfo[]>([]);
  cameraId = $state('');
  microphoneId = $state('');
  /** why the camera or microphone could not be opened (the browser's error name) */
  mediaError = $state<string | null>(null);

  /** the tracks sent (not shown: the page shows localCamera) */
  micTrack: MediaStreamTrack | null = null;
  cameraTrack: MediaStreamTrack | null = null;

  readonly #replace: ReplaceTrack;
  #opened = false;

  constructor(replace: ReplaceTrack) {
    this.#replace = replace;
  }

  /** Opens what this peer may send, the first time only; answers whether it did now. */
  async openOnce(want: { audio: boolean; video: boolean }): Promise<boolean> {
    if (this.#opened || (!want.audio && !want.video)) return false;
    this.#opened = true;
    const local = await openLocalMedia(want, { camera: this.cameraId, microphone: this.microphoneId });
    this.micTrack = local.mic;
    this.cameraTrack = local.camera;
    this.localCamera = local.camera;
    if (local.error) this.mediaError = local.error;
    void this.refresh();
    return true;
  }

  /** The lists of cameras and microphones (labels appear once a device was allowed). */
  async refresh(): Promise<void> {
    const { cameras, microphones } = await listDevices();
    this.cameras = cameras;
    this.microphones = microphones;
    this.cameraId ||= this.cameraTrack?.getSettings().deviceId ?? cameras[0]?.deviceId ?? '';
    this.microphoneId ||= this.micTrack?.getSettings().deviceId ?? microphones[0]?.deviceId ?? '';
  }

  async selectCamera(deviceId: string): Promise<void> {
    this.cameraId = deviceId;
    if (!this.cameraTrack) return;
    const { camera } = await openLocalMedia({ audio: false, video: true }, { camera: deviceId, microphone: '' });
    if (!camera) return;
    this.cameraTrack.stop();
    this.cameraTrack = camera;
    this.localCamera = camera;
    await this.#replace('camera', camera);
  }

  async selectMicrophone(deviceId: string): Promise<void> {
    this.microphoneId = deviceId;
    if (!this.micTrack) return;
    const { mic } = await openLocalMedia({ audio: true, video: false }, { camera: '', microphone: deviceId });
    if (!mic) return;
    this.micTrack.stop();
    this.micTrack = mic;
    await this.#replace('mic', mic);
  }

  /** Page gone: the camera and microphone lights go off. */
  release(): void {
    for (const track of [this.micTrack, this.cameraTrack]) track?.stop();
    this.micTrack = null;
    this.cameraTrack = null;
    this.localCamera = null;
  }
}
