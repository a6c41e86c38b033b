/**
 * Media nodes at media/'s level, on one machine: two nodes listening on their
 * own loopback addresses (127.0.0.2 the province's, 127.0.0.3 a region's)
 * stand in for two hosts; the app's pool runs one local worker and one on
 * each node. Peers placed by node see and hear each other through SRTP pipes
 * between the nodes; losing the regional node moves its peers to the
 * province node and media flows again; a node that comes back takes new
 * joins; a node with another secret is refused. The same with real hosts and
 * browsers: tests/e2e/media-nodes.test.ts.
 */
import tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { pskClientOptions, pskServerOptions } from '../../media/nodes/psk.ts';
import { MediaNodeServer, NodeLink, WorkerPool, RoomRegistry, type MediaNodeTarget } from '../../media/index.ts';
import type { ConferenceRoomEvents } from '../../media/types.ts';
import { freePort } from '../helpers/server-process.ts';
import { FakeReceiver, FakeSender, consumerBytes, mediaTestConfig, permissions, waitFor } from '../helpers/media-rtp.ts';

const SECRET = 'a shared secret of the province network';
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

let nextWebRtcPort = 48500;

async function startNode(name: string, ip: string, port: number, secret = SECRET): Promise<MediaNodeServer> {
  const webRtcPorts = { min: nextWebRtcPort, max: nextWebRtcPort + 3 };
  nextWebRtcPort += 4;
  const node = new MediaNodeServer({ name, secret, host: ip, port, workers: 1, listenIp: ip, webRtcPorts, rtcPorts: { min: 48600, max: 48999 } });
  await node.listen();
  return node;
}

async function linkTo(target: MediaNodeTarget, secret = SECRET): Promise<NodeLink> {
  const link = new NodeLink(target, secret, '/tmp/phong-hop-so-media-test');
  await link.start();
  cleanups.push(() => link.close());
  return link;
}

