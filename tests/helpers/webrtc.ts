/**
 * What a page's WebRTC really did, read from its peer connections' stats:
 * an init script remembers every RTCPeerConnection the page makes, then
 * tests ask what one tile receives or which ICE path carries the media.
 */
import type { Page } from 'playwright-core';

/** Installed before any page script (`context.addInitScript`): remember every RTCPeerConnection the page makes. */
export function recordPeerConnections(): void {
  const Native = window.RTCPeerConnection;
  const all: RTCPeerConnection[] = [];
  (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs = all;
  window.RTCPeerConnection = class extends Native {
    constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
      super(...args);
      all.push(this);
    }
  } as typeof RTCPeerConnection;
}

export type Received = { frames: number; videoPackets: number; audioPackets: number; videoTrack: string | null; audioTrack: string | null };

/** What this page receives from one peer: frames decoded from its tile's video track, audio packets of its tile's audio track. */
export function receivedFrom(page: Page, peerId: string): Promise<Received> {
  return page.evaluate(async (id) => {
    const tile = document.querySelector(`[data-testid="conference-tile"][data-peer-id="${id}"]`);
    const videoTrack = (tile?.querySelector('video')?.srcObject as MediaStream | null | undefined)?.getVideoTracks()[0]?.id ?? null;
    const audioTrack = (tile?.querySelector('audio')?.srcObject as MediaStream | null | undefined)?.getAudioTracks()[0]?.id ?? null;
    let frames = 0;
    let videoPackets = 0;
    let audioPackets = 0;
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      if (pc.signalingState === 'closed') continue;
      const report = await pc.getStats();
      report.forEach((stat: Record<string, unknown>) => {
        if (stat.type !== 'inbound-rtp') return;
        if (videoTrack !== null && stat.trackIdentifier === videoTrack) {
          frames += Number(stat.framesDecoded ?? 0);
          videoPackets += Number(stat.packetsReceived ?? 0);
        }
        if (audioTrack !== null && stat.trackIdentifier === audioTrack) audioPackets += Number(stat.packetsReceived ?? 0);
      });
    }
    return { frames, videoPackets, audioPackets, videoTrack, audioTrack };
  }, peerId);
}

/** Every incoming video/audio packet of this page, whatever the tile. */
export function receivedTotal(page: Page): Promise<{ video: number; audio: number }> {
  return page.evaluate(async () => {
    let video = 0;
    let audio = 0;
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      if (pc.signalingState === 'closed') continue;
      (await pc.getStats()).forEach((stat: Record<string, unknown>) => {
        if (stat.type !== 'inbound-rtp') return;
        if (stat.kind === 'video') video += Number(stat.packetsReceived ?? 0);
        if (stat.kind === 'audio') audio += Number(stat.packetsReceived ?? 0);
      });
    }
    return { video, audio };
  });
}

export type IcePath = { localType: string; relayProtocol: string | null; protocol: string };

/** The local side of the ICE pair each open peer connection sends and receives through (its transport's selected pair). */
export function selectedPaths(page: Page): Promise<IcePath[]> {
  return page.evaluate(async () => {
    const paths: { localType: string; relayProtocol: string | null; protocol: string }[] = [];
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      if (pc.signalingState === 'closed') continue;
      const stats = new Map<string, Record<string, unknown>>();
      (await pc.getStats()).forEach((stat: Record<string, unknown>) => stats.set(String(stat.id), stat));
      for (const stat of stats.values()) {
        if (stat.type !== 'transport' || typeof stat.selectedCandidatePairId !== 'string') continue;
        const pair = stats.get(stat.selectedCandidatePairId);
        const local = pair === undefined ? undefined : stats.get(String(pair.localCandidateId));
        if (local === undefined) continue;
        paths.push({ localType: String(local.candidateType), relayProtocol: typeof local.relayProtocol === 'string' ? local.relayProtocol : null, protocol: String(local.protocol) });
      }
    }
    return paths;
  });
}
