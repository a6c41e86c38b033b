/**
 * A peer's consumers: what the viewer receives of others and how each is
 * shown to it (paused for audio-only, simulcast layers by stage or grid,
 * priority), with the viewer's own choices kept until its next view mode.
 * The Peer creates the mediasoup consumer on its recv transport (that needs
 * its router and transports); everything after that lives here.
 */
import type * as ms from 'mediasoup/types';
import { MediaError, mediaCall, toMediaError, type MediaErrorCode } from './errors.ts';
import type { Peer } from './peer.ts';
import type { PeerHost, ProducerEntry } from './peer-types.ts';
import type { ConsumerInfo, ConsumerLayers, ConsumerState, ViewMode } from './types.ts';

export type ConsumerRecord = {
  readonly consumer: ms.Consumer;
  readonly entry: ProducerEntry;
  clientPaused: boolean;
  viewPaused: boolean;
  appliedPaused: boolean;
  /** the viewer chose layers / priority itself (until its next setViewMode) */
  manualLayers: boolean;
  manualPriority: number | undefined;
  appliedLayers: string | undefined;
  appliedPriority: number;
};

/** Highest spatial/temporal layer a consumer can get, from its scalability mode (e.g. L3T3, S3T3). */
function maxLayers(consumer: ms.Consumer): { spatial: number; temporal: number } {
  const mode = consumer.rtpParameters.encodings?.[0]?.scalabilityMode ?? '';
  const match = /^[LS](\d+)T(\d+)/.exec(mode);
  return match ? { spatial: Number(match[1]) - 1, temporal: Number(match[2]) - 1 } : { spatial: 0, temporal: 0 };
}

/** The record with this id in `map`, or a MediaError: 'not-owner' when another peer of the room owns it, else 'not-found'. */
export function ownedBy<T>(peer: Peer, host: PeerHost, kind: 'transport' | 'producer' | 'consumer', map: Map<string, T>, id: string): T {
  if (peer.closed) throw new MediaError('closed', 'peer is closed');
  if (typeof id !== 'string') throw new MediaError('invalid', `${kind} id must be a string`);
  const found = map.get(id);
  if (found) return found;
  const code: MediaErrorCode = host.ownerOf(kind, id) !== undefined ? 'not-owner' : 'not-found';
  throw new MediaError(code, code === 'not-owner' ? `${kind} belongs to another peer` : `no such ${kind}`);
}

export class PeerConsumers {
  readonly #peer: Peer;
  readonly #host: PeerHost;
  readonly #records = new Map<string, ConsumerRecord>();
  #viewMode: ViewMode;

  constructor(peer: Peer, host: PeerHost, viewMode: ViewMode) {
    this.#peer = peer;
    this.#host = host;
    this.#viewMode = viewMode;
  }

  get viewMode(): ViewMode {
    return this.#viewMode;
  }

  has(consumerId: string): boolean {
    return this.#records.has(consumerId);
  }

