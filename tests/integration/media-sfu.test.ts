/**
 * media/ against real mediasoup workers, no browser: fake endpoints produce
 * generated RTP into PlainTransports and consume into local UDP sockets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaConfigError, resolveMediaConfig } from '../../media/config.ts';
import type { ConferenceRoom } from '../../media/conference-room.ts';
import { RoomRegistry } from '../../media/room-registry.ts';
import { MediaError } from '../../media/errors.ts';
import type { ConferenceRoomEvents, PeerPermissions } from '../../media/types.ts';
import { WorkerPool } from '../../media/worker-pool.ts';
import {
  FakeReceiver,
  FakeSender,
  consumerBytes,
  mediaTestConfig,
  permissions,
  sleep,
  waitFor,
} from '../helpers/media-rtp.ts';

const config = mediaTestConfig();
let pool: WorkerPool;
let rooms: RoomRegistry;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  pool = await WorkerPool.create(config);
  rooms = new RoomRegistry(pool, config);
});

afterAll(() => {
  for (const cleanup of cleanups) cleanup();
  rooms?.close();
  pool?.close();
});

let roomCounter = 0;
async function newRoom(): Promise<ConferenceRoom> {
  return rooms.getOrCreate(`sfu-${++roomCounter}`);
}

function record<K extends keyof ConferenceRoomEvents>(room: ConferenceRoom, event: K): ConferenceRoomEvents[K][0][] {
  const seen: ConferenceRoomEvents[K][0][] = [];
  (room.on as (e: K, l: (...args: ConferenceRoomEvents[K]) => void) => void)(event, (...args) => seen.push(args[0]));
  return seen;
}

async function expectMediaError(promise: Promise<unknown> | (() => unknown), code: MediaError['code']): Promise<void> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    expect(error).toBeInstanceOf(MediaError);
    expect((error as MediaError).code).toBe(code);
    return;
  }
  throw new Error(`expected MediaError ${code}`);
}

/** A sends mic + camera (simulcast if asked), B receives both; on different workers. */
async function pair(options: { layers?: 1 | 3; a?: Partial<PeerPermissions>; audio?: boolean } = {}) {
  const room = await newRoom();
  const a = await room.join({ peerId: 'a', displayName: 'Tỉnh', permissions: permissions(options.a) });
  const b = await room.join({ peerId: 'b', displayName: 'Xã', permissions: permissions() });
  const sender = await FakeSender.create(a);
  const receiver = await FakeReceiver.create(b, room);
  cleanups.push(() => sender.close(), () => receiver.close());
  const mic = options.audio === false ? undefined : await sender.produceAudio();
  const camera = await sender.produceVideo(options.layers ?? 1);
  sender.start();
  const micConsumer = mic ? await receiver.consume(mic.id) : '';
  const cameraConsumer = await receiver.consume(camera.id);
  return { room, a, b, sender, receiver, mic: mic!, camera, micConsumer, cameraConsumer };
}

describe('resolveMediaConfig', () => {
  it('fills defaults and refuses impossible settings', () => {
    const config = resolveMediaConfig({ numWorkers: 3, webRtcServer: { listenIp: '0.0.0.0' } });
    expect(config.webRtcServer.ports).toBe(40000);
    expect(config.webRtcServer.announcedAddress).toBeTruthy();
    expect(config.mediaCodecs.map((c) => c.mimeType)).toEqual(['audio/opus', 'video/VP8', 'video/H264']);
    expect(resolveMediaConfig({ videoCodecs: ['VP9'] }).mediaCodecs.map((c) => c.mimeType)).toEqual(['audio/opus', 'video/VP9']);
    expect(config.peerTimeoutMs).toBe(30_000);
    expect(() => resolveMediaConfig({ numWorkers: 0 })).toThrow(MediaConfigError);
    expect(() => resolveMediaConfig({ webRtcServer: { ports: 41000 } })).toThrow(/overlaps/);
    expect(() => resolveMediaConfig({ numWorkers: 4, webRtcServer: { ports: { min: 20000, max: 20005 } } })).toThrow(/too small/);
  });
});

