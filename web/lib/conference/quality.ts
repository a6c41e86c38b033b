/**
 * Connection quality from WebRTC stats: packet loss and round-trip time over
 * the last interval, read from both transports, turned into Tốt / Trung bình / Kém.
 */
export type Quality = 'good' | 'fair' | 'poor';

export type LinkReading = {
  /** cumulative packets received and lost on incoming streams */
  received: number;
  lost: number;
  /** fraction lost as the far end reports it for what we send (0..1), if any */
  remoteFractionLost: number | null;
  rttMs: number | null;
  /** the transport is gone (closed or failed) as the browser sees it */
  dead: boolean;
};

export function readStats(report: RTCStatsReport): LinkReading {
  let received = 0;
  let lost = 0;
  let remoteFractionLost: number | null = null;
  let rttMs: number | null = null;
  let transports = 0;
  let dead = false;
  report.forEach((stat: Record<string, unknown>) => {
    switch (stat.type) {
      case 'inbound-rtp':
        received += Number(stat.packetsReceived ?? 0);
        lost += Math.max(0, Number(stat.packetsLost ?? 0));
        break;
      case 'remote-inbound-rtp':
        if (typeof stat.fractionLost === 'number') remoteFractionLost = Math.max(remoteFractionLost ?? 0, stat.fractionLost);
        if (typeof stat.roundTripTime === 'number') rttMs = Math.max(rttMs ?? 0, stat.roundTripTime * 1000);
        break;
      case 'candidate-pair':
        if ((stat.nominated === true || stat.state === 'succeeded') && typeof stat.currentRoundTripTime === 'number') {
          rttMs = Math.max(rttMs ?? 0, stat.currentRoundTripTime * 1000);
        }
        break;
      case 'transport':
        transports++;
        if (stat.dtlsState === 'closed' || stat.dtlsState === 'failed' || stat.iceState === 'closed' || stat.iceState === 'failed') dead = true;
        break;
    }
  });
  return { received, lost, remoteFractionLost, rttMs, dead: dead || transports === 0 };
}

/** Loss in percent between two readings of incoming streams (and what the far end reports). */
export function lossPercent(previous: LinkReading | null, current: LinkReading): number {
  let pct = 0;
  if (previous) {
    const got = current.received - previous.received;
    const lost = current.lost - previous.lost;
    if (got + lost > 0) pct = (100 * Math.max(0, lost)) / (got + Math.max(0, lost));
  }
  if (current.remoteFractionLost !== null) pct = Math.max(pct, current.remoteFractionLost * 100);
  return pct;
}

export function classify(lossPct: number, rttMs: number | null): Quality {
  const rtt = rttMs ?? 0;
  if (lossPct < 2 && rtt < 200) return 'good';
  if (lossPct < 8 && rtt < 500) return 'fair';
  return 'poor';
}
