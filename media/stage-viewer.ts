/**
 * A receive-only watcher of a room's stage, for a screen that is no peer (the
 * province hall's wall): one WebRTC recv transport on the room's tap router
 * (ConferenceRoom.tap(), as the recorder uses), and consumers of the stage
 * peer's producers only, at the highest layers mediasoup has (its default
 * preferred layers): the wall is the largest screen in the hall.
 *
 * Not a Peer on purpose: it is not listed by room.peers(), takes no place on
 * a router (peersPerRouter), has no permissions to produce, is never on stage
 * nor a speaker, and cannot be the target of a chair's control. It follows
 * the room: when the stage moves to another peer, the consumers of the
 * previous one are closed and `stage` is emitted (the screen consumes the new
 * one's producers); `lost` says the viewer is over (its router closed with
 * its worker, or the room closed) and a new one must be opened.
 */
import { EventEmitter } from 'node:events';
import type * as ms from 'mediasoup/types';
import { silentLogger, type MediaLogger } from './config.ts';
import type { ConferenceRoom, RoomTap } from './conference-room.ts';
import { MediaError, mediaCall, toMediaError } from './errors.ts';
import { isRecord } from './peer-types.ts';
import type { ConsumerInfo, ProducerInfo, ProducerSource, Stage, WebRtcTransportInfo } from './types.ts';

export type StageViewerEvents = {
  /** the stage peer, or its producers (added, closed, paused), changed: read `stage()` again */
  stage: [];
  /** the viewer is closed for good: `router-closed` (worker died, router dropped) or `room-closed` */
  lost: [{ reason: 'router-closed' | 'room-closed' }];
};

/** The stage as a viewer sees it: who, why, and the producers it may consume (that peer's, and only theirs). */
export type ViewedStage = Stage & { producers: ProducerInfo[] };

type ConsumerRecord = { consumer: ms.Consumer; source: ProducerSource; peerId: string };

const ROOM_EVENTS = ['stageChanged', 'producerAdded', 'producerClosed', 'producerPaused', 'producerResumed', 'peerLeft'] as const;

export class StageViewer extends EventEmitter<StageViewerEvents> {
  readonly #room: ConferenceRoom;
  readonly #tap: RoomTap;
  readonly #logger: MediaLogger;
  readonly #consumers = new Map<string, ConsumerRecord>();
  readonly #unfollow: (() => void)[] = [];
  readonly #transportConfig: StageViewerTransportConfig;
  #transport: ms.WebRtcTransport | undefined;
  #rtpCapabilities: ms.RtpCapabilities | undefined;
  #closed = false;

  static async open(room: ConferenceRoom, options: { logger?: MediaLogger; transport: StageViewerTransportConfig }): Promise<StageViewer> {
    const tap = await room.tap();
    if (room.closed || tap.router.closed) throw new MediaError('closed', 'room closed while opening a viewer');
    return new StageViewer(room, tap, options.logger ?? silentLogger, options.transport);
  }

