/**
 * One browser's place in a meeting's video conference, as rune state: the
 * peers and their tracks, the stage, the lobby (chairs), my buttons. Talks
 * to the server over the tab's one Socket.io connection (`conference:*`, see
 * server/contract/conference-realtime.ts). It composes the parts that each
 * do one job: the mediasoup link of the current join (media-link.ts), this
 * browser's camera and microphone (devices.svelte.ts), the connection
 * quality (stats.svelte.ts) and the chair's controls (chair.ts).
 *
 * Reconnection needs nobody: a failed or closed transport, a dead media
 * worker (`conference:rejoin`), a socket that reconnects or a peer timed out
 * on the server all lead to a fresh join with new transports, retried with a
 * back-off, while the page shows "Đang kết nối lại…". Local camera and mic
 * tracks survive it. Every async step checks the join generation it belongs
 * to, so work of an abandoned attempt never touches the new one.
 */
import type { types } from 'mediasoup-client';
import type {
  ConferenceJoined,
  ConferencePeer,
  ConferenceServerToClientEvents,
  ConferenceSource,
  ConferenceStage,
  LobbyEntry,
  ProducerInfo,
} from '$contract/conference-realtime.ts';
import type { AckError } from '$contract/realtime.ts';
import type { AppSocket } from '$lib/realtime/client.svelte.ts';
import { errorKind } from '$lib/realtime/errors.ts';
import { SocketFollower } from '$lib/realtime/follower.ts';
import { conferenceCall, messageOf, required } from './call.ts';
import { ChairControls } from './chair.ts';
import { LocalDevices } from './devices.svelte.ts';
import { MediaLink, Stale } from './media-link.ts';
import { recordingApi, type RecordingDto } from './recording-api.ts';
import { listenToConference } from './signalling.ts';
import { LinkStats } from './stats.svelte.ts';
import { MySources } from './sources.svelte.ts';

export type SessionStatus = 'idle' | 'joining' | 'lobby' | 'connected' | 'reconnecting' | 'ended' | 'removed' | 'refused' | 'replaced' | 'left' | 'error';
export type RemoteMedia = { mic: MediaStreamTrack | null; camera: MediaStreamTrack | null; screen: MediaStreamTrack | null };

type PushOf<E extends keyof ConferenceServerToClientEvents> = Parameters<ConferenceServerToClientEvents[E]>[0];

const RETRY_DELAYS_MS = [0, 1_000, 2_000, 3_000, 5_000];

export class ConferenceSession extends SocketFollower<AppSocket> {
  readonly meetingId: string;
  readonly chair: ChairControls;
  readonly devices = new LocalDevices((source, track) => this.#link?.producer(source)?.replaceTrack({ track }) ?? Promise.resolve());
  readonly stats = new LinkStats();
  /** my buttons (what I want; the chair's mute may hold the mic off) */
  readonly sources: MySources;

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
  /** the recording running now (everyone shows the red indicator), or null */
  recording = $state<RecordingDto | null>(null);

  readonly peerList: ConferencePeer[] = $derived(
    Object.values(this.peers).sort((a, b) => rank(a) - rank(b) || a.displayName.localeCompare(b.displayName, 'vi')),
  );
  readonly isChair: boolean = $derived(this.me?.permissions.isChair === true);
  readonly handRaised: boolean = $derived(this.me?.handRaised === true);
  readonly active: boolean = $derived(this.status === 'joining' || this.status === 'connected' || this.status === 'reconnecting' || this.status === 'lobby');

  // What the page reads of the parts, under the names it always had.
  get micOn() { return this.sources.micOn; } // prettier-ignore
  get cameraOn() { return this.sources.cameraOn; } // prettier-ignore
  get sharing() { return this.sources.sharing; } // prettier-ignore
  get audioOnly() { return this.sources.audioOnly; } // prettier-ignore
  get localScreen() { return this.sources.localScreen; } // prettier-ignore
  get quality() { return this.stats.quality; } // prettier-ignore
  get lossPct() { return this.stats.lossPct; } // prettier-ignore
  get rttMs() { return this.stats.rttMs; } // prettier-ignore
  get localCamera() { return this.devices.localCamera; } // prettier-ignore
  get cameras() { return this.devices.cameras; } // prettier-ignore
  get microphones() { return this.devices.microphones; } // prettier-ignore
  get cameraId() { return this.devices.cameraId; } // prettier-ignore
  get microphoneId() { return this.devices.microphoneId; } // prettier-ignore
  get mediaError() { return this.devices.mediaError; } // prettier-ignore

  #gen = 0;
  /** the mediasoup side of the current join (null between joins) */
  #link: MediaLink | null = null;
  /** pushes that arrive while a join is being set up, replayed after it */
  #buffer: (() => void)[] | null = null;
  #retry = 0;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(meetingId: string) {
    super();
    this.meetingId = meetingId;
    this.chair = new ChairControls(meetingId, conferenceCall);
    this.sources = new MySources({
      meetingId,
      call: conferenceCall,
      devices: this.devices,
      link: () => this.#link,
      me: () => this.me,
      connected: () => this.status === 'connected',
    });
  }

