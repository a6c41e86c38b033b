/** Local devices and how we send: camera simulcast in three layers, speech-tuned Opus, screen share on its own. */
import type { types } from 'mediasoup-client';

/** Three simulcast layers (quarter, half, full resolution); the server picks one per viewer. */
export const CAMERA_ENCODINGS: types.RtpEncodingParameters[] = [
  { scaleResolutionDownBy: 4, maxBitrate: 150_000, scalabilityMode: 'L1T3' },
  { scaleResolutionDownBy: 2, maxBitrate: 400_000, scalabilityMode: 'L1T3' },
  { scaleResolutionDownBy: 1, maxBitrate: 1_000_000, scalabilityMode: 'L1T3' },
];

export const MIC_CODEC_OPTIONS: types.ProducerCodecOptions = { opusStereo: false, opusDtx: true, opusFec: true };
export const CAMERA_CODEC_OPTIONS: types.ProducerCodecOptions = { videoGoogleStartBitrate: 600 };

export function cameraConstraints(deviceId: string): MediaTrackConstraints {
  return { ...(deviceId ? { deviceId: { exact: deviceId } } : {}), width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 25, max: 30 } };
}

export function micConstraints(deviceId: string): MediaTrackConstraints {
  return { ...(deviceId ? { deviceId: { exact: deviceId } } : {}), echoCancellation: true, noiseSuppression: true, autoGainControl: true };
}

export async function listDevices(): Promise<{ cameras: MediaDeviceInfo[]; microphones: MediaDeviceInfo[] }> {
  if (!navigator.mediaDevices?.enumerateDevices) return { cameras: [], microphones: [] };
  const all = await navigator.mediaDevices.enumerateDevices();
  return { cameras: all.filter((d) => d.kind === 'videoinput'), microphones: all.filter((d) => d.kind === 'audioinput') };
}

/** Camera and/or microphone; if both are asked and that fails, the microphone alone. */
export async function openLocalMedia(want: { audio: boolean; video: boolean }, ids: { camera: string; microphone: string }): Promise<{ mic: MediaStreamTrack | null; camera: MediaStreamTrack | null; error: string | null }> {
  if (!want.audio && !want.video) return { mic: null, camera: null, error: null };
  if (!navigator.mediaDevices?.getUserMedia) return { mic: null, camera: null, error: 'getUserMedia' };
  try {
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: want.audio ? micConstraints(ids.microphone) : false,
      video: want.video ? cameraConstraints(ids.camera) : false,
    });
    return { mic: stream.getAudioTracks()[0] ?? null, camera: stream.getVideoTracks()[0] ?? null, error: null };
  } catch (error) {
    const reason = error instanceof Error ? error.name : String(error);
    if (want.audio && want.video) {
      try {
        const stream = await navigator.mediaDevices.getUserMedia({ audio: micConstraints(ids.microphone) });
        return { mic: stream.getAudioTracks()[0] ?? null, camera: null, error: reason };
      } catch {
        // neither works
      }
    }
    return { mic: null, camera: null, error: reason };
  }
}
