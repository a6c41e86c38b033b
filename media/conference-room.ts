/**
 * The one owner of a conference's media: routers (one per worker in use),
 * peers, the producer index, pipes between workers, the active speaker and
 * the stage. Created through RoomRegistry.getOrCreate(), closed idempotently.
 *
 * Placement: a new peer goes to the room's least filled router; once every
 * router holds `peersPerRouter` peers, the room opens a router on a worker it
 * does not use yet. A peer may be placed on a media node (`node`): it then
 * goes to the room's routers on that node, or to the default node's (then
 * any live node's) while that node is down. A consumer on another router than
 * its producer gets the producer through pipeToRouter, or through SRTP pipe
 * transports between nodes (node-pipes.ts); one pipe per producer and router,
 * cached, so a node only receives the producers its consumers need.
 * Audio producers are also piped to the router that hosts the room's
 * ActiveSpeakerObserver.
 *
 * Over the ~400-line limit on purpose: routers, peers, the producer index,
 * pipes and the speaker/stage state are one owner's state, and each change
 * (a router lost, a peer leaving, a producer closing) must update several of
 * them at once in the order written here; split apart they would have to
 * expose their internals to each other. The peer side lives in peer.ts and
 * peer-consumers.ts, the registry in room-registry.ts.
 */
import { EventEmitter } from 'node:events';
import type * as ms from 'mediasoup/types';
import { silentLogger, type MediaConfig, type MediaLogger } from './config.ts';
import { MediaError, toMediaError } from './errors.ts';
import { NodePipes } from './node-pipes.ts';
import { SerialQueue } from './queue.ts';
import { Peer } from './peer.ts';
import { validatePermissions, type PeerControl, type PeerHost, type ProducerEntry, type RoomRouter } from './peer-types.ts';
import {
  PRODUCER_SOURCES,
  type ConferenceRoomEvents,
  type PeerInfo,
  type PeerLeftReason,
  type PeerPermissions,
  type ProducerInfo,
  type ProducerSource,
  type Stage,
  type ViewMode,
} from './types.ts';
import type { WorkerPool, WorkerSlot } from './worker-pool.ts';

/** See ConferenceRoom.tap(). `webRtcServer`: the router's worker's, for a listener that receives over WebRTC (a hall display). */
export type RoomTap = { router: ms.Router; reach: (producerId: string) => Promise<void>; webRtcServer: ms.WebRtcServer };

type PeerRecord = { peer: Peer; control: PeerControl; timer: NodeJS.Timeout | undefined; node: string | undefined };

export type JoinOptions = {
  peerId: string;
  displayName: string;
  permissions: PeerPermissions;
  /** the client's device capabilities (else give them to consume()) */
  rtpCapabilities?: ms.RtpCapabilities;
  /** sources the chair holds muted (e.g. restored from the database) */
  serverMuted?: ProducerSource[];
  viewMode?: ViewMode;
  /** the media node this peer belongs on (its unit's); the default node when absent */
  node?: string;
};

export type ConferenceRoomOptions = {
  id: string;
  pool: WorkerPool;
  config: MediaConfig;
  logger?: MediaLogger;
};

export class ConferenceRoom extends EventEmitter<ConferenceRoomEvents> {
  readonly #id: string;
  readonly #pool: WorkerPool;
  readonly #config: MediaConfig;
  readonly #logger: MediaLogger;
  readonly #host: PeerHost;
  readonly #routers = new Map<number, RoomRouter>();
  readonly #peers = new Map<string, PeerRecord>();
  readonly #producers = new Map<string, ProducerEntry>();
  readonly #pipes = new Map<string, Promise<void>>();
  readonly #nodePipes = new NodePipes();
  readonly #placement = new SerialQueue();
  #rtpCapabilities: ms.RtpCapabilities | undefined;
  #speaker: { rr: RoomRouter; observer: ms.ActiveSpeakerObserver } | undefined;
  #speakerPending: Promise<void> | undefined;
  #speakerTimer: NodeJS.Timeout | undefined;
  #speakerCandidate: string | null = null;
  #activeSpeakerId: string | null = null;
  #spotlightId: string | null = null;
  #stage: Stage = { peerId: null, reason: null };
  #closed = false;