  // ---- what the server says ------------------------------------------------

  protected override listen(socket: AppSocket): () => void {
    // Pushes about the peers and tracks wait while a join is set up (`#later`); those about the join itself do not (`#now`).
    return listenToConference(socket, {
      peerJoined: (p) => this.#later(p, () => this.#upsertPeer(p.peer)),
      peerUpdated: (p) => this.#later(p, () => this.#upsertPeer(p.peer)),
      peerLeft: (p) => this.#now(p, () => this.#peerLeft(p.peerId, p.reason)),
      newProducer: (p) => this.#later(p, () => this.#newProducer(p.producer)),
      producerClosed: (p) => this.#later(p, () => this.#producerClosed(p.producerId, p.peerId)),
      producerPaused: (p) => this.#later(p, () => this.#producerPaused(p.producerId, p.peerId, p.source, true, p.byServer)),
      producerResumed: (p) => this.#later(p, () => this.#producerPaused(p.producerId, p.peerId, p.source, false, p.byServer)),
      consumerClosed: (p) => this.#later(p, () => this.#link?.dropConsumer(p.consumerId)),
      stage: (p) => this.#later(p, () => (this.stage = p.stage)),
      hand: (p) => this.#later(p, () => this.#setHand(p.peerId, p.raised)),
      rejoin: (p) => this.#now(p, () => this.#reconnect()),
      lobby: (p) => this.#now(p, () => (this.lobby = p.entries)),
      admission: (p) => this.#now(p, () => this.#admission(p.state)),
      settings: (p) => this.#now(p, () => (this.requireAdmission = p.requireAdmission)),
      recording: (p) => this.#now(p, () => (this.recording = p.recording)),
      ended: (p) => this.#now(p, () => this.#stop('ended')),
    });
  }

  /** A new socket (the old one's peer is gone or going): join again. */
  protected override connected(): void {
    if (this.status === 'connected' || this.status === 'reconnecting' || this.status === 'joining' || this.status === 'lobby') this.#reconnect();
  }

  protected override disconnected(): void {
    if (this.status === 'connected' || this.status === 'joining') this.status = 'reconnecting';
  }