describe('RoomRegistry and ConferenceRoom lifecycle', () => {
  it('creates one room for concurrent getOrCreate calls and closes it idempotently', async () => {
    const created = await Promise.all(Array.from({ length: 5 }, () => rooms.getOrCreate('race')));
    expect(new Set(created).size).toBe(1);
    const room = created[0]!;
    expect(rooms.get('race')).toBe(room);
    expect(room.rtpCapabilities.codecs?.map((c) => c.mimeType)).toEqual(
      expect.arrayContaining(['audio/opus', 'video/VP8', 'video/H264']),
    );

    const peer = await room.join({ peerId: 'p', displayName: 'P', permissions: permissions() });
    const left = record(room, 'peerLeft');
    let closedEvents = 0;
    room.on('closed', () => closedEvents++);
    room.close();
    room.close();
    expect(closedEvents).toBe(1);
    expect(left).toEqual([{ peerId: 'p', reason: 'room-closed' }]);
    expect(peer.closed).toBe(true);
    peer.close();
    expect(rooms.get('race')).toBeUndefined();
    await expectMediaError(room.join({ peerId: 'q', displayName: 'Q', permissions: permissions() }), 'closed');

    const again = await rooms.getOrCreate('race');
    expect(again).not.toBe(room);
    again.close();
  });

  it('replaces a peer that joins again with the same id', async () => {
    const room = await newRoom();
    const left = record(room, 'peerLeft');
    const first = await room.join({ peerId: 'x', displayName: 'X', permissions: permissions() });
    const second = await room.join({ peerId: 'x', displayName: 'X', permissions: permissions() });
    expect(first.closed).toBe(true);
    expect(room.getPeer('x')).toBe(second);
    expect(left).toEqual([{ peerId: 'x', reason: 'replaced' }]);
    second.close();
    second.close();
    expect(left).toEqual([
      { peerId: 'x', reason: 'replaced' },
      { peerId: 'x', reason: 'left' },
    ]);
    room.close();
  });

  it('gives WebRTC transports ICE candidates from the worker WebRtcServer (UDP and TCP)', async () => {
    const room = await newRoom();
    const peer = await room.join({ peerId: 'w', displayName: 'W', permissions: permissions() });
    const info = await peer.createWebRtcTransport({ direction: 'send' });
    expect(info.iceCandidates.map((c) => c.protocol).sort()).toEqual(['tcp', 'udp']);
    expect(info.iceCandidates.every((c) => c.address === '127.0.0.1')).toBe(true);
    expect(info.dtlsParameters.fingerprints.length).toBeGreaterThan(0);
    const restarted = await peer.restartIce(info.id);
    expect(restarted.usernameFragment).not.toBe(info.iceParameters.usernameFragment);
    await expectMediaError(peer.connectTransport(info.id, { fingerprints: 'nope' } as never), 'invalid');
    // a second send transport replaces the first
    const second = await peer.createWebRtcTransport({ direction: 'send' });
    await expectMediaError(peer.restartIce(info.id), 'not-found');
    expect(second.id).not.toBe(info.id);
    room.close();
  });
});

