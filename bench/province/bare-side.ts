/**
 * The same province conference with mediasoup used directly: one worker, one
 * router with our codecs, a comedia PlainTransport and a recv PlainTransport
 * per point, commune mics paused on the producer, consumers created unpaused
 * (one call each). "Give the floor" by hand: resume the commune's mic, then
 * every other point consumes its camera and mic and closes what it had.
 *
 * Cascaded: a second worker and router for the communes, the hall's (and
 * then the speaker's) producers piped between the two routers with SRTP,
 * once each, as two nodes need.
 */
import { createWorker } from 'mediasoup';
import type * as ms from 'mediasoup/types';
import { routerMediaCodecs } from '../../media/index.ts';
import { RtpGenerator, opusParameters, vp8SimulcastParameters } from '../sfu/rtp.ts';
import { CommuneGenerators, communeCameraParameters } from './commune-rtp.ts';
import { LISTEN, RTC_PORTS, ingressLost, type ProvinceSide, type Watch } from './side.ts';

type Point = { router: ms.Router; recv: ms.PlainTransport; port: number; mic: ms.Producer | undefined; camera: ms.Producer | undefined; stage: ms.Consumer[] };

const newWorker = () => createWorker({ logLevel: 'error', ...RTC_PORTS, ...(process.env.MEDIASOUP_WORKER_BIN ? { workerBin: process.env.MEDIASOUP_WORKER_BIN } : {}) });

export async function bareProvince(ports: number[], ssrcBase: number, cascade = false): Promise<ProvinceSide> {
  const worker = await newWorker();
  const router = await worker.createRouter({ mediaCodecs: routerMediaCodecs() });
  const regionWorker = cascade ? await newWorker() : undefined;
  const regionRouter = regionWorker ? await regionWorker.createRouter({ mediaCodecs: routerMediaCodecs() }) : router;
  const communes = new CommuneGenerators();
  const hallGenerator = new RtpGenerator(ssrcBase);
  const plain = (on: ms.Router, comedia: boolean) => on.createPlainTransport({ listenInfo: { protocol: 'udp', ip: LISTEN }, rtcpMux: true, comedia });
  /** producers already piped to the other router */
  const piped = new Map<string, Promise<unknown>>();
  const reach = async (producer: ms.Producer, from: ms.Router, to: ms.Router) => {
    if (from === to) return;
    let pending = piped.get(producer.id);
    if (!pending) {
      pending = from.pipeToRouter({ producerId: producer.id, router: to, listenInfo: { protocol: 'udp', ip: LISTEN }, enableSrtp: true });
      piped.set(producer.id, pending);
    }
    await pending;
  };

  const recvPoint = async (on: ms.Router, port: number): Promise<Point> => {
    const recv = await plain(on, false);
    await recv.connect({ ip: LISTEN, port });
    return { router: on, recv, port, mic: undefined, camera: undefined, stage: [] };
  };
  const watchStage = async (point: Point, speaker: Point): Promise<{ ssrc: number; pt: number }> => {
    const previous = point.stage;
    await Promise.all([reach(speaker.camera!, speaker.router, point.router), reach(speaker.mic!, speaker.router, point.router)]);
    const camera = await point.recv.consume({ producerId: speaker.camera!.id, rtpCapabilities: router.rtpCapabilities, paused: false });
    const mic = await point.recv.consume({ producerId: speaker.mic!.id, rtpCapabilities: router.rtpCapabilities, paused: false });
    point.stage = [camera, mic];
    for (const consumer of previous) consumer.close();
    return { ssrc: camera.rtpParameters.encodings![0]!.ssrc!, pt: camera.rtpParameters.codecs[0]!.payloadType };
  };

  const hallSend = await plain(router, true);
  const hall = await recvPoint(router, ports[0]!);
  hall.mic = await hallSend.produce({ kind: 'audio', rtpParameters: opusParameters(hallGenerator.audioSsrc) });
  hall.camera = await hallSend.produce({ kind: 'video', rtpParameters: vp8SimulcastParameters(hallGenerator.videoSsrcs) });
  hallGenerator.start({ ip: hallSend.tuple.localAddress, port: hallSend.tuple.localPort });
  communes.start();

  const points: Point[] = [];
  let speaker = hall;
  let videoPt = 0;
  return {
    label: cascade ? 'baseline (bare mediasoup), two workers piped' : 'baseline (bare mediasoup)',
    workerPids: [worker.pid, ...(regionWorker ? [regionWorker.pid] : [])],
    get videoPt() {
      return videoPt;
    },
    get points() {
      return points.length;
    },
    async grow(total) {
      while (points.length < total) {
        const i = points.length;
        const send = await plain(regionRouter, true);
        const sender = await communes.add(ssrcBase + 10 + 2 * i);
        const point = await recvPoint(regionRouter, ports[1 + i]!);
        point.mic = await send.produce({ kind: 'audio', rtpParameters: opusParameters(sender.audioSsrc), paused: true });
        point.camera = await send.produce({ kind: 'video', rtpParameters: communeCameraParameters(sender.videoSsrc) });
        sender.target = { ip: send.tuple.localAddress, port: send.tuple.localPort };
        videoPt = (await watchStage(point, speaker)).pt;
        points.push(point);
      }
    },
    async giveFloor(commune) {
      const next = points[commune]!;
      const started = performance.now();
      await next.mic!.resume();
      const floorCallMs = performance.now() - started;
      const watchers = [hall, ...points].filter((p) => p !== next);
      const seen = await Promise.all(watchers.map((p) => watchStage(p, next)));
      speaker = next;
      return { watch: watchers.map((p, i): Watch => [p.port, seen[i]!.ssrc]), floorCallMs };
    },
    async hallIngressLost() {
      const audio = ingressLost(await hall.mic!.getStats(), [hallGenerator.audioSsrc]);
      return audio + ingressLost(await hall.camera!.getStats(), [hallGenerator.videoSsrcs.at(-1)!]);
    },
    keyRequests: () => communes.senders.reduce((sum, s) => sum + s.keyRequests, 0),
    close() {
      hallGenerator.close();
      communes.close();
      worker.close();
      regionWorker?.close();
    },
  };
}
