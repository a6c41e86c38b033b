/**
 * One endpoint in a conference room: its transports, producers and consumers
 * on the router the room placed it on. Every request names ids; a peer may
 * only use what it owns, and may only produce what its permissions allow.
 *
 * The room drives the privileged side (placement, server mute, layout,
 * removal) through the PeerControl handed to it by Peer.create(). The shapes
 * it shares with the room are in peer-types.ts, its consumers in
 * peer-consumers.ts.
 *
 * Over the ~400-line limit on purpose: transports and producers share the
 * peer's router, closed state and server mutes, and every call checks them
 * against each other (a producer needs its own send transport on the current
 * router, a transport closing takes its producers); split apart, each half
 * would have to reach into the other's records.
 */
import type * as ms from 'mediasoup/types';
import { MediaError, mediaCall, toMediaError } from './errors.ts';
import { ownedBy, PeerConsumers } from './peer-consumers.ts';
import {
  allowed,
  isRecord,
  producerInfo,
  validatePermissions,
  type PeerControl,
  type PeerHost,
  type PeerOptions,
  type ProduceOptions,
  type ProducerEntry,
  type RoomRouter,
} from './peer-types.ts';
import {
  PRODUCER_SOURCES,
  VIEW_MODES,
  type ConsumerInfo,
  type ConsumerState,
  type PeerInfo,
  type PeerLeftReason,
  type PeerPermissions,
  type PlainTransportInfo,
  type ProducerInfo,
  type ProducerSource,
  type TransportDirection,
  type ViewMode,
  type WebRtcTransportInfo,
} from './types.ts';

type TransportRecord = {
  readonly transport: ms.WebRtcTransport | ms.PlainTransport;
  readonly type: 'webrtc' | 'plain';
  readonly direction: TransportDirection;
  connected: boolean;
};

const KIND_OF_SOURCE: Record<ProducerSource, ms.MediaKind> = { mic: 'audio', camera: 'video', screen: 'video' };

export class Peer {
  readonly #id: string;
  readonly #displayName: string;
  readonly #host: PeerHost;
  #permissions: PeerPermissions;
  #router: RoomRouter | undefined;
  #rtpCapabilities: ms.RtpCapabilities | undefined;
  readonly #serverMuted: Set<ProducerSource>;
  readonly #transports = new Map<string, TransportRecord>();
  readonly #producers = new Map<string, ProducerEntry>();
  readonly #consumers: PeerConsumers;
  readonly #producing = new Set<ProducerSource>();
  #connected = false;
  #needsRejoin = false;
  #closed = false;

