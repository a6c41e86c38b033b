/**
 * What bench:province asks of each side (our media/ layer, bare mediasoup):
 * the same province conference on one worker, the same forwarding.
 *
 * Sink ports: ports[0] is the hall's, ports[1 + i] commune i's. The stage
 * starts on the hall; every commune consumes the stage's camera and mic. On
 * "give the floor" to commune c, c's mic is unmuted and every other point
 * (the hall included) consumes c's camera and mic, then drops what it had.
 */
export type Watch = [port: number, ssrc: number];

export type ProvinceSide = {
  label: string;
  workerPids: number[];
  /** payload type of VP8 on the consumers (the sinks look for key frames in it) */
  videoPt: number;
  /** communes joined so far */
  readonly points: number;
  /** join communes until there are `total`, each producing a muted mic and a small camera and consuming the stage */
  grow(total: number): Promise<void>;
  /**
   * Resolves once every other point consumes the new speaker: the new video
   * consumers' SSRC at each point's sink port, and how long the floor call
   * itself took (ours: room.giveFloor with its re-layout; bare: the mic's resume).
   */
  giveFloor(commune: number): Promise<{ watch: Watch[]; floorCallMs: number }>;
  /**
   * Packets the hall's mic and top camera layer lost before the SFU (the
   * producers' inbound-rtp packetsLost): each one is a gap at every sink
   * that consumes the hall, without the SFU having lost anything.
   */
  hallIngressLost(): Promise<number>;
  /** key frame requests the communes' generators received (PLI/FIR) */
  keyRequests(): number;
  close(): void;
};

export const LISTEN = '127.0.0.1';
/** PlainTransports of both sides (away from the 30000-39999 the media tests use) */
export const RTC_PORTS = { rtcMinPort: 40000, rtcMaxPort: 49999 } as const;

type InboundStat = { type: string; ssrc?: number; packetsLost?: number };

/** packetsLost of the inbound streams with these SSRCs */
export function ingressLost(stats: unknown[], ssrcs: number[]): number {
  return (stats as InboundStat[])
    .filter((s) => s.type === 'inbound-rtp' && s.ssrc !== undefined && ssrcs.includes(s.ssrc))
    .reduce((sum, s) => sum + (s.packetsLost ?? 0), 0);
}