  /** this viewer's consumer of that producer, if it has one */
  infoFor(entry: ProducerEntry): ConsumerInfo | undefined {
    const rec = [...this.#records.values()].find((c) => c.entry === entry);
    return rec ? consumerInfo(rec) : undefined;
  }

  /** A new mediasoup consumer of `entry` (created paused) joins the viewer's consumers and is laid out. */
  async adopt(consumer: ms.Consumer, entry: ProducerEntry, producerId: string): Promise<ConsumerInfo> {
    const peer = this.#peer;
    const crec: ConsumerRecord = {
      consumer,
      entry,
      clientPaused: true,
      viewPaused: false,
      appliedPaused: true,
      manualLayers: false,
      manualPriority: undefined,
      appliedLayers: undefined,
      appliedPriority: consumer.priority,
    };
    this.#records.set(consumer.id, crec);
    consumer.observer.once('close', () => this.#records.delete(consumer.id));
    consumer.on('producerclose', () => this.#host.consumerClosed(peer, consumer.id, producerId));
    consumer.on('layerschange', (layers) =>
      this.#host.consumerLayersChanged(peer, consumer.id, layers ? { spatialLayer: layers.spatialLayer, temporalLayer: layers.temporalLayer } : undefined),
    );
    consumer.on('score', (score) => this.#host.consumerScore(peer, consumer.id, score.score, score.producerScore));
    await this.#layoutConsumer(crec);
    return consumerInfo(crec);
  }

  states(): ConsumerState[] {
    return [...this.#records.values()].map((rec) => consumerState(rec));
  }

  state(consumerId: string): ConsumerState {
    return consumerState(this.#own(consumerId));
  }

  async resume(consumerId: string): Promise<void> {
    const rec = this.#own(consumerId);
    rec.clientPaused = false;
    await this.#syncPause(rec);
  }

  async pause(consumerId: string): Promise<void> {
    const rec = this.#own(consumerId);
    rec.clientPaused = true;
    await this.#syncPause(rec);
  }

  close(consumerId: string): void {
    this.#own(consumerId).consumer.close();
  }

  async setPreferredLayers(consumerId: string, spatialLayer: number, temporalLayer?: number): Promise<void> {
    const rec = this.#own(consumerId);
    if (!Number.isInteger(spatialLayer) || spatialLayer < 0 || (temporalLayer !== undefined && (!Number.isInteger(temporalLayer) || temporalLayer < 0))) {
      throw new MediaError('invalid', 'layers must be whole numbers from 0');
    }
    rec.manualLayers = true;
    await this.#applyLayers(rec, { spatialLayer, temporalLayer });
  }

  async setPriority(consumerId: string, priority: number): Promise<void> {
    const rec = this.#own(consumerId);
    if (!Number.isInteger(priority) || priority < 1 || priority > 255) {
      throw new MediaError('invalid', 'priority must be a whole number from 1 to 255');
    }
    rec.manualPriority = priority;
    await this.#applyPriority(rec, priority);
  }

  async requestKeyFrame(consumerId: string): Promise<void> {
    const rec = this.#own(consumerId);
    await mediaCall('request key frame', () => rec.consumer.requestKeyFrame());
  }

  async stats(consumerId: string): Promise<ms.ConsumerStat[]> {
    const rec = this.#own(consumerId);
    return mediaCall('consumer stats', () => rec.consumer.getStats());
  }

  /** A new view mode (already checked) clears the viewer's manual layer/priority choices. */
  async setViewMode(mode: ViewMode): Promise<void> {
    this.#viewMode = mode;
    for (const rec of this.#records.values()) {
      rec.manualLayers = false;
      rec.manualPriority = undefined;
    }
    await this.layoutAll();
  }

  async layoutAll(): Promise<void> {
    const results = await Promise.allSettled([...this.#records.values()].map((rec) => this.#layoutConsumer(rec)));
    for (const result of results) {
      if (result.status === 'rejected') {
        this.#host.logger.warn({ peerId: this.#peer.id, err: result.reason as unknown }, 'consumer layout failed');
      }
    }
  }

  #own(consumerId: string): ConsumerRecord {
    return ownedBy(this.#peer, this.#host, 'consumer', this.#records, consumerId);
  }

  async #syncPause(rec: ConsumerRecord): Promise<void> {
    const want = rec.clientPaused || rec.viewPaused;
    if (want === rec.appliedPaused || rec.consumer.closed) return;
    rec.appliedPaused = want;
    try {
      if (want) await rec.consumer.pause();
      else await rec.consumer.resume();
    } catch (error) {
      if (rec.consumer.closed) return;
      throw toMediaError(error, want ? 'pause consumer' : 'resume consumer');
    }
  }

  async #applyLayers(rec: ConsumerRecord, layers: ConsumerLayers): Promise<void> {
    const { consumer } = rec;
    if (consumer.kind !== 'video' || consumer.type === 'simple' || consumer.type === 'pipe') return;
    const key = `${layers.spatialLayer}:${layers.temporalLayer ?? ''}`;
    if (key === rec.appliedLayers || consumer.closed) return;
    rec.appliedLayers = key;
    try {
      await consumer.setPreferredLayers(
        layers.temporalLayer === undefined
          ? { spatialLayer: layers.spatialLayer }
          : { spatialLayer: layers.spatialLayer, temporalLayer: layers.temporalLayer },
      );
    } catch (error) {
      if (consumer.closed) return;
      throw toMediaError(error, 'set preferred layers', 'invalid');
    }
  }

  async #applyPriority(rec: ConsumerRecord, priority: number): Promise<void> {
    if (priority === rec.appliedPriority || rec.consumer.closed) return;
    rec.appliedPriority = priority;
    try {
      await rec.consumer.setPriority(priority);
    } catch (error) {
      if (rec.consumer.closed) return;
      throw toMediaError(error, 'set priority', 'invalid');
    }
  }

  async #layoutConsumer(rec: ConsumerRecord): Promise<void> {
    if (rec.consumer.closed || rec.consumer.kind !== 'video') return;
    rec.viewPaused = this.#viewMode === 'audio-only';
    await this.#syncPause(rec);
    const { onStage, priority } = this.#host.placement(rec.entry);
    if (!rec.manualLayers) {
      const max = maxLayers(rec.consumer);
      const high = rec.entry.source === 'screen' || (this.#viewMode === 'stage' && onStage);
      await this.#applyLayers(rec, { spatialLayer: high ? max.spatial : 0, temporalLayer: max.temporal });
    }
    await this.#applyPriority(rec, rec.manualPriority ?? priority);
  }
}

function consumerInfo(rec: ConsumerRecord): ConsumerInfo {
  const { consumer } = rec;
  return {
    id: consumer.id,
    producerId: consumer.producerId,
    producerPeerId: rec.entry.peer.id,
    kind: consumer.kind,
    source: rec.entry.source,
    rtpParameters: consumer.rtpParameters,
    type: consumer.type,
    paused: rec.appliedPaused,
    producerPaused: consumer.producerPaused,
  };
}

function consumerState(rec: ConsumerRecord): ConsumerState {
  const { consumer } = rec;
  const layers = (l: ms.ConsumerLayers | undefined): ConsumerLayers | undefined =>
    l ? { spatialLayer: l.spatialLayer, temporalLayer: l.temporalLayer } : undefined;
  return {
    id: consumer.id,
    producerId: consumer.producerId,
    kind: consumer.kind,
    paused: rec.appliedPaused || consumer.producerPaused,
    clientPaused: rec.clientPaused,
    viewPaused: rec.viewPaused,
    producerPaused: consumer.producerPaused,
    preferredLayers: layers(consumer.preferredLayers),
    currentLayers: layers(consumer.currentLayers),
    priority: consumer.priority,
  };
}
