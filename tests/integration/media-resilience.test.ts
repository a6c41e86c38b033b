/**
 * media/ when things go wrong: a worker process killed mid-conference, a peer
 * that vanishes without leaving, fixed WebRtcServer ports re-bound after a crash.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RoomRegistry } from '../../media/room-registry.ts';
import { MediaError } from '../../media/errors.ts';
import { MediaService } from '../../media/index.ts';
import type { ConferenceRoomEvents } from '../../media/types.ts';
import { WorkerPool, type WorkerPoolEvents } from '../../media/worker-pool.ts';
import { FakeReceiver, FakeSender, consumerBytes, mediaTestConfig, permissions, waitFor } from '../helpers/media-rtp.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function nextEvent<K extends keyof WorkerPoolEvents>(pool: WorkerPool, event: K, timeoutMs = 10_000): Promise<WorkerPoolEvents[K][0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    (pool.once as (e: K, l: (...args: WorkerPoolEvents[K]) => void) => void)(event, (...args) => {
      clearTimeout(timer);
      resolve(args[0]);
    });
  });
}

describe('a worker process dies', () => {
  it('is replaced; its peers are told to rejoin, do so on a live worker, and media flows again', async () => {
    const config = mediaTestConfig();
    const pool = await WorkerPool.create(config);
    const rooms = new RoomRegistry(pool, config);
    cleanups.push(() => rooms.close(), () => pool.close());
    const room = await rooms.getOrCreate('province-conference');
    const rejoins: ConferenceRoomEvents['peerNeedsRejoin'][0][] = [];
    const consumerClosed: ConferenceRoomEvents['consumerClosed'][0][] = [];
    const producerClosed: ConferenceRoomEvents['producerClosed'][0][] = [];
    room.on('peerNeedsRejoin', (e) => rejoins.push(e));
    room.on('consumerClosed', (e) => consumerClosed.push(e));
    room.on('producerClosed', (e) => producerClosed.push(e));

    const district = await room.join({ peerId: 'district', displayName: 'Huyện', permissions: permissions() });
    const commune = await room.join({ peerId: 'commune', displayName: 'Xã', permissions: permissions() });
    expect(district.workerIndex).not.toBe(commune.workerIndex);
    let sender = await FakeSender.create(district);
    const receiver = await FakeReceiver.create(commune, room);
    cleanups.push(() => sender.close(), () => receiver.close());
    const mic = await sender.produceAudio();
    sender.start();
    const first = await receiver.consume(mic.id);
    await waitFor(() => consumerBytes(commune, first), (n) => n > 0, 5000, 'media before the crash');

    // Kill the worker the producing endpoint is on.
    const deadIndex = district.workerIndex!;
    const deadPid = pool.slot(deadIndex)!.pid;
    const died = nextEvent(pool, 'workerDied');
    const replaced = nextEvent(pool, 'workerReplaced');
    process.kill(deadPid, 'SIGKILL');
    expect(await died).toMatchObject({ index: deadIndex, pid: deadPid });

    await waitFor(() => rejoins, (r) => r.length > 0, 5000, 'peerNeedsRejoin');
    expect(rejoins).toEqual([{ peerId: 'district', reason: 'worker-died' }]);
    expect(district.needsRejoin).toBe(true);
    expect(commune.needsRejoin).toBe(false);
    expect(producerClosed).toContainEqual({ producerId: mic.id, peerId: 'district', kind: 'audio', source: 'mic' });
    await waitFor(() => consumerClosed, (c) => c.length > 0, 5000, 'consumerClosed');
    expect(consumerClosed).toEqual([{ peerId: 'commune', consumerId: first, producerId: mic.id }]);
    expect(commune.consumers()).toEqual([]);
    await expect(district.createPlainTransport({ direction: 'send' })).rejects.toMatchObject({ code: 'closed' });

    // The peer rejoins at once, on a live worker (before or after the replacement is up).
    const rejoined = await room.rejoin('district');
    expect(rejoined).toBe(district);
    expect(district.needsRejoin).toBe(false);
    expect(pool.slot(district.workerIndex!)?.alive).toBe(true);
    expect(await room.rejoin('district')).toBe(district); // no-op when not needed
    sender.close();
    sender = await FakeSender.create(district);
    const mic2 = await sender.produceAudio();
    sender.start();
    const second = await receiver.consume(mic2.id);
    await waitFor(() => consumerBytes(commune, second), (n) => n > 0, 5000, 'media after the rejoin');
    await waitFor(() => receiver.audioPackets(), (n) => n > 5, 5000, 'packets after the rejoin');

    const replacement = await replaced;
    expect(replacement).toMatchObject({ index: deadIndex, oldPid: deadPid });
    expect(replacement.pid).not.toBe(deadPid);
    expect(pool.slots()).toHaveLength(2);

    // Now the receiving endpoint's worker dies (the producer may be on it too, after its rejoin).
    rejoins.length = 0;
    const secondDeath = commune.workerIndex!;
    const bothThere = district.workerIndex === secondDeath;
    process.kill(pool.slot(secondDeath)!.pid, 'SIGKILL');
    await waitFor(() => rejoins.length, (n) => n === (bothThere ? 2 : 1), 5000, 'second peerNeedsRejoin');
    expect(commune.needsRejoin).toBe(true);
    expect(district.needsRejoin).toBe(bothThere);
    await room.rejoin('commune');
    if (bothThere) {
      await room.rejoin('district');
      sender.close();
      sender = await FakeSender.create(district);
      await sender.produceAudio();
      sender.start();
    }
    const receiver2 = await FakeReceiver.create(commune, room);
    cleanups.push(() => receiver2.close());
    const third = await receiver2.consume(sender.mic!.id);
    await waitFor(() => consumerBytes(commune, third), (n) => n > 0, 5000, 'media after the second crash');
    expect(room.peers().map((p) => p.needsRejoin)).toEqual([false, false]);
  });

  it('re-binds the same fixed WebRtcServer port when it replaces a worker', async () => {
    const base = 46000 + Math.floor(Math.random() * 1000) * 2;
    const config = mediaTestConfig({ webRtcServer: { ports: base } });
    const pool = await WorkerPool.create(config);
    cleanups.push(() => pool.close());
    const ports = async (index: number) => {
      const dump = await pool.slot(index)!.webRtcServer.dump();
      return { udp: dump.udpSockets.map((s) => s.port), tcp: dump.tcpServers.map((s) => s.port) };
    };
    expect(await ports(0)).toEqual({ udp: [base], tcp: [base] });
    expect(await ports(1)).toEqual({ udp: [base + 1], tcp: [base + 1] });
    const replaced = nextEvent(pool, 'workerReplaced');
    process.kill(pool.slot(1)!.pid, 'SIGKILL');
    await replaced;
    expect(await ports(1)).toEqual({ udp: [base + 1], tcp: [base + 1] });
    pool.close();
    pool.close();
    expect(pool.closed).toBe(true);
    expect(() => pool.pick()).toThrow(MediaError);
  });
});

describe('a peer that vanishes', () => {
  it('is removed after peerTimeoutMs without a connected transport; a connected one stays', async () => {
    const media = await MediaService.start(mediaTestConfig({ peerTimeoutMs: 400 }));
    cleanups.push(() => media.close());
    const room = await media.rooms.getOrCreate('timeouts');
    const left: ConferenceRoomEvents['peerLeft'][0][] = [];
    room.on('peerLeft', (e) => left.push(e));

    const ghost = await room.join({ peerId: 'ghost', displayName: 'Ghost', permissions: permissions() });
    await ghost.createWebRtcTransport({ direction: 'recv' }); // never connects
    const present = await room.join({ peerId: 'present', displayName: 'Present', permissions: permissions() });
    const sender = await FakeSender.create(present);
    cleanups.push(() => sender.close());
    await sender.produceAudio();
    sender.start(); // comedia: connected once its first packet arrives

    await waitFor(() => left, (l) => l.length > 0, 3000, 'timeout');
    expect(left).toEqual([{ peerId: 'ghost', reason: 'timeout' }]);
    expect(ghost.closed).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(present.connected).toBe(true);
    expect(room.getPeer('present')).toBe(present);
    expect(left).toHaveLength(1);

    // losing its last transport starts the clock again
    const changes: ConferenceRoomEvents['peerConnectionChanged'][0][] = [];
    room.on('peerConnectionChanged', (e) => changes.push(e));
    present.closeTransport(sender.transportId);
    expect(changes).toEqual([{ peerId: 'present', connected: false }]);
    await waitFor(() => left, (l) => l.length > 1, 3000, 'second timeout');
    expect(left[1]).toEqual({ peerId: 'present', reason: 'timeout' });
    expect(room.peers()).toEqual([]);
    media.close();
    media.close();
    expect(room.closed).toBe(true);
  });
});
