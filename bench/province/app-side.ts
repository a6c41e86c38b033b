/**
 * The province conference through our media/ layer, as the conference module
 * drives it: MediaService (one worker), one ConferenceRoom, one Peer per
 * point with PlainTransports (allowPlainTransports), communes joining with
 * their mic held muted by the chair (serverMuted), consumers created paused
 * and resumed as a client does, and the floor given with room.giveFloor
 * (unmute + spotlight, which re-lays out every viewer's consumers).
 *
 * Cascaded: the hall on this process's own worker (the province node), the
 * communes on a media node (a MediaNodeServer on 127.0.0.2, one worker,
 * linked with its secret as `npm run media-node` is), the stage piped
 * between the two through SRTP pipe transports as media/ does between hosts.
 */
import { MediaNodeServer, MediaService, NodeLink, type Peer, type ProducerInfo } from '../../media/index.ts';
import { RtpGenerator, opusParameters, vp8SimulcastParameters } from '../sfu/rtp.ts';
import { CommuneGenerators, communeCameraParameters } from './commune-rtp.ts';
import { LISTEN, RTC_PORTS, ingressLost, type ProvinceSide, type Watch } from './side.ts';

type Point = { peer: Peer; port: number; mic: ProducerInfo | undefined; camera: ProducerInfo | undefined; stage: string[] };

const NODE_SECRET = 'bench province media node secret, 32+';
const REGION_IP = '127.0.0.2';

/** A regional media node in this process, and the app's link to it. */
async function regionalNode(): Promise<{ link: NodeLink; node: MediaNodeServer }> {
  const node = new MediaNodeServer({ name: 'vung-1', secret: NODE_SECRET, host: REGION_IP, port: 0, workers: 1, listenIp: REGION_IP, webRtcPorts: { min: 52000, max: 52003 }, rtcPorts: { min: 53000, max: 53999 } });
  const { port } = await node.listen();
  const link = new NodeLink({ name: 'vung-1', host: REGION_IP, port, workers: 1 }, NODE_SECRET, '/tmp/phong-hop-so-bench-province');
  await link.start();
  await link.whenUp(5000);
  return { link, node };
}

export async function appProvince(ports: number[], ssrcBase: number, cascade = false): Promise<ProvinceSide> {
  const region = cascade ? await regionalNode() : undefined;
  const media = await MediaService.start(
    {
      numWorkers: 1,
      logLevel: 'error',
      allowPlainTransports: true,
      peerTimeoutMs: 3_600_000,
      ...RTC_PORTS,
      webRtcServer: { listenIp: LISTEN, ports: { min: 51000, max: 51999 } },
      // one router per node holds everyone placed there
      peersPerRouter: 10_000,
    },
    undefined,
    region ? [region.link] : [],
  );
  const room = await media.rooms.getOrCreate('bench-province');
  const communes = new CommuneGenerators();
  const hallGenerator = new RtpGenerator(ssrcBase);

  const recvPoint = async (peer: Peer, port: number): Promise<Point> => {
    const recv = await peer.createPlainTransport({ direction: 'recv' });
    await peer.connectPlainTransport(recv.id, { ip: LISTEN, port });
    peer.setRtpCapabilities(room.rtpCapabilities);
    return { peer, port, mic: undefined, camera: undefined, stage: [] };
  };
  /** consume the speaker's camera and mic (created paused, resumed: the client's two steps), then drop the previous stage */
  const watchStage = async (point: Point, speaker: Point): Promise<{ ssrc: number; pt: number }> => {
    const previous = point.stage;
    const camera = await point.peer.consume(speaker.camera!.id);
    await point.peer.resumeConsumer(camera.id);
    const mic = await point.peer.consume(speaker.mic!.id);
    await point.peer.resumeConsumer(mic.id);
    point.stage = [camera.id, mic.id];
    for (const id of previous) point.peer.closeConsumer(id);
    return { ssrc: camera.rtpParameters.encodings![0]!.ssrc!, pt: camera.rtpParameters.codecs[0]!.payloadType };
  };

  const hallPeer = await room.join({
    peerId: 'province-hall',
    displayName: 'Hội trường tỉnh',
    permissions: { canProduceAudio: true, canProduceVideo: true, canShareScreen: true, isChair: true, priority: 30 },
  });
  const hallSend = await hallPeer.createPlainTransport({ direction: 'send', comedia: true });
  const hall = await recvPoint(hallPeer, ports[0]!);
  hall.mic = await hallPeer.produce({ transportId: hallSend.id, kind: 'audio', rtpParameters: opusParameters(hallGenerator.audioSsrc), appData: { source: 'mic' } });
  hall.camera = await hallPeer.produce({ transportId: hallSend.id, kind: 'video', rtpParameters: vp8SimulcastParameters(hallGenerator.videoSsrcs), appData: { source: 'camera' } });
  room.setSpotlight(hallPeer.id);
  hallGenerator.start({ ip: hallSend.ip, port: hallSend.port });
  communes.start();

  const points: Point[] = [];
  let speaker = hall;
  let videoPt = 0;
  return {
    label: region ? 'app (media/), two nodes' : 'app (media/)',
    // the workers, wherever they run (a node's worker has a stub here that relays its channel: counted too)
    workerPids: [...media.pool.slots().map((slot) => slot.pid), ...(region?.node.workerPids() ?? [])],
    get videoPt() {
      return videoPt;
    },
    get points() {
      return points.length;
    },
    async grow(total) {
      while (points.length < total) {
        const i = points.length;
        const peer = await room.join({
          ...(region ? { node: 'vung-1' } : {}),
          peerId: `commune-${i}`,
          displayName: `Điểm cầu xã ${i + 1}`,
          permissions: { canProduceAudio: true, canProduceVideo: true, canShareScreen: false, isChair: false, priority: 10 },
          serverMuted: ['mic'],
        });
        const send = await peer.createPlainTransport({ direction: 'send', comedia: true });
        const sender = await communes.add(ssrcBase + 10 + 2 * i);
        const point = await recvPoint(peer, ports[1 + i]!);
        point.mic = await peer.produce({ transportId: send.id, kind: 'audio', rtpParameters: opusParameters(sender.audioSsrc), appData: { source: 'mic' } });
        point.camera = await peer.produce({ transportId: send.id, kind: 'video', rtpParameters: communeCameraParameters(sender.videoSsrc), appData: { source: 'camera' } });
        sender.target = { ip: send.ip, port: send.port };
        videoPt = (await watchStage(point, speaker)).pt;
        points.push(point);
      }
    },
    async giveFloor(commune) {
      const next = points[commune]!;
      const started = performance.now();
      await room.giveFloor(next.peer.id);
      const floorCallMs = performance.now() - started;
      const watchers = [hall, ...points].filter((p) => p !== next);
      const seen = await Promise.all(watchers.map((p) => watchStage(p, next)));
      speaker = next;
      return { watch: watchers.map((p, i): Watch => [p.port, seen[i]!.ssrc]), floorCallMs };
    },
    async hallIngressLost() {
      const audio = ingressLost(await hallPeer.getProducerStats(hall.mic!.id), [hallGenerator.audioSsrc]);
      return audio + ingressLost(await hallPeer.getProducerStats(hall.camera!.id), [hallGenerator.videoSsrcs.at(-1)!]);
    },
    keyRequests: () => communes.senders.reduce((sum, s) => sum + s.keyRequests, 0),
    close() {
      hallGenerator.close();
      communes.close();
      media.close();
      void region?.link.close();
      void region?.node.close();
    },
  };
}

