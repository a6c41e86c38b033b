/**
 * One browser's place in a meeting's video conference, as rune state: the
 * peers and their tracks, the stage, the lobby (chairs), my buttons, the
 * connection quality. Talks to the server over the tab's one Socket.io
 * connection (`conference:*`, see server/contract/conference-realtime.ts) and
 * to mediasoup through mediasoup-client.
 *
 * Reconnection needs nobody: a failed or closed transport, a dead media
 * worker (`conference:rejoin`), a socket that reconnects or a peer timed out
 * on the server all lead to a fresh join with new transports, retried with a
 * back-off, while the page shows "Đang kết nối lại…". Local camera and mic
 * tracks survive it. Every async step checks the join generation it belongs
 * to, so work of an abandoned attempt never touches the new one.
 */
/* eslint-disable svelte/prefer-svelte-reactivity -- the Maps and Sets here hold mediasoup objects and timers, never shown: what the page shows lives in $state fields. */
import { Device, type types } from 'mediasoup-client';
import type {
  ConferenceJoined,
  ConferencePeer,
  ConferenceServerToClientEvents,
  ConferenceSource,
  ConferenceStage,
  LobbyEntry,
  ProducerInfo,
} from '$contract/conference-realtime.ts';
import type { Ack, AckError, ClientToServerEvents } from '$contract/realtime.ts';
import type { AppSocket } from '$lib/realtime/client.svelte.ts';
import { realtime } from '$lib/realtime/client.svelte.ts';
import { CAMERA_CODEC_OPTIONS, CAMERA_ENCODINGS, MIC_CODEC_OPTIONS, listDevices, openLocalMedia } from './media.ts';
import { classify, lossPercent, readStats, type LinkReading, type Quality } from './quality.ts';

export type SessionStatus = 'idle' | 'joining' | 'lobby' | 'connected' | 'reconnecting' | 'ended' | 'removed' | 'refused' | 'replaced' | 'left' | 'error';
export type RemoteMedia = { mic: MediaStreamTrack | null; camera: MediaStreamTrack | null; screen: MediaStreamTrack | null };

type EventName = keyof ClientToServerEvents;
type PayloadOf<E extends EventName> = Parameters<ClientToServerEvents[E]>[0];
type AckDataOf<E extends EventName> = Parameters<ClientToServerEvents[E]>[1] extends (response: Ack<infer T>) => void ? T : never;
type PushName = keyof ConferenceServerToClientEvents;
type PushOf<E extends PushName> = Parameters<ConferenceServerToClientEvents[E]>[0];

/** Refusals that a retry cannot fix. */
const FINAL_CODES = new Set(['meetingNotFound', 'meetingClosed', 'meetingNotInSession', 'forbidden', 'validation', 'unauthenticated']);
const RETRY_DELAYS_MS = [0, 1_000, 2_000, 3_000, 5_000];
const STATS_INTERVAL_MS = 2_000;
/** a 'disconnected' transport gets an ICE restart after this long, and a new join if still not back after the second */
const ICE_RESTART_AFTER_MS = 2_000;
const REJOIN_AFTER_MS = 8_000;

class Stale extends Error {}

export class ConferenceSession {
  readonly meetingId: string;

  status = $state<SessionStatus>('idle');
  /** the server's (translated) reason when status is 'error' */
  errorMessage = $state<string | null>(null);
  /** waiting in the lobby because the chair removed this endpoint earlier */
  lobbyRemoved = $state(false);
  me = $state<ConferencePeer | null>(null);
  peers = $state<Record<string, ConferencePeer>>({});
  remote = $state<Record<string, RemoteMedia>>({});
  stage = $state<ConferenceStage>({ peerId: null, reason: null, activeSpeakerId: null });
  lobby = $state<LobbyEntry[]>([]);
  requireAdmission = $state(false);

  /** my buttons (what I want; the chair's mute may hold the mic off) */
  micOn = $state(true);
  cameraOn = $state(true);
  sharing = $state(false);
  audioOnly = $state(false);

