/**
 * The two fan-outs the SFU benchmark compares, on one worker each: one
 * producer (generated audio + three-layer simulcast camera into a comedia
 * PlainTransport) consumed by N PlainTransports pointed at local UDP sinks.
 *
 * - app: through our media/ layer (MediaService, ConferenceRoom, Peer: one
 *   peer per consumer, permissions, layout by view mode and stage, priorities,
 *   the active speaker observer), the way the conference module drives it;
 * - baseline: mediasoup used directly (worker, router, transports, consumers)
 *   with no application code.
 *
 * Both forward the highest simulcast layer to every consumer (the app: the
 * producer is spotlighted, so every viewer's stage layout asks for it).
 */
import { createWorker } from 'mediasoup';
import type * as ms from 'mediasoup/types';
import { MediaService, routerMediaCodecs, type Peer } from '../../media/index.ts';
import { RtpGenerator, opusParameters, vp8SimulcastParameters } from './rtp.ts';

export type FanOut = {
  label: string;
  workerPid: number;
  consumers: number;
  /** add consumers up to `total` (two per viewer would be audio + video: we count viewers) */
  grow(total: number, sinkPorts: number[]): Promise<void>;
  close(): void;
};

const LISTEN = '127.0.0.1';

export async function appFanOut(ssrcBase: number): Promise<FanOut> {
  const media = await MediaService.start({
    numWorkers: 1,
    logLevel: 'error',
    allowPlainTransports: true,
    peerTimeoutMs: 3_600_000,
    rtcMinPort: 30000,
    rtcMaxPort: 39999,
    webRtcServer: { listenIp: LISTEN, ports: { min: 20000, max: 29999 } },
  });
  const room = await media.rooms.getOrCreate('bench-sfu');
  const sender = await room.join({
    peerId: 'province-hall',
    displayName: 'Hội trường tỉnh',
    permissions: { canProduceAudio: true, canProduceVideo: true, canShareScreen: true, isChair: true, priority: 30 },
  });
  const send = await sender.createPlainTransport({ direction: 'send', comedia: true });
  const generator = new RtpGenerator(ssrcBase);
  const mic = await sender.produce({ transportId: send.id, kind: 'audio', rtpParameters: opusParameters(generator.audioSsrc), appData: { source: 'mic' } });
  const camera = await sender.produce({ transportId: send.id, kind: 'video', rtpParameters: vp8SimulcastParameters(generator.videoSsrcs), appData: { source: 'camera' } });
  room.setSpotlight(sender.id);
  generator.start({ ip: send.ip, port: send.port });
  const viewers: Peer[] = [];
  const slot = media.pool.slots()[0]!;
  return {
    label: 'app (media/)',
    workerPid: slot.pid,
    get consumers() {
      return viewers.length;
    },
    async grow(total, sinkPorts) {
      while (viewers.length < total) {
        const i = viewers.length;
        const viewer = await room.join({
          peerId: `hall-${i}`,
          displayName: `Điểm cầu ${i}`,
          permissions: { canProduceAudio: false, canProduceVideo: false, canShareScreen: false, isChair: false, priority: 10 },
        });
        const recv = await viewer.createPlainTransport({ direction: 'recv' });
        await viewer.connectPlainTransport(recv.id, { ip: LISTEN, port: sinkPorts[i % sinkPorts.length]! });
        viewer.setRtpCapabilities(room.rtpCapabilities);
        for (const producer of [mic, camera]) {
          const consumer = await viewer.consume(producer.id);
          await viewer.resumeConsumer(consumer.id);
        }
        viewers.push(viewer);
      }
    },
    close() {
      generator.close();
      media.close();
    },
  };
}

export async function baselineFanOut(ssrcBase: number): Promise<FanOut> {
  const worker = await createWorker({ logLevel: 'error', rtcMinPort: 30000, rtcMaxPort: 39999, ...(process.env.MEDIASOUP_WORKER_BIN ? { workerBin: process.env.MEDIASOUP_WORKER_BIN } : {}) });
  const router = await worker.createRouter({ mediaCodecs: routerMediaCodecs() });
  const send = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: LISTEN }, rtcpMux: true, comedia: true });
  const generator = new RtpGenerator(ssrcBase);
  const producers: ms.Producer[] = [
    await send.produce({ kind: 'audio', rtpParameters: opusParameters(generator.audioSsrc) }),
    await send.produce({ kind: 'video', rtpParameters: vp8SimulcastParameters(generator.videoSsrcs) }),
  ];
  generator.start({ ip: send.tuple.localAddress, port: send.tuple.localPort });
  const transports: ms.PlainTransport[] = [];
  return {
    label: 'baseline (bare mediasoup)',
    workerPid: worker.pid,
    get consumers() {
      return transports.length;
    },
    async grow(total, sinkPorts) {
      while (transports.length < total) {
        const i = transports.length;
        const transport = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: LISTEN }, rtcpMux: true });
        await transport.connect({ ip: LISTEN, port: sinkPorts[i % sinkPorts.length]! });
        for (const producer of producers) await transport.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities, paused: false });
        transports.push(transport);
      }
    },
    close() {
      generator.close();
      worker.close();
    },
  };
}