  /** Use RoomRegistry.getOrCreate(); this opens the room's first router. */
  static async create(options: ConferenceRoomOptions): Promise<ConferenceRoom> {
    const room = new ConferenceRoom(options);
    try {
      const rr = await room.#openRouter(options.pool.pick(undefined, options.config.defaultNode));
      room.#rtpCapabilities = rr.router.rtpCapabilities;
      await room.#ensureSpeakerObserver();
    } catch (error) {
      room.close();
      throw toMediaError(error, 'create room');
    }
    return room;
  }

  private constructor(options: ConferenceRoomOptions) {
    super();
    this.#id = options.id;
    this.#pool = options.pool;
    this.#config = options.config;
    this.#logger = options.logger ?? silentLogger;
    this.#host = this.#makeHost();
  }

  get id(): string {
    return this.#id;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Router RTP capabilities (the same on every router of the room) for mediasoup-client `device.load()`. */
  get rtpCapabilities(): ms.RtpCapabilities {
    if (!this.#rtpCapabilities) throw new MediaError('closed', 'room has no router');
    return structuredClone(this.#rtpCapabilities);
  }

  /** spotlight (set by the chair) if any, else the active speaker */
  get stage(): Stage {
    return { ...this.#stage };
  }

  get activeSpeakerId(): string | null {
    return this.#activeSpeakerId;
  }

  get spotlightId(): string | null {
    return this.#spotlightId;
  }

  getPeer(peerId: string): Peer | undefined {
    return this.#peers.get(peerId)?.peer;
  }

  /** like getPeer, but throws MediaError('not-found') */
  peer(peerId: string): Peer {
    const peer = this.getPeer(peerId);
    if (!peer) throw new MediaError('not-found', 'no such peer in this room');
    return peer;
  }

  peers(): PeerInfo[] {
    return [...this.#peers.values()].map((rec) => rec.peer.info());
  }

  producers(): ProducerInfo[] {
    return [...this.#peers.values()].flatMap((rec) => rec.peer.producers());
  }

  /** worker indexes this room has routers on (diagnostics, tests) */
  workerIndexes(): number[] {
    return [...this.#routers.values()].filter((rr) => !rr.router.closed).map((rr) => rr.slot.index);
  }

  /** Throws 'forbidden' unless the peer is in the room and is a chair. For the signaling layer's checks. */
  assertChair(peerId: string): void {
    if (this.getPeer(peerId)?.permissions.isChair !== true) throw new MediaError('forbidden', 'only the chair may do this');
  }

  /**
   * Add a peer (an existing peer with the same id is replaced: peerLeft 'replaced').
   * The peer stays until it leaves, is removed, or has no connected transport for peerTimeoutMs.
   */
  async join(options: JoinOptions): Promise<Peer> {
    this.#assertOpen();
    if (typeof options?.peerId !== 'string' || options.peerId === '') throw new MediaError('invalid', 'peerId is required');
    if (typeof options.displayName !== 'string') throw new MediaError('invalid', 'displayName is required');
    const permissions = validatePermissions(options.permissions);
    const serverMuted = options.serverMuted ?? [];
    if (!Array.isArray(serverMuted) || serverMuted.some((s) => !PRODUCER_SOURCES.includes(s))) {
      throw new MediaError('invalid', 'serverMuted must list producer sources');
    }
    return this.#placement.push(async () => {
      this.#assertOpen();
      this.#peers.get(options.peerId)?.control.close('replaced');
      const rr = await this.#placePeer(options.node);
      const { peer, control } = Peer.create({
        id: options.peerId,
        displayName: options.displayName,
        permissions,
        host: this.#host,
        router: rr,
        rtpCapabilities: options.rtpCapabilities,
        serverMuted,
        viewMode: options.viewMode,
      });
      rr.peers.add(peer);
      rr.slot.retain();
      const rec: PeerRecord = { peer, control, timer: undefined, node: options.node };
      this.#peers.set(peer.id, rec);
      this.#armTimeout(rec);
      this.#logger.info({ roomId: this.#id, peerId: peer.id, worker: rr.slot.index, node: rr.slot.node.name }, 'peer joined');
      void this.#ensureSpeakerObserver().catch((err: unknown) => this.#logger.warn({ err }, 'speaker observer'));
      this.#emit('peerJoined', { peerId: peer.id, displayName: peer.displayName, permissions });
      return peer;
    });
  }

  /**
   * After peerNeedsRejoin: place the peer on a live worker. Same Peer object,
   * permissions, mutes and view mode; the client then creates its transports,
   * produces and consumes again. A no-op for a peer that does not need it.
   */
  async rejoin(peerId: string): Promise<Peer> {
    this.#assertOpen();
    const rec = this.#peers.get(peerId);
    if (!rec) throw new MediaError('not-found', 'no such peer in this room');
    return this.#placement.push(async () => {
      this.#assertOpen();
      if (rec.peer.closed) throw new MediaError('closed', 'peer has left');
      if (!rec.peer.needsRejoin) return rec.peer;
      const rr = await this.#placePeer(rec.node);
      if (rec.peer.closed) throw new MediaError('closed', 'peer has left');
      rec.control.relocate(rr);
      rr.peers.add(rec.peer);
      rr.slot.retain();
      this.#logger.info({ roomId: this.#id, peerId, worker: rr.slot.index, node: rr.slot.node.name }, 'peer rejoined');
      void this.#ensureSpeakerObserver().catch((err: unknown) => this.#logger.warn({ err }, 'speaker observer'));
      return rec.peer;
    });
  }

  /** The peer leaves on its own (idempotent). */
  leave(peerId: string): void {
    this.#peers.get(peerId)?.control.close('left');
  }

  /** The chair removes an endpoint. */
  removePeer(peerId: string): void {
    this.#peers.get(peerId)?.control.close('removed');
  }

  /** New permissions: producers no longer allowed are closed; priorities follow isChair/priority. */
  updatePermissions(peerId: string, permissions: PeerPermissions): void {
    const rec = this.#peers.get(peerId);
    if (!rec) throw new MediaError('not-found', 'no such peer in this room');
    rec.control.setPermissions(permissions);
    this.#relayout();
  }

  /**
   * For a listener that is no peer (the recorder, media/recording/): the
   * router to consume on, the one hosting the speaker observer (every mic is
   * piped there already, and it stays open while the room has no peers on
   * it), and a way to make any producer of the room reachable on it.
   */
  async tap(): Promise<RoomTap> {
    this.#assertOpen();
    await this.#ensureSpeakerObserver();
    const rr = await this.#localRouter();
    return {
      router: rr.router,
      webRtcServer: rr.slot.webRtcServer,
      reach: async (producerId) => {
        const entry = this.#producers.get(producerId);
        if (!entry) throw new MediaError('not-found', 'no such producer');
        await this.#pipe(entry, rr);
      },
    };
  }

  /**
   * A router of this process's own workers (the recorder's ffmpeg listens
   * here): the speaker observer's when it is local, else one the room has or
   * opens on a local worker.
   */
  async #localRouter(): Promise<RoomRouter> {
    const local = this.#config.localNodeName;
    const isLocal = (rr: RoomRouter | undefined): rr is RoomRouter => rr !== undefined && !rr.router.closed && rr.slot.alive && rr.slot.node.name === local;
    if (isLocal(this.#speaker?.rr)) return this.#speaker.rr;
    const existing = [...this.#routers.values()].find(isLocal);
    if (existing) return existing;
    if (!this.#pool.liveNodes().has(local)) throw new MediaError('unavailable', 'room has no live router here');
    const used = new Set([...this.#routers.values()].filter((rr) => !rr.router.closed).map((rr) => rr.slot.index));
    return this.#openRouter(this.#pool.pick(used, local));
  }

  // ---- chair controls (the caller checks that the actor is the chair) ----

  /** Pause the producer server-side; its owner cannot resume that source until unmutePeer/giveFloor. */
  async muteProducer(producerId: string): Promise<void> {
    this.#assertOpen();
    const entry = this.#producers.get(producerId);
    if (!entry) throw new MediaError('not-found', 'no such producer');
    await this.mutePeer(entry.peer.id, [entry.source]);
  }

  /** Hold these sources of the peer muted (also a producer it creates later). */
  async mutePeer(peerId: string, sources: ProducerSource[] = ['mic']): Promise<void> {
    this.#assertOpen();
    const rec = this.#peers.get(peerId);
    if (!rec) throw new MediaError('not-found', 'no such peer in this room');
    await rec.control.serverMute(this.#sources(sources));
  }

  /** Mute every mic in the room but one (the chair's, usually). */
  async muteAll(exceptPeerId?: string): Promise<void> {
    this.#assertOpen();
    const results = await Promise.allSettled(
      [...this.#peers.values()].filter((rec) => rec.peer.id !== exceptPeerId).map((rec) => rec.control.serverMute(['mic'])),
    );
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) this.#logger.warn({ roomId: this.#id, err: failed.reason as unknown }, 'muteAll: a producer could not be paused');
  }

  /** Lift the chair's mute; a producer the owner had paused itself stays paused. */
  async unmutePeer(peerId: string, sources: ProducerSource[] = [...PRODUCER_SOURCES]): Promise<void> {
    this.#assertOpen();
    const rec = this.#peers.get(peerId);
    if (!rec) throw new MediaError('not-found', 'no such peer in this room');
    await rec.control.serverUnmute(this.#sources(sources));
  }

  /** Unmute the peer's mic (even one it had paused: producerResumed byServer) and put it on stage. */
  async giveFloor(peerId: string): Promise<void> {
    this.#assertOpen();
    const rec = this.#peers.get(peerId);
    if (!rec) throw new MediaError('not-found', 'no such peer in this room');
    await rec.control.serverUnmute(['mic'], { resumeMic: true });
    this.setSpotlight(peerId);
  }

  /** The chair's choice for the stage (null: follow the active speaker). */
  setSpotlight(peerId: string | null): void {
    this.#assertOpen();
    if (peerId !== null && !this.#peers.has(peerId)) throw new MediaError('not-found', 'no such peer in this room');
    this.#spotlightId = peerId;
    this.#updateStage();
  }

  /** Idempotent: closes peers (peerLeft 'room-closed'), the observer and the routers; emits 'closed'. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#speakerTimer);
    for (const rec of [...this.#peers.values()]) rec.control.close('room-closed');
    this.#speaker?.observer.close();
    this.#speaker = undefined;
    for (const rr of this.#routers.values()) {
      rr.closing = true;
      rr.router.close();
    }
    this.#routers.clear();
    this.#pipes.clear();
    this.#producers.clear();
    this.#logger.info({ roomId: this.#id }, 'room closed');
    this.#emit('closed');
  }

  // ---- internals --------------------------------------------------------

  #emit<K extends keyof ConferenceRoomEvents>(event: K, ...args: ConferenceRoomEvents[K]): void {
    try {
      (this.emit as (event: K, ...args: ConferenceRoomEvents[K]) => boolean)(event, ...args);
    } catch (err) {
      this.#logger.error({ roomId: this.#id, event, err }, 'room event listener threw');
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new MediaError('closed', 'room is closed');
  }

  #sources(sources: readonly ProducerSource[]): ProducerSource[] {
    if (!Array.isArray(sources) || sources.some((s) => !PRODUCER_SOURCES.includes(s))) {
      throw new MediaError('invalid', `sources must be among ${PRODUCER_SOURCES.join(', ')}`);
    }
    return [...sources];
  }

  async #openRouter(slot: WorkerSlot): Promise<RoomRouter> {
    let router: ms.Router;
    try {
      router = await slot.worker.createRouter({ mediaCodecs: this.#config.mediaCodecs, appData: { roomId: this.#id } });
    } catch (error) {
      throw toMediaError(error, 'create router');
    }
    if (this.#closed) {
      router.close();
      throw new MediaError('closed', 'room is closed');
    }
    const rr: RoomRouter = { slot, router, peers: new Set(), closing: false };
    this.#routers.get(slot.index)?.router.close();
    this.#routers.set(slot.index, rr);
    router.observer.once('close', () => this.#onRouterClosed(rr));
    return rr;
  }

  /** A live router for one more peer (the chosen router may close while a new one opens: then choose again). */
  async #placePeer(node: string | undefined): Promise<RoomRouter> {
    for (let attempt = 0; ; attempt++) {
      const rr = await this.#chooseRouter(this.#nodeFor(node));
      if (!rr.router.closed) return rr;
      if (attempt >= 2) throw new MediaError('unavailable', 'no live router for this peer');
    }
  }

  /** The node a peer goes on now: its own while it has a live worker, else the default node, else any live one. */
  #nodeFor(wanted: string | undefined): string | undefined {
    const live = this.#pool.liveNodes();
    for (const node of [wanted, this.#config.defaultNode]) if (node !== undefined && live.has(node)) return node;
    return live.values().next().value;
  }

  async #chooseRouter(node: string | undefined): Promise<RoomRouter> {
    const live = [...this.#routers.values()]
      .filter((rr) => !rr.router.closed && rr.slot.alive && (node === undefined || rr.slot.node.name === node))
      .sort((a, b) => a.peers.size - b.peers.size);
    const roomy = live.find((rr) => rr.peers.size < this.#config.peersPerRouter);
    if (roomy) return roomy;
    const used = new Set([...this.#routers.values()].filter((rr) => !rr.router.closed).map((rr) => rr.slot.index));
    const unused = this.#pool.slots().some((slot) => !used.has(slot.index) && (node === undefined || slot.node.name === node));
    if (unused || live.length === 0) return this.#openRouter(this.#pool.pick(used, node));
    return live[0]!;
  }

  /** A router closed: on purpose (room closing, emptied) or lost with its worker. */
  #onRouterClosed(rr: RoomRouter): void {
    if (this.#routers.get(rr.slot.index) === rr) this.#routers.delete(rr.slot.index);
    for (const key of [...this.#pipes.keys()]) {
      if (key.endsWith(`>${rr.router.id}`)) this.#pipes.delete(key);
    }
    if (this.#closed || rr.closing) return;
    const stranded = [...rr.peers];
    rr.peers.clear();
    this.#logger.warn({ roomId: this.#id, worker: rr.slot.index, peers: stranded.length }, 'router lost with its worker');
    for (const peer of stranded) {
      rr.slot.release();
      this.#peers.get(peer.id)?.control.routerLost();
    }
    for (const peer of stranded) {
      if (!peer.closed) this.#emit('peerNeedsRejoin', { peerId: peer.id, reason: 'worker-died' });
    }
    void this.#ensureSpeakerObserver().catch((err: unknown) => this.#logger.warn({ err }, 'speaker observer'));
  }

  /** Close a router no peer uses any more (its pipes go with it), unless it hosts the speaker observer. */
  #maybeCloseRouter(rr: RoomRouter): void {
    if (this.#closed || rr.peers.size > 0 || rr.router.closed || this.#speaker?.rr === rr) return;
    rr.closing = true;
    rr.router.close();
  }

  #pipe(entry: ProducerEntry, target: RoomRouter): Promise<void> {
    if (entry.home === target || entry.home.router === target.router) return Promise.resolve();
    if (entry.producer.closed) return Promise.reject(new MediaError('not-found', 'producer closed'));
    if (target.router.closed || entry.home.router.closed) return Promise.reject(new MediaError('closed', 'router closed'));
    const key = `${entry.producer.id}>${target.router.id}`;
    let pending = this.#pipes.get(key);
    if (!pending) {
      const sameNode = entry.home.slot.node.name === target.slot.node.name;
      const piping = sameNode
        ? entry.home.router
            .pipeToRouter({ producerId: entry.producer.id, router: target.router, listenInfo: entry.home.slot.transportListen })
            .then(({ pipeProducer }) => pipeProducer)
        : this.#nodePipes.pipe(entry.producer, entry.home, target);
      const created: Promise<void> = piping
        .then((pipeProducer) => {
          if (!pipeProducer || pipeProducer.closed) throw new MediaError('closed', 'pipe closed while opening');
          pipeProducer.observer.once('close', () => {
            if (this.#pipes.get(key) === created) this.#pipes.delete(key);
          });
        });
      created.catch(() => {
        if (this.#pipes.get(key) === created) this.#pipes.delete(key);
      });
      this.#pipes.set(key, created);
      pending = created;
    }
    return pending.catch((error: unknown) => {
      throw toMediaError(error, 'pipe producer');
    });
  }

  async #ensureSpeakerObserver(): Promise<void> {
    if (this.#closed) return;
    if (this.#speaker && !this.#speaker.observer.closed) return;
    if (this.#speakerPending) return this.#speakerPending;
    const pending = (async () => {
      const rr = [...this.#routers.values()]
        .filter((r) => !r.router.closed && r.slot.alive)
        .sort((a, b) => b.peers.size - a.peers.size)[0];
      if (!rr) return;
      const observer = await rr.router.createActiveSpeakerObserver({ interval: this.#config.activeSpeaker.intervalMs });
      if (this.#closed || rr.router.closed) {
        observer.close();
        return;
      }
      this.#speaker = { rr, observer };
      observer.on('dominantspeaker', ({ producer }) => this.#onDominantSpeaker(producer.id));
      observer.observer.once('close', () => {
        if (this.#speaker?.observer === observer) this.#speaker = undefined;
      });
      for (const entry of this.#producers.values()) {
        if (entry.source === 'mic') this.#observeAudio(entry);
      }
    })();
    this.#speakerPending = pending.finally(() => {
      this.#speakerPending = undefined;
    });
    return this.#speakerPending;
  }

  #observeAudio(entry: ProducerEntry): void {
    const speaker = this.#speaker;
    if (!speaker || speaker.observer.closed) return;
    this.#pipe(entry, speaker.rr)
      .then(async () => {
        if (speaker.observer.closed || entry.producer.closed) return;
        await speaker.observer.addProducer({ producerId: entry.producer.id });
      })
      .catch((err: unknown) => {
        if (!entry.producer.closed && !speaker.observer.closed) {
          this.#logger.debug({ roomId: this.#id, producerId: entry.producer.id, err }, 'could not observe audio producer');
        }
      });
  }

  #onDominantSpeaker(producerId: string): void {
    const entry = this.#producers.get(producerId);
    if (!entry || this.#closed) return;
    this.#speakerCandidate = entry.peer.id;
    clearTimeout(this.#speakerTimer);
    if (entry.peer.id === this.#activeSpeakerId) return;
    this.#speakerTimer = setTimeout(() => this.#setActiveSpeaker(this.#speakerCandidate), this.#config.activeSpeaker.debounceMs);
    this.#speakerTimer.unref();
  }

  #setActiveSpeaker(peerId: string | null): void {
    if (this.#closed || peerId === this.#activeSpeakerId) return;
    if (peerId !== null && !this.#peers.has(peerId)) return;
    this.#activeSpeakerId = peerId;
    this.#emit('activeSpeaker', { peerId });
    this.#updateStage();
  }

  #updateStage(): void {
    const next: Stage =
      this.#spotlightId !== null
        ? { peerId: this.#spotlightId, reason: 'spotlight' }
        : this.#activeSpeakerId !== null
          ? { peerId: this.#activeSpeakerId, reason: 'active-speaker' }
          : { peerId: null, reason: null };
    if (next.peerId === this.#stage.peerId && next.reason === this.#stage.reason) return;
    this.#stage = next;
    this.#emit('stageChanged', { ...next });
    this.#relayout();
  }

  #relayout(): void {
    for (const rec of this.#peers.values()) {
      rec.control.applyLayout().catch((err: unknown) => this.#logger.warn({ peerId: rec.peer.id, err }, 'layout failed'));
    }
  }

  /** stage or active speaker 255; chair 101..200; others 1..100 (their permissions.priority) */
  #priorityOf(peer: Peer): number {
    if (peer.id === this.#stage.peerId || peer.id === this.#activeSpeakerId) return 255;
    const base = Math.min(100, Math.max(1, Math.round(peer.permissions.priority)));
    return peer.permissions.isChair ? base + 100 : base;
  }

  #armTimeout(rec: PeerRecord): void {
    if (rec.timer || rec.peer.closed) return;
    rec.timer = setTimeout(() => {
      rec.timer = undefined;
      if (!rec.peer.closed && !rec.peer.connected) {
        this.#logger.info({ roomId: this.#id, peerId: rec.peer.id }, 'peer timed out');
        rec.control.close('timeout');
      }
    }, this.#config.peerTimeoutMs);
    rec.timer.unref();
  }

  #onPeerClosed(peer: Peer, reason: PeerLeftReason): void {
    const rec = this.#peers.get(peer.id);
    if (!rec || rec.peer !== peer) return;
    this.#peers.delete(peer.id);
    clearTimeout(rec.timer);
    const rr = rec.control.router;
    if (rr?.peers.delete(peer)) {
      rr.slot.release();
      this.#maybeCloseRouter(rr);
    }
    if (this.#speakerCandidate === peer.id) {
      this.#speakerCandidate = null;
      clearTimeout(this.#speakerTimer);
    }
    if (this.#spotlightId === peer.id) this.#spotlightId = null;
    if (this.#activeSpeakerId === peer.id) {
      this.#activeSpeakerId = null;
      this.#emit('activeSpeaker', { peerId: null });
    }
    if (!this.#closed) this.#updateStage();
    this.#logger.info({ roomId: this.#id, peerId: peer.id, reason }, 'peer left');
    this.#emit('peerLeft', { peerId: peer.id, reason });
  }

  #makeHost(): PeerHost {
    const ref = (entry: ProducerEntry) => ({
      producerId: entry.producer.id,
      peerId: entry.peer.id,
      kind: entry.producer.kind,
      source: entry.source,
    });
    return {
      config: this.#config,
      logger: this.#logger,
      findProducer: (producerId) => this.#producers.get(producerId),
      ownerOf: (kind, id) => {
        for (const rec of this.#peers.values()) if (rec.peer.owns(kind, id)) return rec.peer.id;
        return undefined;
      },
      pipe: (entry, target) => this.#pipe(entry, target),
      placement: (entry) => ({ onStage: entry.peer.id === this.#stage.peerId, priority: this.#priorityOf(entry.peer) }),
      producerAdded: (entry) => {
        this.#producers.set(entry.producer.id, entry);
        this.#emit('producerAdded', {
          id: entry.producer.id,
          peerId: entry.peer.id,
          kind: entry.producer.kind,
          source: entry.source,
          paused: entry.appliedPaused,
          serverMuted: entry.peer.serverMuted.includes(entry.source),
        });
        if (entry.source === 'mic') this.#observeAudio(entry);
      },
      producerClosed: (entry) => {
        if (this.#producers.get(entry.producer.id) !== entry) return;
        this.#producers.delete(entry.producer.id);
        for (const key of [...this.#pipes.keys()]) {
          if (key.startsWith(`${entry.producer.id}>`)) this.#pipes.delete(key);
        }
        this.#emit('producerClosed', ref(entry));
      },
      producerPauseChanged: (entry, paused, byServer) => {
        this.#emit(paused ? 'producerPaused' : 'producerResumed', { ...ref(entry), byServer });
      },
      muteChanged: (peer) => this.#emit('peerMuteChanged', { peerId: peer.id, serverMuted: peer.serverMuted }),
      consumerClosed: (peer, consumerId, producerId) => this.#emit('consumerClosed', { peerId: peer.id, consumerId, producerId }),
      consumerLayersChanged: (peer, consumerId, layers) =>
        this.#emit('consumerLayersChanged', { peerId: peer.id, consumerId, layers }),
      consumerScore: (peer, consumerId, score, producerScore) =>
        this.#emit('consumerScore', { peerId: peer.id, consumerId, score, producerScore }),
      connectivityChanged: (peer, connected) => {
        const rec = this.#peers.get(peer.id);
        if (!rec || rec.peer !== peer) return;
        if (connected) {
          clearTimeout(rec.timer);
          rec.timer = undefined;
        } else {
          this.#armTimeout(rec);
        }
        this.#emit('peerConnectionChanged', { peerId: peer.id, connected });
      },
      peerClosed: (peer, reason) => this.#onPeerClosed(peer, reason),
    };
  }
}