  quality = $state<Quality | null>(null);
  lossPct = $state(0);
  rttMs = $state<number | null>(null);

  localCamera = $state<MediaStreamTrack | null>(null);
  localScreen = $state<MediaStreamTrack | null>(null);
  cameras = $state<MediaDeviceInfo[]>([]);
  microphones = $state<MediaDeviceInfo[]>([]);
  cameraId = $state('');
  microphoneId = $state('');
  mediaError = $state<string | null>(null);

  readonly peerList: ConferencePeer[] = $derived(
    Object.values(this.peers).sort((a, b) => rank(a) - rank(b) || a.displayName.localeCompare(b.displayName, 'vi')),
  );
  readonly isChair: boolean = $derived(this.me?.permissions.isChair === true);
  readonly handRaised: boolean = $derived(this.me?.handRaised === true);
  readonly serverMutedMic: boolean = $derived(this.me?.serverMuted.includes('mic') === true);
  readonly active: boolean = $derived(this.status === 'joining' || this.status === 'connected' || this.status === 'reconnecting' || this.status === 'lobby');

  #gen = 0;
  #device: Device | null = null;
  #send: types.Transport | null = null;
  #recv: types.Transport | null = null;
  readonly #producers = new Map<ConferenceSource, types.Producer>();
  readonly #consumers = new Map<string, { consumer: types.Consumer; peerId: string; source: ConferenceSource }>();
  readonly #byProducer = new Map<string, string>();
  readonly #consuming = new Set<string>();
  #micTrack: MediaStreamTrack | null = null;
  #cameraTrack: MediaStreamTrack | null = null;
  #localOpened = false;
  #socket: AppSocket | null = null;
  #detach: (() => void) | null = null;
  /** pushes that arrive while a join is being set up, replayed after it */
  #buffer: (() => void)[] | null = null;
  #retry = 0;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #statsTimer: ReturnType<typeof setInterval> | null = null;
  readonly #iceTimers = new Map<string, ReturnType<typeof setTimeout>>();
  #lastRecv: LinkReading | null = null;
  #ownClose = false;

  constructor(meetingId: string) {
    this.meetingId = meetingId;
  }

  // ---- wiring -------------------------------------------------------------

