/**
 * The connection quality shown beside the stage (Tốt / Trung bình / Kém):
 * every STATS_INTERVAL_MS it reads the browser's WebRTC stats of both
 * transports. The same reading is the quickest sign of a dead link (a
 * dropped network, a browser that gave up), so it also reports that.
 */
import type { types } from 'mediasoup-client';
import { classify, lossPercent, readStats, type LinkReading, type Quality } from './quality.ts';

const STATS_INTERVAL_MS = 2_000;

/** What the sampler reads, and whom it tells. */
export type StatsSource = {
  recv(): types.Transport | null;
  send(): types.Transport | null;
  /** false once the join it belongs to is abandoned (or the session is not connected) */
  current(): boolean;
  /** a transport is closed or dead: join again */
  broken(): void;
};

export class LinkStats {
  quality = $state<Quality | null>(null);
  lossPct = $state(0);
  rttMs = $state<number | null>(null);

  #timer: ReturnType<typeof setInterval> | null = null;
  /** the last reading of the receiving transport: its loss is counted per interval */
  #lastRecv: LinkReading | null = null;

  start(source: StatsSource): void {
    this.stop();
    this.#lastRecv = null;
    this.#timer = setInterval(() => void this.#sample(source), STATS_INTERVAL_MS);
  }

  /** Stops sampling and forgets the quality (nothing to measure). */
  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    this.quality = null;
  }

  async #sample(source: StatsSource): Promise<void> {
    if (!source.current()) return;
    const recv = source.recv();
    const transports = [recv, source.send()].filter((t): t is types.Transport => t !== null);
    let loss = 0;
    let rtt: number | null = null;
    for (const transport of transports) {
      let reading: LinkReading;
      try {
        if (transport.closed) throw new Error('closed');
        reading = readStats(await transport.getStats());
      } catch {
        if (source.current()) source.broken();
        return;
      }
      if (!source.current()) return;
      // Closed under us (a dropped network, a browser that gave up): the browser's stats say so.
      if (reading.dead && transport.connectionState !== 'new' && transport.connectionState !== 'connecting') {
        source.broken();
        return;
      }
      if (transport === recv) {
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
}
