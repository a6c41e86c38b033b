/**
 * The hall wall's view of the conference (issue 14: "the province hall's
 * wall shows the stage"): over the `/display` namespace a paired screen
 * watches its own meeting's conference, receive-only. It asks `stage:watch`
 * (idle while no conference runs), loads mediasoup-client with the answer,
 * opens one recv transport and consumes the stage peer's producers with the
 * same `conference:*` calls (and schemas) as a participant's tab, so the
 * web's MediaLink serves both. It never produces (`conference:produce`,
 * send transports: forbidden), is no participant, and consumes nothing but
 * the stage peer's camera, screen and mic.
 */
import type * as ms from 'mediasoup/types';
import type { ConferenceClientToServerEvents, ConferenceRef, ConferenceRole, IceServer, ProducerInfo } from './conference-realtime.ts';
import type { UnitLevel } from './identity.ts';
import type { AckCallback } from './realtime.ts';

/** Who is on the wall's stage: what the hall sees under the picture anyway. */
export type WallStagePeer = { id: string; displayName: string; level: UnitLevel | null; role: ConferenceRole };

export type WallStage = {
  /** null: nobody on stage (nobody spoke yet, the floor was taken back) */
  peer: WallStagePeer | null;
  reason: 'spotlight' | 'active-speaker' | null;
  /** the stage peer's producers: the only ones the wall may consume */
  producers: ProducerInfo[];
};

export type StageWatchResult =
  | { state: 'idle'; meetingId: string }
  | { state: 'watching'; meetingId: string; routerRtpCapabilities: ms.RtpCapabilities; iceServers: IceServer[]; stage: WallStage };

/** Why the wall must ask `stage:watch` again (no one acts: it does so by itself). */
export type StageRewatchReason = 'conference-started' | 'conference-ended' | 'media-lost' | 'replaced';

/** The calls a paired wall makes on its viewer, with the participants' payloads and answers. */
export type WallMediaEvents = Pick<
  ConferenceClientToServerEvents,
  | 'conference:setRtpCapabilities'
  | 'conference:createTransport'
  | 'conference:connectTransport'
  | 'conference:restartIce'
  | 'conference:produce'
  | 'conference:closeProducer'
  | 'conference:consume'
  | 'conference:resumeConsumer'
>;

export interface WallStageClientToServerEvents extends WallMediaEvents {
  /** meetingId must be the screen's assigned meeting; a second watch of the same screen replaces the first */
  'stage:watch': (payload: ConferenceRef, ack: AckCallback<StageWatchResult>) => void;
  'stage:leave': (payload: ConferenceRef, ack: AckCallback<null>) => void;
}

export interface WallStageServerToClientEvents {
  /** the stage moved, or the stage peer's producers changed: consume what is listed, drop the rest */
  'stage:update': (payload: { meetingId: string; stage: WallStage }) => void;
  /** the viewer is gone (conference ended or started, media worker lost, replaced): ask `stage:watch` again */
  'stage:rewatch': (payload: { meetingId: string; reason: StageRewatchReason }) => void;
}