  private constructor(room: ConferenceRoom, tap: RoomTap, logger: MediaLogger, transportConfig: StageViewerTransportConfig) {
    super();
    this.#room = room;
    this.#tap = tap;
    this.#logger = logger;
    this.#transportConfig = transportConfig;
    const changed = () => this.#followStage();
    for (const event of ROOM_EVENTS) {
      room.on(event, changed);
      this.#unfollow.push(() => room.off(event, changed));
    }
    const roomClosed = () => this.#lose('room-closed');
    room.once('closed', roomClosed);
    this.#unfollow.push(() => room.off('closed', roomClosed));
    tap.router.observer.once('close', () => this.#lose(room.closed ? 'room-closed' : 'router-closed'));
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Router RTP capabilities for mediasoup-client `device.load()`. */
  get routerRtpCapabilities(): ms.RtpCapabilities {
    this.#assertOpen();
    return structuredClone(this.#tap.router.rtpCapabilities);
  }

  /** the router the viewer receives on (diagnostics, tests) */
  get routerId(): string {
    return this.#tap.router.id;
  }

  /** ids of the producers consumed now (diagnostics, tests) */
  consumedProducerIds(): string[] {
    return [...this.#consumers.values()].map((r) => r.consumer.producerId);
  }

  stage(): ViewedStage {
    const stage = this.#room.closed ? { peerId: null, reason: null } : this.#room.stage;
    const producers = stage.peerId === null ? [] : this.#room.producers().filter((p) => p.peerId === stage.peerId);
    return { ...stage, producers };
  }

  setRtpCapabilities(rtpCapabilities: ms.RtpCapabilities): void {
    this.#assertOpen();
    if (!isRecord(rtpCapabilities)) throw new MediaError('invalid', 'rtpCapabilities must be an object');
    this.#rtpCapabilities = rtpCapabilities;
  }

  /** The viewer's one receive transport (a new one replaces the old, its consumers with it). */
  async createRecvTransport(options: { forceTcp?: boolean } = {}): Promise<WebRtcTransportInfo> {
    this.#assertOpen();
    const { initialAvailableOutgoingBitrate, iceConsentTimeoutSec } = this.#transportConfig;
    let transport: ms.WebRtcTransport;
    try {
      transport = await this.#tap.router.createWebRtcTransport({
        webRtcServer: this.#tap.webRtcServer,
        enableUdp: options.forceTcp !== true,
        enableTcp: true,
        preferUdp: true,
        initialAvailableOutgoingBitrate,
        iceConsentTimeout: iceConsentTimeoutSec,
        appData: { viewer: true, direction: 'recv' },
      });
    } catch (error) {
      throw toMediaError(error, 'create viewer transport');
    }
    if (this.#closed) {
      transport.close();
      throw new MediaError('closed', 'viewer closed while creating its transport');
    }
    this.#transport?.close();
    this.#transport = transport;
    transport.observer.once('close', () => {
      if (this.#transport === transport) this.#transport = undefined;
    });
    return { id: transport.id, direction: 'recv', iceParameters: transport.iceParameters, iceCandidates: transport.iceCandidates, dtlsParameters: transport.dtlsParameters };
  }

  async connectTransport(transportId: string, dtlsParameters: ms.DtlsParameters): Promise<void> {
    const transport = this.#ownTransport(transportId);
    if (!isRecord(dtlsParameters) || !Array.isArray(dtlsParameters.fingerprints)) throw new MediaError('invalid', 'dtlsParameters must have fingerprints');
    await mediaCall('connect viewer transport', () => transport.connect({ dtlsParameters }), 'invalid');
  }

  async restartIce(transportId: string): Promise<ms.IceParameters> {
    const transport = this.#ownTransport(transportId);
    return mediaCall('restart viewer ICE', () => transport.restartIce());
  }

  /**
   * Consume one of the stage peer's producers (created paused: the screen
   * resumes it once its track is attached); any other producer is refused
   * with 'forbidden'. The same producer twice answers the same consumer.
   */
  async consume(producerId: string): Promise<ConsumerInfo> {
    this.#assertOpen();
    if (typeof producerId !== 'string') throw new MediaError('invalid', 'producerId must be a string');
    const transport = this.#transport;
    if (!transport || transport.closed) throw new MediaError('invalid', 'create a recv transport first');
    const caps = this.#rtpCapabilities;
    if (!caps) throw new MediaError('invalid', 'rtpCapabilities are needed to consume');
    const producer = this.#stageProducer(producerId);
    const existing = this.#infoFor(producerId);
    if (existing) return existing;
    await this.#tap.reach(producerId);
    let consumable: boolean;
    try {
      consumable = this.#tap.router.canConsume({ producerId, rtpCapabilities: caps });
    } catch {
      consumable = false;
    }
    if (!consumable) throw new MediaError('invalid', 'cannot consume this producer with these capabilities');
    let consumer: ms.Consumer;
    try {
      consumer = await transport.consume({ producerId, rtpCapabilities: caps, paused: true, appData: { viewer: true, producerPeerId: producer.peerId, source: producer.source } });
    } catch (error) {
      throw toMediaError(error, 'consume for viewer', 'invalid');
    }
    // The stage may have moved while mediasoup worked; a concurrent call may have won.
    if (this.#closed || consumer.closed || this.#room.stage.peerId !== producer.peerId || this.#infoFor(producerId)) {
      consumer.close();
      const again = this.#infoFor(producerId);
      if (again) return again;
      throw new MediaError(this.#closed ? 'closed' : 'forbidden', 'the stage moved while consuming');
    }
    this.#consumers.set(consumer.id, { consumer, source: producer.source, peerId: producer.peerId });
    consumer.observer.once('close', () => this.#consumers.delete(consumer.id));
    return this.#info(consumer, producer.peerId, producer.source);
  }

  async resumeConsumer(consumerId: string): Promise<void> {
    const record = this.#consumers.get(consumerId);
    if (!record || record.consumer.closed) throw new MediaError('not-found', 'no such consumer');
    await mediaCall('resume viewer consumer', () => record.consumer.resume());
    // the first picture at once rather than at the sender's next key frame
    record.consumer.requestKeyFrame().catch((err: unknown) => this.#logger.debug({ err }, 'viewer key frame request failed'));
  }

  /** Idempotent: closes the transport (and its consumers) and stops following the room. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const off of this.#unfollow) off();
    this.#transport?.close();
    this.#transport = undefined;
    this.#consumers.clear();
  }

  #lose(reason: 'router-closed' | 'room-closed'): void {
    if (this.#closed) return;
    this.close();
    this.emit('lost', { reason });
  }

  /** Consumers of anyone but the stage peer go; listeners read the new stage. */
  #followStage(): void {
    if (this.#closed) return;
    const stagePeer = this.#room.stage.peerId;
    for (const record of [...this.#consumers.values()]) {
      if (record.peerId !== stagePeer) record.consumer.close();
    }
    this.emit('stage');
  }

  #stageProducer(producerId: string): ProducerInfo {
    const stagePeer = this.#room.stage.peerId;
    const producer = this.#room.producers().find((p) => p.id === producerId);
    if (!producer) throw new MediaError('not-found', 'no such producer');
    if (stagePeer === null || producer.peerId !== stagePeer) throw new MediaError('forbidden', 'a viewer consumes the stage only');
    return producer;
  }

  #infoFor(producerId: string): ConsumerInfo | undefined {
    for (const record of this.#consumers.values()) {
      if (record.consumer.producerId === producerId && !record.consumer.closed) return this.#info(record.consumer, record.peerId, record.source);
    }
    return undefined;
  }

  #info(consumer: ms.Consumer, peerId: string, source: ProducerSource): ConsumerInfo {
    return {
      id: consumer.id,
      producerId: consumer.producerId,
      producerPeerId: peerId,
      kind: consumer.kind,
      source,
      rtpParameters: consumer.rtpParameters,
      type: consumer.type,
      paused: consumer.paused,
      producerPaused: consumer.producerPaused,
    };
  }

  #ownTransport(transportId: string): ms.WebRtcTransport {
    this.#assertOpen();
    const transport = this.#transport;
    if (!transport || transport.closed || transport.id !== transportId) throw new MediaError('not-found', 'no such transport');
    return transport;
  }

  #assertOpen(): void {
    if (this.#closed) throw new MediaError('closed', 'viewer is closed');
  }
}

/** The room's WebRTC transport settings a viewer's transport uses too (MediaConfig.webRtcTransport). */
export type StageViewerTransportConfig = { initialAvailableOutgoingBitrate: number; iceConsentTimeoutSec: number };