  static create(options: PeerOptions): { peer: Peer; control: PeerControl } {
    const peer = new Peer(options);
    return { peer, control: peer.#makeControl() };
  }

  private constructor(options: PeerOptions) {
    this.#id = options.id;
    this.#displayName = options.displayName;
    this.#permissions = validatePermissions(options.permissions);
    this.#host = options.host;
    this.#router = options.router;
    this.#rtpCapabilities = options.rtpCapabilities;
    this.#consumers = new PeerConsumers(this, options.host, options.viewMode ?? 'stage');
    this.#serverMuted = new Set((options.serverMuted ?? []).filter((s) => PRODUCER_SOURCES.includes(s)));
  }

  get id(): string {
    return this.#id;
  }

  get displayName(): string {
    return this.#displayName;
  }

  get permissions(): PeerPermissions {
    return this.#permissions;
  }

  get viewMode(): ViewMode {
    return this.#consumers.viewMode;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** at least one transport is connected (ICE connected/completed, DTLS not failed) */
  get connected(): boolean {
    return this.#connected;
  }

  /** its worker died: call room.rejoin(peerId), then create transports again */
  get needsRejoin(): boolean {
    return this.#needsRejoin;
  }

  get serverMuted(): ProducerSource[] {
    return PRODUCER_SOURCES.filter((s) => this.#serverMuted.has(s));
  }

  /** index of the worker the peer is on (diagnostics, tests) */
  get workerIndex(): number | undefined {
    return this.#router?.slot.index;
  }

  get routerId(): string | undefined {
    return this.#router?.router.id;
  }

  /** router RTP capabilities for mediasoup-client `device.load({ routerRtpCapabilities })` */
  get routerRtpCapabilities(): ms.RtpCapabilities {
    return this.#activeRouter().router.rtpCapabilities;
  }

  info(): PeerInfo {
    return {
      id: this.#id,
      displayName: this.#displayName,
      permissions: this.#permissions,
      serverMuted: this.serverMuted,
      connected: this.#connected,
      needsRejoin: this.#needsRejoin,
      producers: this.producers(),
    };
  }

  producers(): ProducerInfo[] {
    return [...this.#producers.values()].map((entry) => producerInfo(entry, this.#serverMuted));
  }

  consumers(): ConsumerState[] {
    return this.#consumers.states();
  }

  consumerState(consumerId: string): ConsumerState {
    return this.#consumers.state(consumerId);
  }

  /** the client's device capabilities, used by consume() when it is not given them */
  setRtpCapabilities(rtpCapabilities: ms.RtpCapabilities): void {
    if (!isRecord(rtpCapabilities)) throw new MediaError('invalid', 'rtpCapabilities must be an object');
    this.#rtpCapabilities = rtpCapabilities;
  }

  // ---- transports -------------------------------------------------------

  /** A WebRtcTransport on the peer's router, through its worker's WebRtcServer. Replaces an older one of the same direction. */
  async createWebRtcTransport(options: { direction: TransportDirection; forceTcp?: boolean }): Promise<WebRtcTransportInfo> {
    const direction = this.#direction(options?.direction);
    const rr = this.#activeRouter();
    const { initialAvailableOutgoingBitrate, maxIncomingBitrate, iceConsentTimeoutSec } = this.#host.config.webRtcTransport;
    let transport: ms.WebRtcTransport;
    try {
      transport = await rr.router.createWebRtcTransport({
        webRtcServer: rr.slot.webRtcServer,
        enableUdp: options.forceTcp !== true,
        enableTcp: true,
        preferUdp: true,
        initialAvailableOutgoingBitrate,
        iceConsentTimeout: iceConsentTimeoutSec,
        appData: { peerId: this.#id, direction },
      });
    } catch (error) {
      throw toMediaError(error, 'create transport');
    }
    this.#adoptTransport(rr, { transport, type: 'webrtc', direction, connected: false });
    if (direction === 'send' && maxIncomingBitrate > 0) {
      await transport.setMaxIncomingBitrate(maxIncomingBitrate).catch((err: unknown) => {
        this.#host.logger.warn({ peerId: this.#id, err }, 'setMaxIncomingBitrate failed');
      });
    }
    return {
      id: transport.id,
      direction,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
    };
  }

  /**
   * A PlainTransport (RTP without ICE/DTLS) for recorders, gateways and tests.
   * Only when the room's config sets allowPlainTransports.
   * comedia: learn the remote address from the first packet (send direction).
   */
  async createPlainTransport(options: { direction: TransportDirection; comedia?: boolean }): Promise<PlainTransportInfo> {
    if (!this.#host.config.allowPlainTransports) {
      throw new MediaError('forbidden', 'plain transports are not enabled');
    }
    const direction = this.#direction(options?.direction);
    const rr = this.#activeRouter();
    let transport: ms.PlainTransport;
    try {
      transport = await rr.router.createPlainTransport({
        listenInfo: rr.slot.transportListen,
        rtcpMux: true,
        comedia: options.comedia === true,
        appData: { peerId: this.#id, direction },
      });
    } catch (error) {
      throw toMediaError(error, 'create plain transport');
    }
    const rec: TransportRecord = { transport, type: 'plain', direction, connected: false };
    this.#adoptTransport(rr, rec);
    if (options.comedia === true) {
      // A comedia transport is usable once the remote side's first packet arrives.
      transport.on('tuple', () => {
        rec.connected = true;
        this.#updateConnectivity();
      });
    }
    return {
      id: transport.id,
      direction,
      ip: transport.tuple.localAddress,
      port: transport.tuple.localPort,
      rtcpPort: transport.rtcpTuple?.localPort,
    };
  }

  async connectTransport(transportId: string, dtlsParameters: ms.DtlsParameters): Promise<void> {
    const rec = this.#ownTransport(transportId);
    if (rec.type !== 'webrtc') throw new MediaError('invalid', 'not a WebRTC transport');
    if (!isRecord(dtlsParameters) || !Array.isArray(dtlsParameters.fingerprints)) {
      throw new MediaError('invalid', 'dtlsParameters must have fingerprints');
    }
    await mediaCall('connect transport', () => (rec.transport as ms.WebRtcTransport).connect({ dtlsParameters }), 'invalid');
  }

  /** Point a plain transport at the remote RTP (and RTCP) address. */
  async connectPlainTransport(transportId: string, remote: { ip: string; port: number; rtcpPort?: number }): Promise<void> {
    const rec = this.#ownTransport(transportId);
    if (rec.type !== 'plain') throw new MediaError('invalid', 'not a plain transport');
    await mediaCall('connect plain transport', () => (rec.transport as ms.PlainTransport).connect(remote), 'invalid');
    rec.connected = true;
    this.#updateConnectivity();
  }

  /** Close one of the peer's transports (its producers/consumers go with it). */
  closeTransport(transportId: string): void {
    this.#ownTransport(transportId).transport.close();
  }

  async restartIce(transportId: string): Promise<ms.IceParameters> {
    const rec = this.#ownTransport(transportId);
    if (rec.type !== 'webrtc') throw new MediaError('invalid', 'not a WebRTC transport');
    return mediaCall('restart ICE', () => (rec.transport as ms.WebRtcTransport).restartIce());
  }

  async getTransportStats(transportId: string): Promise<unknown[]> {
    const rec = this.#ownTransport(transportId);
    return mediaCall<unknown[]>('transport stats', () => rec.transport.getStats());
  }

  // ---- producers --------------------------------------------------------

  async produce(options: ProduceOptions): Promise<ProducerInfo> {
    this.#activeRouter();
    if (!isRecord(options)) throw new MediaError('invalid', 'produce needs options');
    const source = isRecord(options.appData) ? options.appData.source : undefined;
    if (typeof source !== 'string' || !PRODUCER_SOURCES.includes(source as ProducerSource)) {
      throw new MediaError('invalid', `appData.source must be one of ${PRODUCER_SOURCES.join(', ')}`);
    }
    const src = source as ProducerSource;
    if (options.kind !== KIND_OF_SOURCE[src]) {
      throw new MediaError('invalid', `a ${src} producer must be ${KIND_OF_SOURCE[src]}`);
    }
    if (!allowed(this.#permissions, src)) throw new MediaError('forbidden', `not allowed to produce ${src}`);
    if (!isRecord(options.rtpParameters)) throw new MediaError('invalid', 'rtpParameters must be an object');
    const rec = this.#ownTransport(options.transportId);
    if (rec.direction !== 'send') throw new MediaError('invalid', 'produce needs a send transport');
    if (this.#producing.has(src) || [...this.#producers.values()].some((e) => e.source === src)) {
      throw new MediaError('invalid', `already producing ${src}`);
    }
    const rr = this.#router!;
    const clientPaused = options.paused === true;
    const paused = clientPaused || this.#serverMuted.has(src);
    this.#producing.add(src);
    let producer: ms.Producer;
    try {
      producer = await rec.transport.produce({
        kind: options.kind,
        rtpParameters: options.rtpParameters,
        paused,
        appData: { peerId: this.#id, source: src },
      });
    } catch (error) {
      throw toMediaError(error, 'produce', 'invalid');
    } finally {
      this.#producing.delete(src);
    }
    if (this.#closed || producer.closed || this.#router !== rr) {
      producer.close();
      throw new MediaError('closed', 'peer closed or moved while producing');
    }
    if (!allowed(this.#permissions, src)) {
      producer.close();
      throw new MediaError('forbidden', `not allowed to produce ${src}`);
    }
    const entry: ProducerEntry = { producer, peer: this, source: src, home: rr, clientPaused, appliedPaused: paused };
    this.#producers.set(producer.id, entry);
    producer.observer.once('close', () => {
      this.#producers.delete(producer.id);
      this.#host.producerClosed(entry);
    });
    this.#host.producerAdded(entry);
    // a chair's mute that arrived while mediasoup was creating the producer
    await this.#syncProducerPause(entry, true).catch((err: unknown) => {
      this.#host.logger.warn({ peerId: this.#id, err }, 'could not apply server mute to new producer');
    });
    return producerInfo(entry, this.#serverMuted);
  }

  async pauseProducer(producerId: string): Promise<void> {
    const entry = this.#ownProducer(producerId);
    entry.clientPaused = true;
    await this.#syncProducerPause(entry, false);
  }

  /** Refused with 'forbidden' while the chair holds this source muted. */
  async resumeProducer(producerId: string): Promise<void> {
    const entry = this.#ownProducer(producerId);
    if (this.#serverMuted.has(entry.source)) throw new MediaError('forbidden', 'muted by the chair');
    entry.clientPaused = false;
    await this.#syncProducerPause(entry, false);
  }

  closeProducer(producerId: string): void {
    this.#ownProducer(producerId).producer.close();
  }

  async getProducerStats(producerId: string): Promise<unknown[]> {
    const entry = this.#ownProducer(producerId);
    return mediaCall('producer stats', () => entry.producer.getStats());
  }

  // ---- consumers --------------------------------------------------------

  /**
   * Consume another peer's producer on this peer's recv transport. Created
   * paused: the client resumes it once its track is set up. Consuming the
   * same producer twice returns the existing consumer.
   */
  async consume(producerId: string, rtpCapabilities?: ms.RtpCapabilities): Promise<ConsumerInfo> {
    const rr = this.#activeRouter();
    if (typeof producerId !== 'string') throw new MediaError('invalid', 'producerId must be a string');
    const caps = rtpCapabilities ?? this.#rtpCapabilities;
    if (!isRecord(caps)) throw new MediaError('invalid', 'rtpCapabilities are needed to consume');
    const rec = [...this.#transports.values()].find((t) => t.direction === 'recv');
    if (!rec) throw new MediaError('invalid', 'create a recv transport first');
    const entry = this.#host.findProducer(producerId);
    if (!entry) throw new MediaError('not-found', 'no such producer');
    if (entry.peer === this) throw new MediaError('invalid', 'cannot consume own producer');
    const existing = this.#consumers.infoFor(entry);
    if (existing) return existing;

    await this.#host.pipe(entry, rr);
    let consumable: boolean;
    try {
      consumable = rr.router.canConsume({ producerId, rtpCapabilities: caps });
    } catch {
      consumable = false;
    }
    if (!consumable) throw new MediaError('invalid', 'cannot consume this producer with these capabilities');
    if (this.#router !== rr || rec.transport.closed) throw new MediaError('closed', 'transport closed while consuming');

    let consumer: ms.Consumer;
    try {
      consumer = await rec.transport.consume({
        producerId,
        rtpCapabilities: caps,
        paused: true,
        appData: { peerId: this.#id, producerPeerId: entry.peer.id, source: entry.source },
      });
    } catch (error) {
      throw toMediaError(error, 'consume', 'invalid');
    }
    if (this.#closed || consumer.closed) {
      consumer.close();
      throw new MediaError('closed', 'peer closed while consuming');
    }
    const again = this.#consumers.infoFor(entry);
    if (again) {
      // a concurrent consume() of the same producer won
      consumer.close();
      return again;
    }
    return this.#consumers.adopt(consumer, entry, producerId);
  }

  resumeConsumer(consumerId: string): Promise<void> {
    return this.#consumers.resume(consumerId);
  }

  pauseConsumer(consumerId: string): Promise<void> {
    return this.#consumers.pause(consumerId);
  }

  closeConsumer(consumerId: string): void {
    this.#consumers.close(consumerId);
  }

  /** The viewer's own choice (e.g. from its tile size); kept until its next setViewMode(). */
  setConsumerPreferredLayers(consumerId: string, spatialLayer: number, temporalLayer?: number): Promise<void> {
    return this.#consumers.setPreferredLayers(consumerId, spatialLayer, temporalLayer);
  }

  /** 1..255; kept until the viewer's next setViewMode(). */
  setConsumerPriority(consumerId: string, priority: number): Promise<void> {
    return this.#consumers.setPriority(consumerId, priority);
  }

  requestKeyFrame(consumerId: string): Promise<void> {
    return this.#consumers.requestKeyFrame(consumerId);
  }

  getConsumerStats(consumerId: string): Promise<ms.ConsumerStat[]> {
    return this.#consumers.stats(consumerId);
  }

  /**
   * stage: the stage's video at the highest layer, other cameras at the lowest;
   * grid: every camera at the lowest layer; audio-only: every video consumer
   * paused (resumed when leaving audio-only). Screen shares always get the
   * highest layer. Clears the viewer's manual layer/priority choices.
   */
  async setViewMode(mode: ViewMode): Promise<void> {
    if (this.#closed) throw new MediaError('closed', 'peer is closed');
    if (!VIEW_MODES.includes(mode)) throw new MediaError('invalid', `view mode must be one of ${VIEW_MODES.join(', ')}`);
    await this.#consumers.setViewMode(mode);
  }

  /** Leave the room (idempotent): closes transports, and with them producers and consumers. */
  close(): void {
    this.#close('left');
  }

  // ---- internals --------------------------------------------------------

  #makeControl(): PeerControl {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const peer = this;
    return {
      get router() {
        return peer.#router;
      },
      close: (reason) => this.#close(reason),
      routerLost: () => {
        this.#router = undefined;
        this.#needsRejoin = !this.#closed;
        for (const rec of this.#transports.values()) rec.transport.close();
        this.#updateConnectivity();
      },
      relocate: (router) => {
        for (const rec of this.#transports.values()) rec.transport.close();
        this.#router = router;
        this.#needsRejoin = false;
      },
      applyLayout: () => this.#consumers.layoutAll(),
      setPermissions: (permissions) => {
        this.#permissions = validatePermissions(permissions);
        for (const entry of [...this.#producers.values()]) {
          if (!allowed(this.#permissions, entry.source)) entry.producer.close();
        }
      },
      serverMute: async (sources) => {
        let changed = false;
        for (const source of sources) {
          if (!this.#serverMuted.has(source)) {
            this.#serverMuted.add(source);
            changed = true;
          }
        }
        if (changed) this.#host.muteChanged(this);
        await Promise.all(
          [...this.#producers.values()].filter((e) => sources.includes(e.source)).map((e) => this.#syncProducerPause(e, true)),
        );
      },
      serverUnmute: async (sources, options) => {
        let changed = false;
        for (const source of sources) changed = this.#serverMuted.delete(source) || changed;
        if (changed) this.#host.muteChanged(this);
        const affected = [...this.#producers.values()].filter((e) => sources.includes(e.source));
        if (options?.resumeMic) {
          for (const entry of affected) if (entry.source === 'mic') entry.clientPaused = false;
        }
        await Promise.all(affected.map((e) => this.#syncProducerPause(e, true)));
      },
    };
  }

  #close(reason: PeerLeftReason): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const rec of [...this.#transports.values()]) rec.transport.close();
    this.#transports.clear();
    this.#connected = false;
    this.#host.peerClosed(this, reason);
  }

  #activeRouter(): RoomRouter {
    if (this.#closed) throw new MediaError('closed', 'peer is closed');
    const rr = this.#router;
    if (!rr || rr.router.closed) throw new MediaError('closed', 'media worker lost: rejoin first');
    return rr;
  }

  #direction(value: unknown): TransportDirection {
    if (value !== 'send' && value !== 'recv') throw new MediaError('invalid', "direction must be 'send' or 'recv'");
    return value;
  }

  #adoptTransport(rr: RoomRouter, rec: TransportRecord): void {
    const { transport } = rec;
    if (this.#closed || this.#router !== rr || transport.closed) {
      transport.close();
      throw new MediaError('closed', 'peer closed or moved while creating a transport');
    }
    for (const old of [...this.#transports.values()]) {
      if (old.direction === rec.direction) old.transport.close();
    }
    this.#transports.set(transport.id, rec);
    (transport as ms.Transport).observer.once('close', () => {
      this.#transports.delete(transport.id);
      this.#updateConnectivity();
    });
    if (rec.type === 'webrtc') {
      const webrtc = transport as ms.WebRtcTransport;
      const update = (): void => {
        rec.connected =
          (webrtc.iceState === 'connected' || webrtc.iceState === 'completed') &&
          webrtc.dtlsState !== 'failed' &&
          webrtc.dtlsState !== 'closed';
        this.#updateConnectivity();
      };
      webrtc.on('icestatechange', update);
      webrtc.on('dtlsstatechange', update);
    }
  }

  #updateConnectivity(): void {
    const connected = !this.#closed && [...this.#transports.values()].some((t) => t.connected && !t.transport.closed);
    if (connected === this.#connected) return;
    this.#connected = connected;
    this.#host.connectivityChanged(this, connected);
  }

  #own<T>(kind: 'transport' | 'producer', map: Map<string, T>, id: string): T {
    return ownedBy(this, this.#host, kind, map, id);
  }

  #ownTransport(id: string): TransportRecord {
    return this.#own('transport', this.#transports, id);
  }

  #ownProducer(id: string): ProducerEntry {
    return this.#own('producer', this.#producers, id);
  }

  /** has a transport/producer/consumer with this id (for the room's ownerOf) */
  owns(kind: 'transport' | 'producer' | 'consumer', id: string): boolean {
    if (kind === 'consumer') return this.#consumers.has(id);
    return (kind === 'transport' ? this.#transports : this.#producers).has(id);
  }

  async #syncProducerPause(entry: ProducerEntry, byServer: boolean): Promise<void> {
    const want = entry.clientPaused || this.#serverMuted.has(entry.source);
    if (want === entry.appliedPaused || entry.producer.closed) return;
    entry.appliedPaused = want;
    try {
      if (want) await entry.producer.pause();
      else await entry.producer.resume();
    } catch (error) {
      if (entry.producer.closed) return;
      throw toMediaError(error, want ? 'pause producer' : 'resume producer');
    }
    if (!entry.producer.closed) this.#host.producerPauseChanged(entry, want, byServer);
  }
}