  /** Follow the tab's socket (call again when realtime.socket changes). */
  attach(socket: AppSocket | null): void {
    if (socket === this.#socket) return;
    this.#detach?.();
    this.#detach = null;
    this.#socket = socket;
    if (socket === null) return;
    const listeners: [string, (payload: never) => void][] = [];
    const on = <E extends PushName>(event: E, handle: (payload: PushOf<E>) => void, immediate = false) => {
      const listener = (payload: PushOf<E>) => {
        if (payload?.meetingId !== this.meetingId) return;
        if (this.#buffer !== null && !immediate) this.#buffer.push(() => handle(payload));
        else handle(payload);
      };
      listeners.push([event, listener as (payload: never) => void]);
      (socket.on as (event: string, listener: (payload: PushOf<E>) => void) => void)(event, listener);
    };
    on('conference:peerJoined', ({ peer }) => this.#upsertPeer(peer));
    on('conference:peerUpdated', ({ peer }) => this.#upsertPeer(peer));
    on('conference:peerLeft', ({ peerId, reason }) => this.#peerLeft(peerId, reason), true);
    on('conference:newProducer', ({ producer }) => this.#newProducer(producer));
    on('conference:producerClosed', ({ producerId, peerId }) => this.#producerClosed(producerId, peerId));
    on('conference:producerPaused', (p) => this.#producerPaused(p.producerId, p.peerId, p.source, true, p.byServer));
    on('conference:producerResumed', (p) => this.#producerPaused(p.producerId, p.peerId, p.source, false, p.byServer));
    on('conference:consumerClosed', ({ consumerId }) => this.#dropConsumer(consumerId));
    on('conference:stage', ({ stage }) => (this.stage = stage));
    on('conference:hand', ({ peerId, raised }) => this.#setHand(peerId, raised));
    on('conference:rejoin', () => this.#reconnect(), true);
    on('conference:lobby', ({ entries }) => (this.lobby = entries), true);
    on('conference:admission', ({ state }) => this.#admission(state), true);
    on('conference:settings', ({ requireAdmission }) => (this.requireAdmission = requireAdmission), true);
    on('conference:ended', () => this.#stop('ended'), true);
    const onConnect = () => {
      // A new socket (the old one's peer is gone or going): join again.
      if (this.status === 'connected' || this.status === 'reconnecting' || this.status === 'joining' || this.status === 'lobby') this.#reconnect();
    };
    const onDisconnect = () => {
      if (this.status === 'connected' || this.status === 'joining') this.status = 'reconnecting';
    };
    socket.on('connect', onConnect);
    socket.on('disconnect', onDisconnect);
    this.#detach = () => {
      for (const [event, listener] of listeners) (socket.off as (event: string, listener: (payload: never) => void) => void)(event, listener);
      socket.off('connect', onConnect);
      socket.off('disconnect', onDisconnect);
    };
  }

  // ---- what the page asks -------------------------------------------------

  async join(): Promise<void> {
    if (this.status === 'joining' || this.status === 'connected' || this.status === 'reconnecting') return;
    this.errorMessage = null;
    await this.#connect('joining');
  }

  async leave(): Promise<void> {
    const wasIn = this.active;
    this.#stop('left');
    if (wasIn) await this.#call('conference:leave', { meetingId: this.meetingId });
  }

  /** Page gone: leave and release the camera and microphone. */
  destroy(): void {
    if (this.active) void this.#call('conference:leave', { meetingId: this.meetingId });
    this.#stop('left');
    this.#detach?.();
    this.#detach = null;
    for (const track of [this.#micTrack, this.#cameraTrack, this.localScreen]) track?.stop();
    this.#micTrack = null;
    this.#cameraTrack = null;
    this.localCamera = null;
    this.localScreen = null;
  }

  async toggleMic(): Promise<string | null> {
    const want = !this.micOn;
    if (want && this.serverMutedMic) return 'mutedByChair';
    this.micOn = want;
    return this.#setProducerPaused('mic', !want);
  }

  async toggleCamera(): Promise<string | null> {
    this.cameraOn = !this.cameraOn;
    return this.#setProducerPaused('camera', !this.cameraOn);
  }

  async toggleHand(): Promise<string | null> {
    return this.#message(await this.#call('conference:raiseHand', { meetingId: this.meetingId, raised: !this.handRaised }));
  }

  async toggleAudioOnly(): Promise<string | null> {
    this.audioOnly = !this.audioOnly;
    if (this.status !== 'connected') return null;
    return this.#message(await this.#call('conference:setViewMode', { meetingId: this.meetingId, mode: this.audioOnly ? 'audio-only' : 'stage' }));
  }

  async toggleShare(): Promise<string | null> {
    if (this.sharing) {
      this.#stopShare();
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
    track.addEventListener('ended', () => this.#stopShare());
    if (this.status === 'connected') await this.#produce('screen', this.#gen).catch(() => undefined);
    return null;
  }

  async selectCamera(deviceId: string): Promise<void> {
    this.cameraId = deviceId;
    if (!this.#cameraTrack) return;
    const { camera } = await openLocalMedia({ audio: false, video: true }, { camera: deviceId, microphone: '' });
    if (!camera) return;
    this.#cameraTrack.stop();
    this.#cameraTrack = camera;
    this.localCamera = camera;
    await this.#producers.get('camera')?.replaceTrack({ track: camera });
  }

  async selectMicrophone(deviceId: string): Promise<void> {
    this.microphoneId = deviceId;
    if (!this.#micTrack) return;
    const { mic } = await openLocalMedia({ audio: true, video: false }, { camera: '', microphone: deviceId });
    if (!mic) return;
    this.#micTrack.stop();
    this.#micTrack = mic;
    await this.#producers.get('mic')?.replaceTrack({ track: mic });
  }

  // chair controls: each answers null or the server's message

  admit(peerId: string) {
    return this.#chair('conference:admit', { meetingId: this.meetingId, peerId });
  }
  remove(peerId: string) {
    return this.#chair('conference:remove', { meetingId: this.meetingId, peerId });
  }
  mute(peerId: string | 'all') {
    return this.#chair('conference:mute', { meetingId: this.meetingId, peerId });
  }
  unmute(peerId: string) {
    return this.#chair('conference:unmute', { meetingId: this.meetingId, peerId });
  }
  giveFloor(peerId: string) {
    return this.#chair('conference:giveFloor', { meetingId: this.meetingId, peerId });
  }
  spotlight(peerId: string | null) {
    return this.#chair('conference:spotlight', { meetingId: this.meetingId, peerId });
  }
  setRequireAdmission(required: boolean) {
    return this.#chair('conference:setAdmission', { meetingId: this.meetingId, required });
  }

  async #chair<E extends EventName>(event: E, payload: PayloadOf<E>): Promise<string | null> {
    return this.#message(await this.#call(event, payload));
  }

  // ---- joining --------------------------------------------------------------

  async #connect(mode: 'joining' | 'reconnecting'): Promise<void> {
    const gen = ++this.#gen;
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    this.status = mode;
    this.#teardown();
    this.#buffer = [];
    const ack = await this.#call('conference:join', { meetingId: this.meetingId });
    if (gen !== this.#gen) return;
    if (!ack.ok) {
      this.#buffer = null;
      this.#joinFailed(ack.error);
      return;
    }
    const data = ack.data;
    if (data.state === 'lobby') {
      this.#buffer = null;
      this.status = 'lobby';
      this.lobbyRemoved = data.removed;
      return;
    }
    try {
      await this.#setUp(data, gen);
    } catch (error) {
      if (gen !== this.#gen || error instanceof Stale) return;
      console.warn('conference: join failed, retrying', error);
      this.#buffer = null;
      this.#retryLater();
    }
  }

  #joinFailed(error: AckError): void {
    if (error.code === 'meetingClosed') {
      this.#stop('ended');
      return;
    }
    if (FINAL_CODES.has(error.code)) {
      this.#stop('error');
      this.errorMessage = error.message;
      return;
    }
    this.#retryLater();
  }

  #retryLater(): void {
    if (this.#retryTimer !== null) return;
    this.status = 'reconnecting';
    const delay = RETRY_DELAYS_MS[Math.min(this.#retry, RETRY_DELAYS_MS.length - 1)] ?? 5_000;
    this.#retry++;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      if (this.status === 'reconnecting') void this.#connect('reconnecting');
    }, Math.max(delay, 500));
  }

  /** Something broke under a joined conference: join again, now. */
  #reconnect(): void {
    if (!this.active) return;
    this.#retry = 0;
    void this.#connect('reconnecting');
  }

  async #setUp(data: ConferenceJoined, gen: number): Promise<void> {
    const check = () => {
      if (gen !== this.#gen) throw new Stale();
    };
    this.me = data.me;
    this.peers = Object.fromEntries(data.peers.map((p) => [p.id, p]));
    this.remote = {};
    this.stage = data.stage;
    this.requireAdmission = data.requireAdmission;
    this.lobby = data.lobby ?? [];

    const device = new Device();
    await device.load({ routerRtpCapabilities: data.routerRtpCapabilities as types.RtpCapabilities });
    check();
    this.#device = device;
    await this.#ok(this.#call('conference:setRtpCapabilities', { meetingId: this.meetingId, rtpCapabilities: device.rtpCapabilities as PayloadOf<'conference:setRtpCapabilities'>['rtpCapabilities'] }));
    check();
    this.#recv = await this.#transport('recv', gen);
    const perms = data.me.permissions;
    const produces = perms.canProduceAudio || perms.canProduceVideo || perms.canShareScreen;
    if (produces) this.#send = await this.#transport('send', gen);
    if (this.audioOnly) await this.#ok(this.#call('conference:setViewMode', { meetingId: this.meetingId, mode: 'audio-only' }));
    check();

    // Consuming first: what others send matters more than what we send.
    await Promise.all(data.peers.flatMap((p) => p.producers).map((p) => this.#consume(p, gen)));
    check();
    if (!this.#localOpened && (perms.canProduceAudio || perms.canProduceVideo)) {
      this.#localOpened = true;
      const local = await openLocalMedia({ audio: perms.canProduceAudio, video: perms.canProduceVideo }, { camera: this.cameraId, microphone: this.microphoneId });
      this.#micTrack = local.mic;
      this.#cameraTrack = local.camera;
      this.localCamera = local.camera;
      if (local.error) this.mediaError = local.error;
      void this.refreshDevices();
      check();
    }
    if (this.serverMutedMic) this.micOn = false;
    if (this.#send) {
      for (const source of ['mic', 'camera', 'screen'] as const) await this.#produce(source, gen);
    }
    check();
    const buffered = this.#buffer ?? [];
    this.#buffer = null;
    for (const replay of buffered) replay();
    this.status = 'connected';
    this.#retry = 0;
    this.#startStats(gen);
  }

  async refreshDevices(): Promise<void> {
    const { cameras, microphones } = await listDevices();
    this.cameras = cameras;
    this.microphones = microphones;
    this.cameraId ||= this.#cameraTrack?.getSettings().deviceId ?? cameras[0]?.deviceId ?? '';
    this.microphoneId ||= this.#micTrack?.getSettings().deviceId ?? microphones[0]?.deviceId ?? '';
  }

  async #transport(direction: 'send' | 'recv', gen: number): Promise<types.Transport> {
    const info = await this.#ok(this.#call('conference:createTransport', { meetingId: this.meetingId, direction }));
    if (gen !== this.#gen || !this.#device) throw new Stale();
    const options: types.TransportOptions = {
      id: info.id,
      iceParameters: info.iceParameters as types.IceParameters,
      iceCandidates: info.iceCandidates as types.IceCandidate[],
      dtlsParameters: info.dtlsParameters as types.DtlsParameters,
      iceServers: [],
    };
    const transport = direction === 'send' ? this.#device.createSendTransport(options) : this.#device.createRecvTransport(options);
    transport.on('connect', ({ dtlsParameters }, done, fail) => {
      void this.#call('conference:connectTransport', { meetingId: this.meetingId, transportId: transport.id, dtlsParameters: dtlsParameters as PayloadOf<'conference:connectTransport'>['dtlsParameters'] }).then((ack) =>
        ack.ok ? done() : fail(new Error(ack.error.message)),
      );
    });
    if (direction === 'send') {
      transport.on('produce', ({ kind, rtpParameters, appData }, done, fail) => {
        const source = appData.source as ConferenceSource;
        void this.#call('conference:produce', {
          meetingId: this.meetingId,
          transportId: transport.id,
          kind,
          rtpParameters: rtpParameters as PayloadOf<'conference:produce'>['rtpParameters'],
          source,
          paused: appData.paused === true,
        }).then((ack) => (ack.ok ? done({ id: ack.data.id }) : fail(new Error(ack.error.message))));
      });
    }
    transport.on('connectionstatechange', (state) => this.#transportState(transport, state, gen));
    transport.observer.on('close', () => {
      if (!this.#ownClose && gen === this.#gen) this.#reconnect();
    });
    return transport;
  }

  #transportState(transport: types.Transport, state: types.ConnectionState, gen: number): void {
    if (gen !== this.#gen) return;
    const clear = () => {
      const timer = this.#iceTimers.get(transport.id);
      if (timer) clearTimeout(timer);
      this.#iceTimers.delete(transport.id);
    };
    if (state === 'connected') {
      clear();
      return;
    }
    if (state === 'failed' || state === 'closed') {
      clear();
      this.#reconnect();
      return;
    }
    if (state === 'disconnected' && !this.#iceTimers.has(transport.id)) {
      // A short outage: restart ICE first; join again if that does not bring it back.
      this.#iceTimers.set(
        transport.id,
        setTimeout(() => {
          if (gen !== this.#gen || transport.closed || transport.connectionState === 'connected') return clear();
          void this.#call('conference:restartIce', { meetingId: this.meetingId, transportId: transport.id }).then(async (ack) => {
            if (ack.ok && !transport.closed) await transport.restartIce({ iceParameters: ack.data.iceParameters as types.IceParameters }).catch(() => undefined);
          });
          this.#iceTimers.set(
            transport.id,
            setTimeout(() => {
              this.#iceTimers.delete(transport.id);
              if (gen === this.#gen && !transport.closed && transport.connectionState !== 'connected') this.#reconnect();
            }, REJOIN_AFTER_MS),
          );
        }, ICE_RESTART_AFTER_MS),
      );
    }
  }

  // ---- sending ---------------------------------------------------------------

  async #produce(source: ConferenceSource, gen: number): Promise<void> {
    const send = this.#send;
    const me = this.me;
    if (!send || send.closed || !me || this.#producers.has(source)) return;
    const perms = me.permissions;
    const track = source === 'mic' ? this.#micTrack : source === 'camera' ? this.#cameraTrack : this.localScreen;
    if (!track || track.readyState === 'ended') return;
    if ((source === 'mic' && !perms.canProduceAudio) || (source === 'camera' && !perms.canProduceVideo) || (source === 'screen' && !perms.canShareScreen)) return;
    const paused = source === 'mic' ? !this.micOn || this.serverMutedMic : source === 'camera' ? !this.cameraOn : false;
    const producer = await send.produce({
      track,
      stopTracks: false,
      ...(source === 'camera' ? { encodings: CAMERA_ENCODINGS, codecOptions: CAMERA_CODEC_OPTIONS } : {}),
      ...(source === 'mic' ? { codecOptions: MIC_CODEC_OPTIONS } : {}),
      appData: { source, paused },
    });
    if (gen !== this.#gen) {
      producer.close();
      throw new Stale();
    }
    if (paused) producer.pause();
    this.#producers.set(source, producer);
    producer.observer.on('close', () => {
      if (this.#producers.get(source) === producer) this.#producers.delete(source);
    });
  }

  async #setProducerPaused(source: ConferenceSource, paused: boolean): Promise<string | null> {
    const producer = this.#producers.get(source);
    if (!producer || producer.closed) return null;
    if (paused) producer.pause();
    const ack = await this.#call(paused ? 'conference:pauseProducer' : 'conference:resumeProducer', { meetingId: this.meetingId, producerId: producer.id });
    if (!ack.ok) {
      if (!paused && source === 'mic') this.micOn = false;
      return ack.error.message;
    }
    if (!paused) producer.resume();
    return null;
  }

  #stopShare(): void {
    const producer = this.#producers.get('screen');
    if (producer) {
      void this.#call('conference:closeProducer', { meetingId: this.meetingId, producerId: producer.id });
      producer.close();
      this.#producers.delete('screen');
    }
    this.localScreen?.stop();
    this.localScreen = null;
    this.sharing = false;
  }

  // ---- receiving ----------------------------------------------------------------

  async #consume(producer: ProducerInfo, gen: number): Promise<void> {
    if (producer.peerId === this.me?.id || this.#byProducer.has(producer.id) || this.#consuming.has(producer.id)) return;
    const recv = this.#recv;
    if (!recv || recv.closed) return;
    this.#consuming.add(producer.id);
    try {
      const ack = await this.#call('conference:consume', { meetingId: this.meetingId, producerId: producer.id });
      if (!ack.ok || gen !== this.#gen || recv.closed) return; // the producer went away meanwhile
      const info = ack.data;
      const consumer = await recv.consume({ id: info.id, producerId: info.producerId, kind: info.kind, rtpParameters: info.rtpParameters as types.RtpParameters });
      if (gen !== this.#gen) {
        consumer.close();
        return;
      }
      this.#consumers.set(consumer.id, { consumer, peerId: info.producerPeerId, source: info.source });
      this.#byProducer.set(info.producerId, consumer.id);
      const current = this.remote[info.producerPeerId] ?? { mic: null, camera: null, screen: null };
      this.remote[info.producerPeerId] = { ...current, [info.source]: consumer.track };
      await this.#call('conference:resumeConsumer', { meetingId: this.meetingId, consumerId: consumer.id });
    } catch (error) {
      if (gen === this.#gen) console.warn('conference: consume failed', error);
    } finally {
      this.#consuming.delete(producer.id);
    }
  }

  #dropConsumer(consumerId: string): void {
    const entry = this.#consumers.get(consumerId);
    if (!entry) return;
    this.#consumers.delete(consumerId);
    this.#byProducer.delete(entry.consumer.producerId);
    const media = this.remote[entry.peerId];
    if (media && media[entry.source] === entry.consumer.track) this.remote[entry.peerId] = { ...media, [entry.source]: null };
    entry.consumer.close();
  }

  // ---- what the server says --------------------------------------------------------

  #upsertPeer(peer: ConferencePeer): void {
    if (peer.id === this.me?.id) {
      this.me = peer;
      return;
    }
    this.peers[peer.id] = peer;
    if (this.#receiving()) for (const producer of peer.producers) void this.#consume(producer, this.#gen);
  }

  #peerLeft(peerId: string, reason: PushOf<'conference:peerLeft'>['reason']): void {
    if (peerId === this.me?.id || (this.me === null && (reason === 'replaced' || reason === 'removed'))) {
      if (reason === 'removed') this.#stop('removed');
      else if (reason === 'replaced') this.#stop('replaced');
      else if (reason === 'room-closed') this.#stop('ended');
      else if (this.status === 'connected' || this.status === 'reconnecting') this.#reconnect();
      return;
    }
    const apply = () => {
      delete this.peers[peerId];
      delete this.remote[peerId];
      for (const [consumerId, entry] of [...this.#consumers]) if (entry.peerId === peerId) this.#dropConsumer(consumerId);
    };
    if (this.#buffer !== null) this.#buffer.push(apply);
    else apply();
  }

  #newProducer(producer: ProducerInfo): void {
    if (producer.peerId === this.me?.id) return;
    const peer = this.peers[producer.peerId];
    if (peer && !peer.producers.some((p) => p.id === producer.id)) peer.producers.push(producer);
    if (this.#receiving()) void this.#consume(producer, this.#gen);
  }

  /** a recv transport is up and the join's snapshot is applied (pushes are no longer buffered) */
  #receiving(): boolean {
    return this.#recv !== null && !this.#recv.closed && this.#buffer === null;
  }

  #producerClosed(producerId: string, peerId: string): void {
    const peer = peerId === this.me?.id ? this.me : this.peers[peerId];
    if (peer) peer.producers = peer.producers.filter((p) => p.id !== producerId);
    const consumerId = this.#byProducer.get(producerId);
    if (consumerId) this.#dropConsumer(consumerId);
  }

  #producerPaused(producerId: string, peerId: string, source: ConferenceSource, paused: boolean, byServer: boolean): void {
    const peer = peerId === this.me?.id ? this.me : this.peers[peerId];
    const info = peer?.producers.find((p) => p.id === producerId);
    if (info) info.paused = paused;
    if (peerId !== this.me?.id || !byServer) return;
    // The chair muted me (or gave me the floor): follow it locally.
    const mine = this.#producers.get(source);
    if (!mine || mine.id !== producerId) return;
    if (paused) mine.pause();
    else mine.resume();
    if (source === 'mic') this.micOn = !paused;
    if (source === 'camera') this.cameraOn = !paused;
  }

  #setHand(peerId: string, raised: boolean): void {
    if (peerId === this.me?.id && this.me) this.me.handRaised = raised;
    const peer = this.peers[peerId];
    if (peer) peer.handRaised = raised;
  }

  #admission(state: 'admitted' | 'refused'): void {
    if (this.status !== 'lobby') return;
    if (state === 'admitted') void this.#connect('joining');
    else this.#stop('refused');
  }

  // ---- stats and quality -----------------------------------------------------------

  #startStats(gen: number): void {
    if (this.#statsTimer !== null) clearInterval(this.#statsTimer);
    this.#lastRecv = null;
    this.#statsTimer = setInterval(() => void this.#sample(gen), STATS_INTERVAL_MS);
  }

  async #sample(gen: number): Promise<void> {
    if (gen !== this.#gen || this.status !== 'connected') return;
    const transports = [this.#recv, this.#send].filter((t): t is types.Transport => t !== null);
    let loss = 0;
    let rtt: number | null = null;
    for (const transport of transports) {
      let reading: LinkReading;
      try {
        if (transport.closed) throw new Error('closed');
        reading = readStats(await transport.getStats());
      } catch {
        if (gen === this.#gen) this.#reconnect();
        return;
      }
      if (gen !== this.#gen) return;
      // Closed under us (a dropped network, a browser that gave up): the browser's stats say so.
      if (reading.dead && transport.connectionState !== 'new' && transport.connectionState !== 'connecting') {
        this.#reconnect();
        return;
      }
      if (transport === this.#recv) {
        loss = Math.max(loss, lossPercent(this.#lastRecv, reading));
        this.#lastRecv = reading;
      } else {
        loss = Math.max(loss, lossPercent(null, reading));
      }
      if (reading.rttMs !== null) rtt = Math.max(rtt ?? 0, reading.rttMs);
    }
    this.lossPct = Math.round(loss * 10) / 10;
    this.rttMs = rtt === null ? null : Math.round(rtt);
    this.quality = classify(loss, rtt);
  }

  // ---- plumbing -------------------------------------------------------------------------

  /** Close transports, producers and consumers (local tracks stay). */
  #teardown(): void {
    this.#ownClose = true;
    try {
      // Transports first: their producers and consumers then close without asking a (maybe dead) peer connection.
      this.#send?.close();
      this.#recv?.close();
      for (const producer of this.#producers.values()) producer.close();
      this.#producers.clear();
      for (const { consumer } of this.#consumers.values()) consumer.close();
      this.#consumers.clear();
      this.#byProducer.clear();
      this.#consuming.clear();
    } finally {
      this.#ownClose = false;
    }
    this.#send = null;
    this.#recv = null;
    this.#device = null;
    for (const timer of this.#iceTimers.values()) clearTimeout(timer);
    this.#iceTimers.clear();
    if (this.#statsTimer !== null) clearInterval(this.#statsTimer);
    this.#statsTimer = null;
    this.quality = null;
  }

  #stop(status: SessionStatus): void {
    this.#gen++;
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    this.#buffer = null;
    this.#teardown();
    this.status = status;
    this.remote = {};
    this.peers = {};
    this.lobby = [];
    this.me = null;
    this.stage = { peerId: null, reason: null, activeSpeakerId: null };
    if (this.sharing) {
      this.localScreen?.stop();
      this.localScreen = null;
      this.sharing = false;
    }
  }

  /** realtime.call, retried when the server's rate limit says "slow down". */
  async #call<E extends EventName>(event: E, payload: PayloadOf<E>): Promise<Ack<AckDataOf<E>>> {
    for (let attempt = 0; ; attempt++) {
      const ack = (await realtime.call(event, payload)) as Ack<AckDataOf<E>>;
      if (ack.ok || ack.error.code !== 'rateLimited' || attempt >= 5) return ack;
      await new Promise((resolve) => setTimeout(resolve, 250 * (attempt + 1)));
    }
  }

  async #ok<T>(pending: Promise<Ack<T>>): Promise<T> {
    const ack = await pending;
    if (!ack.ok) throw new Error(`${ack.error.code}: ${ack.error.message}`);
    return ack.data;
  }

  #message(ack: Ack<unknown>): string | null {
    return ack.ok ? null : ack.error.message;
  }
}

/** chair first, then province, district, commune halls, then people */
function rank(peer: ConferencePeer): number {
  if (peer.role === 'chair') return 0;
  const level = peer.level === 'province' ? 1 : peer.level === 'district' ? 2 : peer.level === 'commune' ? 3 : 4;
  return (peer.role === 'endpoint' ? 0 : 10) + level;
}