  /** A push for this meeting that changes the join itself: at once. */
  #now(payload: { meetingId: string }, handle: () => void): void {
    if (payload?.meetingId === this.meetingId) handle();
  }

  /** A push for this meeting about peers and tracks: after the join being set up, if one is. */
  #later(payload: { meetingId: string }, handle: () => void): void {
    if (payload?.meetingId !== this.meetingId) return;
    if (this.#buffer !== null) this.#buffer.push(handle);
    else handle();
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
    if (wasIn) await conferenceCall('conference:leave', { meetingId: this.meetingId });
  }

  /** Page gone: leave and release the camera and microphone. */
  destroy(): void {
    if (this.active) void conferenceCall('conference:leave', { meetingId: this.meetingId });
    this.#stop('left');
    this.stopFollowing();
    this.devices.release();
    this.sources.stopShare();
  }

  async toggleHand(): Promise<string | null> {
    return messageOf(await conferenceCall('conference:raiseHand', { meetingId: this.meetingId, raised: !this.handRaised }));
  }

  // ---- joining --------------------------------------------------------------

  async #connect(mode: 'joining' | 'reconnecting'): Promise<void> {
    const gen = ++this.#gen;
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    this.status = mode;
    this.#teardown();
    this.#buffer = [];
    const ack = await conferenceCall('conference:join', { meetingId: this.meetingId });
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
    // To a join, 'notFound' means the media room closed under it (a worker lost): joining again is the cure.
    const kind = error.code === 'notFound' ? 'transient' : errorKind(error);
    if (kind === 'final' || kind === 'unauthorised') {
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
  /** set once direct ICE failed on this network: later joins use the TURN relay only */
  #relayOnly = false;

  #reconnect(): void {
    if (!this.active) return;
    this.#retry = 0;
    void this.#connect('reconnecting');
  }

  async #setUp(data: ConferenceJoined, gen: number): Promise<void> {
    const current = () => gen === this.#gen;
    const check = () => {
      if (!current()) throw new Stale();
    };
    this.me = data.me;
    this.peers = Object.fromEntries(data.peers.map((p) => [p.id, p]));
    this.remote = {};
    this.stage = data.stage;
    this.requireAdmission = data.requireAdmission;
    // whether a recording runs already (later changes come as pushes)
    recordingApi.list(this.meetingId).then(
      ({ active }) => {
        if (current()) this.recording = active;
      },
      () => undefined,
    );
    this.lobby = data.lobby ?? [];

    const link = new MediaLink({
      meetingId: this.meetingId,
      call: conferenceCall,
      current,
      iceServers: data.iceServers,
      relayOnly: this.#relayOnly,
      broken: (why) => {
        // Direct ICE found no path at all (UDP and the media ports blocked): join again through the TURN relay only.
        if (why?.neverConnected === true && data.iceServers.length > 0) this.#relayOnly = true;
        this.#reconnect();
      },
      trackAdded: (peerId, source, track) => {
        const media = this.remote[peerId] ?? { mic: null, camera: null, screen: null };
        this.remote[peerId] = { ...media, [source]: track };
      },
      trackGone: (peerId, source, track) => {
        const media = this.remote[peerId];
        if (media && media[source] === track) this.remote[peerId] = { ...media, [source]: null };
      },
    });
    this.#link = link;
    const perms = data.me.permissions;
    const produces = perms.canProduceAudio || perms.canProduceVideo || perms.canShareScreen;
    await link.start(data.routerRtpCapabilities as types.RtpCapabilities, produces);
    if (this.sources.audioOnly) await required(conferenceCall('conference:setViewMode', { meetingId: this.meetingId, mode: 'audio-only' }));
    check();

    // Consuming first: what others send matters more than what we send.
    await Promise.all(data.peers.flatMap((p) => p.producers).map((p) => this.#consume(p)));
    check();
    if (await this.devices.openOnce({ audio: perms.canProduceAudio, video: perms.canProduceVideo })) check();
    if (this.sources.serverMutedMic) this.sources.micOn = false;
    if (link.send) {
      for (const source of ['mic', 'camera', 'screen'] as const) await this.sources.produce(source);
    }
    check();
    const buffered = this.#buffer ?? [];
    this.#buffer = null;
    for (const replay of buffered) replay();
    this.status = 'connected';
    this.#retry = 0;
    this.stats.start({ recv: () => link.recv, send: () => link.send, current: () => current() && this.status === 'connected', broken: () => this.#reconnect() });
  }

  // ---- peers and tracks ---------------------------------------------------------

  /** Receives a peer's track (never our own). */
  #consume(producer: ProducerInfo): Promise<void> {
    if (producer.peerId === this.me?.id || !this.#link) return Promise.resolve();
    return this.#link.consume(producer);
  }

  /** a recv transport is up and the join's snapshot is applied (pushes are no longer buffered) */
  #receiving(): boolean {
    return this.#link?.receiving === true && this.#buffer === null;
  }

  #upsertPeer(peer: ConferencePeer): void {
    if (peer.id === this.me?.id) {
      this.me = peer;
      return;
    }
    this.peers[peer.id] = peer;
    if (this.#receiving()) for (const producer of peer.producers) void this.#consume(producer);
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
      this.#link?.dropPeer(peerId);
    };
    if (this.#buffer !== null) this.#buffer.push(apply);
    else apply();
  }

  #newProducer(producer: ProducerInfo): void {
    if (producer.peerId === this.me?.id) return;
    const peer = this.peers[producer.peerId];
    if (peer && !peer.producers.some((p) => p.id === producer.id)) peer.producers.push(producer);
    if (this.#receiving()) void this.#consume(producer);
  }

  #producerClosed(producerId: string, peerId: string): void {
    const peer = peerId === this.me?.id ? this.me : this.peers[peerId];
    if (peer) peer.producers = peer.producers.filter((p) => p.id !== producerId);
    this.#link?.dropProducer(producerId);
  }

  #producerPaused(producerId: string, peerId: string, source: ConferenceSource, paused: boolean, byServer: boolean): void {
    const peer = peerId === this.me?.id ? this.me : this.peers[peerId];
    const info = peer?.producers.find((p) => p.id === producerId);
    if (info) info.paused = paused;
    if (peerId === this.me?.id && byServer) this.sources.followServer(producerId, source, paused);
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

  // ---- plumbing -------------------------------------------------------------------------

  /** Close the current join's transports, producers and consumers (local tracks stay). */
  #teardown(): void {
    this.#link?.close();
    this.#link = null;
    this.stats.stop();
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
    if (this.sources.sharing) this.sources.stopShare();
  }
}

/** chair first, then province, district, commune halls, then people */
function rank(peer: ConferencePeer): number {
  if (peer.role === 'chair') return 0;
  const level = peer.level === 'province' ? 1 : peer.level === 'district' ? 2 : peer.level === 'commune' ? 3 : 4;
  return (peer.role === 'endpoint' ? 0 : 10) + level;
}