describe('media flow', () => {
  it('pipes producers to a consumer on another worker', async () => {
    const { a, b, receiver, micConsumer, cameraConsumer, room } = await pair();
    expect(a.workerIndex).not.toBe(b.workerIndex);
    expect(room.workerIndexes().sort()).toEqual([0, 1]);
    await waitFor(() => consumerBytes(b, micConsumer), (n) => n > 0, 5000, 'audio bytes');
    await waitFor(() => consumerBytes(b, cameraConsumer), (n) => n > 0, 5000, 'video bytes');
    await waitFor(() => receiver.audioPackets(), (n) => n > 5, 5000, 'audio packets at the receiver');
    await waitFor(() => receiver.videoPackets(), (n) => n > 5, 5000, 'video packets at the receiver');
    room.close();
  });

  it('server mute stops the audio reaching others, and the owner cannot lift it', async () => {
    const { room, a, b, sender, receiver, mic } = await pair();
    await waitFor(() => receiver.audioPackets(), (n) => n > 5, 5000, 'audio before mute');
    const paused = record(room, 'producerPaused');
    const resumed = record(room, 'producerResumed');
    const mutes = record(room, 'peerMuteChanged');

    await room.muteProducer(mic.id);
    expect(paused).toEqual([{ producerId: mic.id, peerId: 'a', kind: 'audio', source: 'mic', byServer: true }]);
    expect(mutes).toEqual([{ peerId: 'a', serverMuted: ['mic'] }]);
    expect(a.producers().find((p) => p.id === mic.id)).toMatchObject({ paused: true, serverMuted: true });
    await expectMediaError(a.resumeProducer(mic.id), 'forbidden');
    // the pause travels through the pipe to the consumer's worker
    await waitFor(() => b.consumers().find((c) => c.producerId === mic.id)?.producerPaused, (p) => p === true, 3000, 'producerPaused');

    await sleep(150);
    receiver.sink.reset();
    await sleep(300);
    expect(receiver.audioPackets()).toBe(0);
    expect(receiver.videoPackets()).toBeGreaterThan(0);

    // Closing and re-creating the mic does not escape the mute.
    a.closeProducer(mic.id);
    const again = await sender.produceAudio();
    expect(again).toMatchObject({ paused: true, serverMuted: true });

    await room.unmutePeer('a');
    expect(resumed).toEqual([{ producerId: again.id, peerId: 'a', kind: 'audio', source: 'mic', byServer: true }]);
    await receiver.consume(again.id);
    await waitFor(() => receiver.audioPackets(), (n) => n > 5, 5000, 'audio after unmute');
    room.close();
  });

  it('muteAll spares the chair; giveFloor unmutes and puts the peer on stage', async () => {
    const room = await newRoom();
    const chair = await room.join({ peerId: 'chair', displayName: 'Chủ tọa', permissions: permissions({ isChair: true }) });
    const district = await room.join({ peerId: 'district', displayName: 'Huyện', permissions: permissions() });
    const chairSender = await FakeSender.create(chair);
    const districtSender = await FakeSender.create(district);
    cleanups.push(() => chairSender.close(), () => districtSender.close());
    const chairMic = await chairSender.produceAudio();
    const districtMic = await districtSender.produceAudio(); // its own button: on
    await district.pauseProducer(districtMic.id); // then the district turns it off itself
    const stages = record(room, 'stageChanged');

    expect(() => room.assertChair('district')).toThrow(MediaError);
    room.assertChair('chair');
    await room.muteAll('chair');
    expect(chair.serverMuted).toEqual([]);
    expect(district.serverMuted).toEqual(['mic']);
    expect(chair.producers()[0]).toMatchObject({ id: chairMic.id, paused: false });

    await room.giveFloor('district');
    expect(district.serverMuted).toEqual([]);
    expect(district.producers()[0]).toMatchObject({ id: districtMic.id, paused: false, serverMuted: false });
    expect(room.stage).toEqual({ peerId: 'district', reason: 'spotlight' });
    expect(stages.at(-1)).toEqual({ peerId: 'district', reason: 'spotlight' });
    room.close();
  });

  it('audio-only pauses every video consumer of that viewer and resumes them on leaving it', async () => {
    const { room, b, receiver, cameraConsumer, micConsumer } = await pair();
    await waitFor(() => receiver.videoPackets(), (n) => n > 5, 5000, 'video before audio-only');

    await b.setViewMode('audio-only');
    expect(b.consumerState(cameraConsumer)).toMatchObject({ paused: true, viewPaused: true, clientPaused: false });
    expect(b.consumerState(micConsumer)).toMatchObject({ paused: false });
    await sleep(150);
    receiver.sink.reset();
    await sleep(300);
    expect(receiver.videoPackets()).toBe(0);
    expect(receiver.audioPackets()).toBeGreaterThan(0);

    // The client resuming the consumer does not override audio-only.
    await b.resumeConsumer(cameraConsumer);
    expect(b.consumerState(cameraConsumer).paused).toBe(true);

    await b.setViewMode('grid');
    expect(b.consumerState(cameraConsumer)).toMatchObject({ paused: false, viewPaused: false });
    await waitFor(() => receiver.videoPackets(), (n) => n > 5, 5000, 'video after audio-only');
    room.close();
  });

  it('picks simulcast layers from the view (stage high, grid low) and raises stage and chair priority', async () => {
    // no audio: the active speaker would take the stage as soon as the spotlight goes
    const { room, b, cameraConsumer } = await pair({ layers: 3, a: { isChair: true, priority: 30 }, audio: false });
    const state = () => b.consumerState(cameraConsumer);
    expect(b.consumers().find((c) => c.id === cameraConsumer)?.kind).toBe('video');
    // nobody on stage yet: a thumbnail, but the chair's priority
    await waitFor(state, (s) => s.preferredLayers?.spatialLayer === 0 && s.priority === 130, 3000, 'initial layout');

    room.setSpotlight('a');
    await waitFor(state, (s) => s.preferredLayers?.spatialLayer === 2 && s.priority === 255, 3000, 'stage layout');
    await waitFor(state, (s) => s.currentLayers?.spatialLayer === 2, 5000, 'current layer follows');

    await b.setViewMode('grid');
    expect(state().preferredLayers?.spatialLayer).toBe(0);

    // the viewer's own choice sticks until its next view mode change
    await b.setConsumerPreferredLayers(cameraConsumer, 1);
    await b.setConsumerPriority(cameraConsumer, 7);
    expect(state()).toMatchObject({ preferredLayers: { spatialLayer: 1 }, priority: 7 });
    room.setSpotlight(null);
    await sleep(50);
    expect(state()).toMatchObject({ preferredLayers: { spatialLayer: 1 }, priority: 7 });
    await b.setViewMode('stage');
    expect(state()).toMatchObject({ preferredLayers: { spatialLayer: 0 }, priority: 130 });
    await expectMediaError(b.setConsumerPriority(cameraConsumer, 0), 'invalid');
    await expectMediaError(b.setConsumerPreferredLayers(cameraConsumer, -1), 'invalid');
    room.close();
  });

  it('puts the loudest endpoint on stage as active speaker; a spotlight overrides it', async () => {
    const room = await newRoom();
    const loud = await room.join({ peerId: 'loud', displayName: 'Loud', permissions: permissions() });
    const quiet = await room.join({ peerId: 'quiet', displayName: 'Quiet', permissions: permissions() });
    const loudSender = await FakeSender.create(loud);
    const quietSender = await FakeSender.create(quiet);
    cleanups.push(() => loudSender.close(), () => quietSender.close());
    let n = 0;
    await loudSender.produceAudio(() => (n++ % 10 < 7 ? 10 + (n % 5) : 90)); // speech-like: loud with pauses
    await quietSender.produceAudio(() => 127);
    const speakers = record(room, 'activeSpeaker');
    loudSender.start();
    quietSender.start();

    // The observer judges speech over windows of a second or more; on a machine starved by a whole test run the
    // packets come late and in bursts, and its first pick can take a while to settle (a CI run waited past 10 s).
    await waitFor(() => room.stage, (s) => s.peerId === 'loud', 25_000, 'active speaker on stage');
    expect(room.stage).toEqual({ peerId: 'loud', reason: 'active-speaker' });
    expect(speakers).toContainEqual({ peerId: 'loud' });
    room.setSpotlight('quiet');
    expect(room.stage).toEqual({ peerId: 'quiet', reason: 'spotlight' });
    room.setSpotlight(null);
    expect(room.stage).toEqual({ peerId: 'loud', reason: 'active-speaker' });
    loud.close();
    expect(room.stage).toEqual({ peerId: null, reason: null });
    room.close();
  });
});