describe('media nodes', () => {
  it('cascades between nodes, moves a lost node’s peers to the province node within 10 s, and takes joins again when it is back', async () => {
    const provincePort = await freePort();
    const regionPort = await freePort();
    const province = await startNode('province', '127.0.0.2', provincePort);
    let region = await startNode('vung-1', '127.0.0.3', regionPort);
    cleanups.push(() => province.close());
    const links = [
      await linkTo({ name: 'province', host: '127.0.0.2', port: provincePort, workers: 1 }),
      await linkTo({ name: 'vung-1', host: '127.0.0.3', port: regionPort, workers: 1 }),
    ];
    await Promise.all(links.map((link) => link.whenUp(5000)));
    const config = mediaTestConfig({ numWorkers: 1, peersPerRouter: 8, defaultNode: 'province' });
    const pool = await WorkerPool.create(config, undefined, links);
    const rooms = new RoomRegistry(pool, config);
    cleanups.push(() => rooms.close(), () => pool.close());
    expect([...pool.liveNodes()].sort()).toEqual(['local', 'province', 'vung-1']);

    const room = await rooms.getOrCreate('province-conference');
    const rejoins: ConferenceRoomEvents['peerNeedsRejoin'][0][] = [];
    room.on('peerNeedsRejoin', (event) => rejoins.push(event));
    const hall = await room.join({ peerId: 'hall', displayName: 'Hội trường tỉnh', permissions: permissions({ isChair: true }), node: 'province' });
    const commune = await room.join({ peerId: 'xa-a', displayName: 'Xã A', permissions: permissions(), node: 'vung-1' });
    const nodeOf = (index: number | undefined) => (index === undefined ? undefined : pool.slot(index)?.node.name);
    expect(nodeOf(hall.workerIndex)).toBe('province');
    expect(nodeOf(commune.workerIndex)).toBe('vung-1');

    // the hall speaks and shows itself; the commune on the other node receives both, and the other way round
    const hallSender = await FakeSender.create(hall);
    const communeSender = await FakeSender.create(commune);
    cleanups.push(() => hallSender.close(), () => communeSender.close());
    const hallMic = await hallSender.produceAudio();
    const hallCamera = await hallSender.produceVideo();
    const communeMic = await communeSender.produceAudio();
    hallSender.start();
    communeSender.start();
    const atCommune = await FakeReceiver.create(commune, room);
    const atHall = await FakeReceiver.create(hall, room);
    cleanups.push(() => atCommune.close(), () => atHall.close());
    const audioAtCommune = await atCommune.consume(hallMic.id);
    await atCommune.consume(hallCamera.id);
    const audioAtHall = await atHall.consume(communeMic.id);
    await waitFor(() => atCommune.audioPackets(), (n) => n > 20, 5000, 'hall audio at the commune');
    await waitFor(() => atCommune.videoPackets(), (n) => n > 20, 5000, 'hall video at the commune');
    await waitFor(() => atHall.audioPackets(), (n) => n > 20, 5000, 'commune audio at the hall');
    expect(await consumerBytes(commune, audioAtCommune)).toBeGreaterThan(0);
    expect(await consumerBytes(hall, audioAtHall)).toBeGreaterThan(0);

    // The regional node goes away: the commune is told to rejoin, lands on the province node, hears the hall again.
    const lostAt = Date.now();
    await region.close();
    await waitFor(() => rejoins, (r) => r.some((e) => e.peerId === 'xa-a'), 10_000, 'the commune told to rejoin');
    expect(rejoins.map((e) => e.peerId)).toEqual(['xa-a']);
    expect(hall.needsRejoin).toBe(false);
    await room.rejoin('xa-a');
    expect(nodeOf(commune.workerIndex)).toBe('province');
    const again = await FakeReceiver.create(commune, room);
    cleanups.push(() => again.close());
    await again.consume(hallMic.id);
    await waitFor(() => again.audioPackets(), (n) => n > 5, 10_000, 'hall audio after the move');
    expect(Date.now() - lostAt).toBeLessThan(10_000);
    expect(pool.liveNodes().has('vung-1')).toBe(false);

    // The node comes back on the same address: its link relinks, its worker restarts, and a new commune goes there.
    region = await startNode('vung-1', '127.0.0.3', regionPort);
    cleanups.push(() => region.close());
    await waitFor(() => pool.liveNodes().has('vung-1'), (up) => up, 10_000, 'the regional node back in the pool');
    const late = await room.join({ peerId: 'xa-b', displayName: 'Xã B', permissions: permissions(), node: 'vung-1' });
    expect(nodeOf(late.workerIndex)).toBe('vung-1');
    const atLate = await FakeReceiver.create(late, room);
    cleanups.push(() => atLate.close());
    await atLate.consume(hallMic.id);
    await waitFor(() => atLate.audioPackets(), (n) => n > 5, 5000, 'hall audio at the commune on the node that came back');
  });

  it('answers at once when a node refuses a worker, and the next spawn still works', async () => {
    const port = await freePort();
    const node = await startNode('vung-6', '127.0.0.8', port);
    cleanups.push(() => node.close());
    // the app asks for more workers than the node runs for one app (1)
    const link = await linkTo({ name: 'vung-6', host: '127.0.0.8', port, workers: 2 });
    await link.whenUp(5000);
    const first = await link.spawnWorker({ logLevel: 'error', appData: { index: 0 } });
    cleanups.push(() => first.worker.close());
    const started = Date.now();
    await expect(link.spawnWorker({ logLevel: 'error', appData: { index: 1 } })).rejects.toMatchObject({ code: 'unavailable' });
    expect(Date.now() - started).toBeLessThan(5000);
    first.worker.close();
    await waitFor(() => node.workerPids().length, (n) => n === 0, 5000, 'the node frees its worker');
    const again = await link.spawnWorker({ logLevel: 'error', appData: { index: 1 } });
    cleanups.push(() => again.worker.close());
    expect(again.address.name).toBe('vung-6');
  });

  it('refuses a node that holds another secret, and never links to it', async () => {
    const port = await freePort();
    const impostor = await startNode('vung-2', '127.0.0.4', port, 'another secret that is long enough');
    cleanups.push(() => impostor.close());
    const refused = new Promise<string>((resolve) => impostor.once('refused', ({ reason }) => resolve(reason)));
    const link = await linkTo({ name: 'vung-2', host: '127.0.0.4', port, workers: 1 });
    expect(await refused).toMatch(/bad|mac|decrypt|cipher/i);
    await expect(link.whenUp(1500)).rejects.toMatchObject({ code: 'unavailable' });
    expect(link.up).toBe(false);
  });

  it('refuses a node that answers under another name than configured', async () => {
    const port = await freePort();
    const other = await startNode('vung-3', '127.0.0.5', port);
    cleanups.push(() => other.close());
    const link = await linkTo({ name: 'vung-9', host: '127.0.0.5', port, workers: 1 });
    await expect(link.whenUp(1500)).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('drops a link that sends what no node of ours sends, and keeps serving', async () => {
    // a "node" that holds the secret but speaks garbage: the app's link refuses it and stays down
    const rogue = tls.createServer(pskServerOptions(SECRET), (socket) => socket.write(Buffer.from([9, 0, 0, 0, 0, 255, 255, 255, 255])));
    await new Promise<void>((resolve) => rogue.listen(0, '127.0.0.6', resolve));
    cleanups.push(() => new Promise<void>((resolve) => rogue.close(() => resolve())));
    const link = await linkTo({ name: 'vung-4', host: '127.0.0.6', port: (rogue.address() as { port: number }).port, workers: 1 });
    await expect(link.whenUp(1500)).rejects.toMatchObject({ code: 'unavailable' });

    // an "app" that holds the secret but sends a frame larger than any channel message: the node cuts it, and links the next app
    const port = await freePort();
    const node = await startNode('vung-5', '127.0.0.7', port);
    cleanups.push(() => node.close());
    const lost = new Promise<void>((resolve) => node.once('linkLost', () => resolve()));
    const hostile = tls.connect({ host: '127.0.0.7', port, ...pskClientOptions(SECRET) }, () => hostile.write(Buffer.from([2, 0, 0, 0, 1, 0x7f, 0xff, 0xff, 0xff])));
    hostile.on('error', () => {});
    await lost;
    const honest = await linkTo({ name: 'vung-5', host: '127.0.0.7', port, workers: 1 });
    expect((await honest.whenUp(5000)).name).toBe('vung-5');
  });

  it('refuses a secret too short to resist guessing', () => {
    expect(() => new NodeLink({ name: 'x', host: '127.0.0.1', port: 1, workers: 1 }, 'short', '/tmp/x')).not.toThrow();
    expect(() => new MediaNodeServer({ name: 'x', secret: 'short', host: '127.0.0.1', port: 0, workers: 1, listenIp: '127.0.0.1', webRtcPorts: { min: 1, max: 2 }, rtcPorts: { min: 1, max: 2 } })).toThrow(/at least 24/);
  });
});