describe('bad input', () => {
  it('enforces permissions, ownership and one producer per source', async () => {
    const room = await newRoom();
    const delegate = await room.join({
      peerId: 'd',
      displayName: 'D',
      permissions: permissions({ canProduceVideo: false }),
    });
    const other = await room.join({ peerId: 'o', displayName: 'O', permissions: permissions() });
    const mine = await FakeSender.create(delegate);
    const theirs = await FakeSender.create(other);
    const receiver = await FakeReceiver.create(other, room);
    cleanups.push(() => mine.close(), () => theirs.close(), () => receiver.close());

    await expectMediaError(mine.produceVideo(), 'forbidden');
    await expectMediaError(
      delegate.produce({ transportId: mine.transportId, kind: 'audio', rtpParameters: {} as never, appData: { source: 'screen' } }),
      'invalid',
    );
    await expectMediaError(
      delegate.produce({ transportId: mine.transportId, kind: 'video', rtpParameters: {} as never, appData: { source: 'mic' } }),
      'invalid',
    );
    await expectMediaError(
      delegate.produce({ transportId: mine.transportId, kind: 'audio', rtpParameters: {} as never, appData: {} as never }),
      'invalid',
    );
    await expectMediaError(
      delegate.produce({ transportId: mine.transportId, kind: 'audio', rtpParameters: { codecs: 'x' } as never, appData: { source: 'mic' } }),
      'invalid',
    );
    // someone else's transport, and one that does not exist
    await expectMediaError(
      delegate.produce({ transportId: theirs.transportId, kind: 'audio', rtpParameters: {} as never, appData: { source: 'mic' } }),
      'not-owner',
    );
    await expectMediaError(delegate.connectPlainTransport('nope', { ip: '127.0.0.1', port: 9 }), 'not-found');

    const mic = await mine.produceAudio();
    await expectMediaError(mine.produceAudio(), 'invalid');
    await expectMediaError(other.pauseProducer(mic.id), 'not-owner');
    await expectMediaError(delegate.consume(mic.id, room.rtpCapabilities), 'invalid'); // no recv transport, and own
    await expectMediaError(receiver.consume('no-such-producer'), 'not-found');
    await expectMediaError(other.consume(mic.id, { codecs: [] }), 'invalid');
    const consumerId = await receiver.consume(mic.id);
    await expectMediaError(delegate.resumeConsumer(consumerId), 'not-owner');
    // consuming twice returns the same consumer
    expect((await other.consume(mic.id)).id).toBe(consumerId);

    // revoking a permission closes what it allowed
    const closed = record(room, 'producerClosed');
    const consumerClosed = record(room, 'consumerClosed');
    room.updatePermissions('d', permissions({ canProduceAudio: false, canProduceVideo: false }));
    expect(closed).toEqual([{ producerId: mic.id, peerId: 'd', kind: 'audio', source: 'mic' }]);
    // the close travels through the pipe to the consumer's worker
    await waitFor(() => consumerClosed.length, (n) => n > 0, 3000, 'consumerClosed');
    expect(consumerClosed).toEqual([{ peerId: 'o', consumerId, producerId: mic.id }]);
    expect(other.consumers()).toEqual([]);
    await expectMediaError(mine.produceAudio(), 'forbidden');

    await expectMediaError(room.muteProducer('nope'), 'not-found');
    await expectMediaError(room.giveFloor('nope'), 'not-found');
    expect(() => room.setSpotlight('nope')).toThrow(MediaError);
    await expectMediaError(room.mutePeer('o', ['voice' as never]), 'invalid');
    await expectMediaError(other.setViewMode('cinema' as never), 'invalid');
    await expectMediaError(room.join({ peerId: 'z', displayName: 'Z', permissions: { isChair: true } as never }), 'invalid');

    delegate.close();
    await expectMediaError(delegate.createPlainTransport({ direction: 'send' }), 'closed');
    await expectMediaError(() => delegate.closeProducer(mic.id), 'closed');
    room.close();
  });

  it('refuses plain transports unless the config allows them', async () => {
    const strictConfig = mediaTestConfig({ allowPlainTransports: false });
    const strict = new RoomRegistry(pool, strictConfig);
    const room = await strict.getOrCreate('strict');
    const peer = await room.join({ peerId: 's', displayName: 'S', permissions: permissions() });
    await expectMediaError(peer.createPlainTransport({ direction: 'send' }), 'forbidden');
    strict.close();
    strict.close();
    expect(room.closed).toBe(true);
    await expectMediaError(strict.getOrCreate('strict'), 'closed');
  });
});
