/**
 * The conference's signaling over real Socket.io clients against the real
 * server, database and mediasoup workers (no browser): who may join and as
 * what, the lobby and the chair's decisions, and every kind of bad request —
 * malformed payloads, ids the caller does not own, chair controls from a
 * delegate — answered with an error ack and no effect.
 */
import { RollCall } from '../../server/modules/conference/roll-call.ts';
import { Presence } from '../../server/modules/conference/presence.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ConferenceJoined,
  ConferencePeer,
  ConferenceTransport,
  LobbyEntry,
  ProducerInfo,
} from '../../server/contract/conference-realtime.ts';
import type { ConferencePointsEnvelope, EndpointDto } from '../../server/contract/conference.ts';
import type { MeetingDto } from '../../server/contract/meetings.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { opusParameters, vp8Parameters } from '../helpers/media-rtp.ts';
import { createMeeting, loggedIn, secretariat, type Directory } from '../helpers/meetings.ts';
import { People } from '../helpers/people.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { call, connectSocket, connected, type ClientSocket } from '../helpers/socket.ts';

type Pushed = { event: string; payload: Record<string, unknown> };

const FAKE_DTLS = {
  role: 'client' as const,
  fingerprints: [{ algorithm: 'sha-256' as const, value: '82:5A:68:3D:36:C3:0A:DE:AF:E7:32:43:D2:88:83:57:AC:2D:65:E5:80:C4:B6:FB:AF:1A:A0:21:9F:6D:0C:AD' }],
};

/** Every conference push a socket receives, in arrival order. */
function recordPushes(socket: ClientSocket): { pushes: Pushed[] } {
  const pushes: Pushed[] = [];
  socket.onAny((event: string, payload: Record<string, unknown>) => {
    if (event.startsWith('conference:')) pushes.push({ event, payload });
  });
  return { pushes };
}

describe('conference signaling', () => {
  let db: TestDatabase;
  let server: TestServer;
  let meeting: MeetingDto;
  let directory: Directory;
  let halls: EndpointDto[];
  let routerCaps: ConferenceJoined['routerRtpCapabilities'];
  let people: People<{ pushes: Pushed[] }>;
  const id = (username: string) => directory.user(username).id;

  const connect = (name: string) => people.connect(name);
  const pushed = (name: string, event: string, match: (payload: Record<string, unknown>) => boolean = () => true) =>
    people.get(name).pushes.some((p) => p.event === event && match(p.payload));
  const waitPush = (name: string, event: string, match?: (payload: Record<string, unknown>) => boolean, timeout = 5_000) =>
    expect.poll(() => pushed(name, event, match), { timeout }).toBe(true);
  const join = async (name: string): Promise<ConferenceJoined> => {
    const result = await people.act(name, 'conference:join', { meetingId: meeting.id });
    if (result.state !== 'joined') throw new Error(`${name} waits in the lobby`);
    return result;
  };
  const room = () => server.app.modules.conference.service.room(meeting.id)!;

  /** A peer with a send transport producing a mic (and camera when allowed). */
  async function produceAs(name: string, withCamera = true): Promise<{ transport: ConferenceTransport; mic: ProducerInfo; camera?: ProducerInfo }> {
    const transport = await people.act(name, 'conference:createTransport', { meetingId: meeting.id, direction: 'send' });
    await people.act(name, 'conference:connectTransport', { meetingId: meeting.id, transportId: transport.id, dtlsParameters: FAKE_DTLS });
    const mic = await people.act(name, 'conference:produce', { meetingId: meeting.id, transportId: transport.id, kind: 'audio', source: 'mic', rtpParameters: opusParameters(1000 + Math.floor(Math.random() * 1e6)) });
    if (!withCamera) return { transport, mic };
    const ssrc = 2_000_000 + Math.floor(Math.random() * 1e6);
    const camera = await people.act(name, 'conference:produce', { meetingId: meeting.id, transportId: transport.id, kind: 'video', source: 'camera', rtpParameters: vp8Parameters([ssrc, ssrc + 1, ssrc + 2]) });
    return { transport, mic, camera };
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db, { MEDIA_WORKERS: '1', MEDIA_LISTEN_IP: '127.0.0.1', MEDIA_WEBRTC_PORT: '20000-29999', MEDIA_PEER_TIMEOUT_MS: '600000' });
    people = new People(server.url, recordPushes);
    const staff = await secretariat(server.url);
    directory = staff.directory;
    meeting = await createMeeting(staff.secretary, directory, {
      title: 'Hội nghị trực tuyến toàn tỉnh',
      startsAt: '2026-12-12T01:30:00.000Z',
      membershipTotal: 3,
      members: [['bithu', 'chair'], ['caophong.bithu', 'delegate'], ['phobithu', 'delegate'], ['khach', 'guest']],
    });
    const all = (await staff.secretary.get<{ endpoints: EndpointDto[] }>('/api/v1/endpoints')).body.endpoints;
    halls = ['diemcau.tinh', 'diemcau.caophong', 'diemcau.paco'].map((username) => all.find((e) => e.accountUserIds.includes(id(username)))!);
    for (const hall of halls) expect((await staff.secretary.post(`/api/v1/meetings/${meeting.id}/endpoints`, { endpointId: hall.id })).status).toBe(201);
    for (const name of ['bithu', 'caophong.bithu', 'phobithu', 'khach', 'diemcau.caophong', 'diemcau.paco', 'paco.chutich']) await connect(name);
  });
  afterAll(async () => {
    people?.disconnectAll();
    await server?.close();
    await db?.drop();
  });

  it('nobody joins before publication; outsiders never; the media service starts on the first join', async () => {
    expect(await people.refused('bithu', 'conference:join', { meetingId: meeting.id })).toBe('meetingNotFound');
    expect(server.app.modules.conference.media.current).toBeUndefined();
    const secretary = await loggedIn(server.url, 'thuky');
    expect((await secretary.post(`/api/v1/meetings/${meeting.id}/status`, { to: 'published' })).status).toBe(200);
    expect(await people.refused('paco.chutich', 'conference:join', { meetingId: meeting.id })).toBe('meetingNotFound');
    const describe = await people.get('diemcau.paco').client.get<{ me: ConferencePeer }>(`/api/v1/meetings/${meeting.id}/conference`);
    expect(describe.body.me).toMatchObject({ role: 'endpoint', level: 'commune', displayName: 'Điểm cầu xã Pà Cò' });
    expect((await people.get('paco.chutich').client.get(`/api/v1/meetings/${meeting.id}/conference`)).status).toBe(404);
    const mine = await people.get('diemcau.paco').client.get<{ conferences: { meetingId: string; endpointName: string }[] }>('/api/v1/conferences/mine');
    expect(mine.body.conferences).toContainEqual(expect.objectContaining({ meetingId: meeting.id, endpointName: 'Điểm cầu xã Pà Cò' }));
    expect((await people.get('paco.chutich').client.get<{ conferences: unknown[] }>('/api/v1/conferences/mine')).body.conferences).toEqual([]);
  });

  it('joins with the role, name and level the meeting gives, and permissions to match', async () => {
    const chair = await join('bithu');
    routerCaps = chair.routerRtpCapabilities;
    expect(server.app.modules.conference.media.current).toBeDefined();
    expect(chair.me).toMatchObject({ id: id('bithu'), role: 'chair', displayName: 'Hoàng Văn Minh', level: 'province', permissions: { isChair: true, canShareScreen: true } });
    expect(chair.routerRtpCapabilities.codecs?.some((c) => c.mimeType === 'audio/opus')).toBe(true);
    expect(chair.lobby).toEqual([]);
    const delegate = await join('caophong.bithu');
    expect(delegate.me).toMatchObject({ role: 'delegate', level: 'district', permissions: { isChair: false, canProduceVideo: true, canShareScreen: false } });
    expect(delegate.peers.map((p) => p.id)).toEqual([id('bithu')]);
    expect(delegate.lobby).toBeNull();
    await waitPush('bithu', 'conference:peerJoined', (p) => (p.peer as ConferencePeer).id === id('caophong.bithu'));
    const guest = await join('khach');
    expect(guest.me).toMatchObject({ role: 'guest', permissions: { canProduceAudio: false, canProduceVideo: false } });
    const hall = await join('diemcau.caophong');
    expect(hall.me).toMatchObject({ role: 'endpoint', level: 'district', displayName: halls[1]!.name, endpointId: halls[1]!.id, permissions: { canShareScreen: true, priority: 20 } });
  });

  it('refuses malformed payloads with a validation ack and keeps serving', async () => {
    const bad: [string, unknown][] = [
      ['conference:join', { meetingId: 'khong-phai-uuid' }],
      ['conference:join', { meetingId: meeting.id, extra: 1 }],
      ['conference:join', null],
      ['conference:join', 42],
      ['conference:createTransport', { meetingId: meeting.id, direction: 'sideways' }],
      ['conference:createTransport', { meetingId: meeting.id }],
      ['conference:connectTransport', { meetingId: meeting.id, transportId: crypto.randomUUID(), dtlsParameters: { fingerprints: [] } }],
      ['conference:produce', { meetingId: meeting.id, transportId: crypto.randomUUID(), kind: 'audio', source: 'mic', rtpParameters: { codecs: [] } }],
      ['conference:produce', { meetingId: meeting.id, transportId: crypto.randomUUID(), kind: 'video', source: 'camera', rtpParameters: { codecs: [{ mimeType: 'video/VP8', clockRate: 90000 }], encodings: [{}, {}, {}, {}] } }],
      ['conference:produce', { meetingId: meeting.id, transportId: crypto.randomUUID(), kind: 'audio', source: 'microphone', rtpParameters: opusParameters(5) }],
      ['conference:consume', { meetingId: meeting.id, producerId: 12 }],
      ['conference:setPreferredLayers', { meetingId: meeting.id, consumerId: crypto.randomUUID(), spatialLayer: 7 }],
      ['conference:setViewMode', { meetingId: meeting.id, mode: 'cinema' }],
      ['conference:raiseHand', { meetingId: meeting.id, raised: 'yes' }],
      ['conference:mute', { meetingId: meeting.id, peerId: 'everyone' }],
      ['conference:mute', { meetingId: meeting.id, peerId: 'all', sources: ['mic', 'mic'] }],
      ['conference:spotlight', { meetingId: meeting.id }],
      ['conference:setAdmission', { meetingId: meeting.id, required: 1 }],
    ];
    // @ts-expect-error: payloads the contract forbids, sent anyway to prove the server refuses them
    for (const [event, payload] of bad) expect(await people.refused('caophong.bithu', event, payload), event).toBe('validation');
    // emits without an ack function cannot crash anything either
    // @ts-expect-error: no ack function and a malformed payload, on purpose
    people.get('caophong.bithu').socket.emit('conference:produce', { nonsense: true });
    // still joined, still served
    expect(room().getPeer(id('caophong.bithu'))?.closed).toBe(false);
    await people.act('caophong.bithu', 'conference:setViewMode', { meetingId: meeting.id, mode: 'grid' });
  });

  it('a socket acts only for the peer it joined as, and only on what that peer owns', async () => {
    const chairMedia = await produceAs('bithu');
    const delegateMedia = await produceAs('caophong.bithu');
    await waitPush('caophong.bithu', 'conference:newProducer', (p) => (p.producer as ProducerInfo).id === chairMedia.camera!.id);

    // another peer's transport, producer: 'forbidden', nothing changes
    expect(await people.refused('caophong.bithu', 'conference:closeProducer', { meetingId: meeting.id, producerId: chairMedia.mic.id })).toBe('forbidden');
    expect(await people.refused('caophong.bithu', 'conference:pauseProducer', { meetingId: meeting.id, producerId: chairMedia.camera!.id })).toBe('forbidden');
    expect(await people.refused('caophong.bithu', 'conference:connectTransport', { meetingId: meeting.id, transportId: chairMedia.transport.id, dtlsParameters: FAKE_DTLS })).toBe('forbidden');
    expect(await people.refused('caophong.bithu', 'conference:restartIce', { meetingId: meeting.id, transportId: chairMedia.transport.id })).toBe('forbidden');
    expect(await people.refused('caophong.bithu', 'conference:produce', { meetingId: meeting.id, transportId: chairMedia.transport.id, kind: 'video', source: 'camera', rtpParameters: vp8Parameters([77]) })).toBe('forbidden');
    expect(room().producers().find((p) => p.id === chairMedia.mic.id)).toMatchObject({ paused: false });
    expect(room().producers().filter((p) => p.peerId === id('bithu'))).toHaveLength(2);

    // consumers: the delegate consumes the chair's camera; the chair cannot touch that consumer
    const caps = routerCaps;
    await people.act('caophong.bithu', 'conference:setRtpCapabilities', { meetingId: meeting.id, rtpCapabilities: caps });
    await people.act('caophong.bithu', 'conference:createTransport', { meetingId: meeting.id, direction: 'recv' });
    const consumer = await people.act('caophong.bithu', 'conference:consume', { meetingId: meeting.id, producerId: chairMedia.camera!.id });
    expect(consumer).toMatchObject({ producerPeerId: id('bithu'), kind: 'video', source: 'camera', paused: true, type: 'simulcast' });
    await people.act('caophong.bithu', 'conference:resumeConsumer', { meetingId: meeting.id, consumerId: consumer.id });
    await people.act('caophong.bithu', 'conference:setPreferredLayers', { meetingId: meeting.id, consumerId: consumer.id, spatialLayer: 1 });
    expect(await people.refused('bithu', 'conference:pauseConsumer', { meetingId: meeting.id, consumerId: consumer.id })).toBe('forbidden');
    expect(await people.refused('bithu', 'conference:setPreferredLayers', { meetingId: meeting.id, consumerId: consumer.id, spatialLayer: 0 })).toBe('forbidden');
    expect(room().peer(id('caophong.bithu')).consumerState(consumer.id)).toMatchObject({ clientPaused: false, preferredLayers: { spatialLayer: 1 } });
    // ids nobody has, own producer consumed
    expect(await people.refused('caophong.bithu', 'conference:consume', { meetingId: meeting.id, producerId: crypto.randomUUID() })).toBe('notFound');
    expect(await people.refused('caophong.bithu', 'conference:consume', { meetingId: meeting.id, producerId: delegateMedia.mic.id })).toBe('validation');

    // what the role does not allow
    expect(await people.refused('khach', 'conference:createTransport', { meetingId: meeting.id, direction: 'send' })).toBe('forbidden');
    expect(await people.refused('khach', 'conference:produce', { meetingId: meeting.id, transportId: crypto.randomUUID(), kind: 'audio', source: 'mic', rtpParameters: opusParameters(9) })).toBe('forbidden');
    expect(await people.refused('caophong.bithu', 'conference:produce', { meetingId: meeting.id, transportId: delegateMedia.transport.id, kind: 'video', source: 'screen', rtpParameters: vp8Parameters([88]) })).toBe('forbidden');
    expect(room().producers().filter((p) => p.peerId === id('caophong.bithu')).map((p) => p.source).sort()).toEqual(['camera', 'mic']);

    // a socket that never joined, or names another meeting
    expect(await people.refused('phobithu', 'conference:createTransport', { meetingId: meeting.id, direction: 'recv' })).toBe('notFound');
    expect(await people.refused('caophong.bithu', 'conference:createTransport', { meetingId: crypto.randomUUID(), direction: 'recv' })).toBe('notFound');
  });

  it('chair controls from a delegate are refused and change nothing', async () => {
    const target = id('diemcau.caophong');
    await produceAs('diemcau.caophong');
    const stageBefore = room().stage;
    const attempts: [string, (name: string) => Promise<string>][] = [
      ['conference:mute', (name) => people.refused(name, 'conference:mute', { meetingId: meeting.id, peerId: target })],
      ['conference:mute', (name) => people.refused(name, 'conference:mute', { meetingId: meeting.id, peerId: 'all' })],
      ['conference:unmute', (name) => people.refused(name, 'conference:unmute', { meetingId: meeting.id, peerId: target })],
      ['conference:giveFloor', (name) => people.refused(name, 'conference:giveFloor', { meetingId: meeting.id, peerId: target })],
      ['conference:spotlight', (name) => people.refused(name, 'conference:spotlight', { meetingId: meeting.id, peerId: target })],
      ['conference:remove', (name) => people.refused(name, 'conference:remove', { meetingId: meeting.id, peerId: target })],
      ['conference:admit', (name) => people.refused(name, 'conference:admit', { meetingId: meeting.id, peerId: target })],
      ['conference:setAdmission', (name) => people.refused(name, 'conference:setAdmission', { meetingId: meeting.id, required: true })],
    ];
    for (const [event, attempt] of attempts) {
      expect(await attempt('caophong.bithu'), event).toBe('forbidden');
      expect(await attempt('diemcau.caophong'), event).toBe('forbidden');
    }
    expect(room().getPeer(target)?.serverMuted).toEqual([]);
    expect(room().producers().filter((p) => p.peerId === target).every((p) => !p.paused)).toBe(true);
    expect(room().stage).toEqual(stageBefore);
    expect((await server.app.modules.conference.service.settings(meeting.id)).requireAdmission).toBe(false);
    const delegate = await loggedIn(server.url, 'caophong.bithu');
    expect((await delegate.patch(`/api/v1/meetings/${meeting.id}/conference`, { requireAdmission: true })).status).toBe(403);
  });

  it('the chair mutes (server side, kept across a rejoin), unmutes and gives the floor', async () => {
    const target = id('diemcau.caophong');
    const mic = room().producers().find((p) => p.peerId === target && p.source === 'mic')!;
    await people.act('bithu', 'conference:mute', { meetingId: meeting.id, peerId: target });
    await waitPush('caophong.bithu', 'conference:producerPaused', (p) => p.producerId === mic.id && p.byServer === true);
    await waitPush('diemcau.caophong', 'conference:peerUpdated', (p) => (p.peer as ConferencePeer).id === target && (p.peer as ConferencePeer).serverMuted.includes('mic'));
    expect(await people.refused('diemcau.caophong', 'conference:resumeProducer', { meetingId: meeting.id, producerId: mic.id })).toBe('forbidden');
    expect(room().producers().find((p) => p.id === mic.id)).toMatchObject({ paused: true, serverMuted: true });

    // leave and come back: still muted (the database keeps the chair's decision)
    await people.act('diemcau.caophong', 'conference:leave', { meetingId: meeting.id });
    await waitPush('bithu', 'conference:peerLeft', (p) => p.peerId === target && p.reason === 'left');
    expect((await join('diemcau.caophong')).me.serverMuted).toEqual(['mic']);

    await people.act('bithu', 'conference:unmute', { meetingId: meeting.id, peerId: target });
    expect(room().getPeer(target)?.serverMuted).toEqual([]);

    // mute all: every mic but the chairs'
    await people.act('bithu', 'conference:mute', { meetingId: meeting.id, peerId: 'all' });
    expect(room().getPeer(id('caophong.bithu'))?.serverMuted).toEqual(['mic']);
    expect(room().getPeer(target)?.serverMuted).toEqual(['mic']);
    expect(room().getPeer(id('bithu'))?.serverMuted).toEqual([]);

    // raise a hand, get the floor: unmuted, on everyone's stage, hand down
    await produceAs('diemcau.caophong', false);
    await people.act('diemcau.caophong', 'conference:raiseHand', { meetingId: meeting.id, raised: true });
    await waitPush('bithu', 'conference:hand', (p) => p.peerId === target && p.raised === true);
    expect(await people.refused('khach', 'conference:raiseHand', { meetingId: meeting.id, raised: true })).toBe('forbidden');
    await people.act('bithu', 'conference:giveFloor', { meetingId: meeting.id, peerId: target });
    for (const name of ['caophong.bithu', 'khach', 'diemcau.caophong']) {
      await waitPush(name, 'conference:stage', (p) => (p.stage as { peerId: string }).peerId === target);
    }
    await waitPush('caophong.bithu', 'conference:hand', (p) => p.peerId === target && p.raised === false);
    expect(room().getPeer(target)?.serverMuted).toEqual([]);
    expect(room().stage).toEqual({ peerId: target, reason: 'spotlight' });
    await people.act('bithu', 'conference:spotlight', { meetingId: meeting.id, peerId: null });
    expect(room().spotlightId).toBeNull();
  });

  it('endpoints wait in the lobby when the chair asks; admit lets in, remove sends out until admitted again', async () => {
    const paco = id('diemcau.paco');
    await people.act('bithu', 'conference:setAdmission', { meetingId: meeting.id, required: true });
    await waitPush('khach', 'conference:settings', (p) => p.requireAdmission === true);
    // already present endpoints stay admitted
    expect((await join('diemcau.caophong')).state).toBe('joined');

    const waiting = await people.act('diemcau.paco', 'conference:join', { meetingId: meeting.id });
    expect(waiting).toEqual({ state: 'lobby', meetingId: meeting.id, removed: false });
    await waitPush('bithu', 'conference:lobby', (p) => (p.entries as LobbyEntry[]).some((e) => e.peerId === paco && e.level === 'commune'));
    expect(pushed('caophong.bithu', 'conference:lobby')).toBe(false);
    expect(room().getPeer(paco)).toBeUndefined();
    expect(await people.refused('diemcau.paco', 'conference:createTransport', { meetingId: meeting.id, direction: 'recv' })).toBe('notFound');
    expect(await people.refused('caophong.bithu', 'conference:admit', { meetingId: meeting.id, peerId: paco })).toBe('forbidden');

    await people.act('bithu', 'conference:admit', { meetingId: meeting.id, peerId: paco });
    await waitPush('diemcau.paco', 'conference:admission', (p) => p.state === 'admitted');
    expect((await join('diemcau.paco')).me).toMatchObject({ role: 'endpoint', level: 'commune', displayName: 'Điểm cầu xã Pà Cò', serverMuted: ['mic'] });

    // removed: out at once, and back to the lobby (flagged) on its next try, even with admission off
    people.get('diemcau.paco').pushes.length = 0;
    await people.act('bithu', 'conference:remove', { meetingId: meeting.id, peerId: paco });
    await waitPush('diemcau.paco', 'conference:peerLeft', (p) => p.peerId === paco && p.reason === 'removed');
    await waitPush('khach', 'conference:peerLeft', (p) => p.peerId === paco && p.reason === 'removed');
    expect(room().getPeer(paco)).toBeUndefined();
    await people.act('bithu', 'conference:setAdmission', { meetingId: meeting.id, required: false });
    expect(await people.act('diemcau.paco', 'conference:join', { meetingId: meeting.id })).toEqual({ state: 'lobby', meetingId: meeting.id, removed: true });
    // a chair cannot be sent out
    expect(await people.refused('bithu', 'conference:remove', { meetingId: meeting.id, peerId: id('bithu') })).toBe('forbidden');
    await people.act('bithu', 'conference:admit', { meetingId: meeting.id, peerId: paco });
    await waitPush('diemcau.paco', 'conference:admission', (p) => p.state === 'admitted');
    expect((await join('diemcau.paco')).state).toBe('joined');
  });

  it('a commune point joins with its mic held muted; once the chair unmutes it, a reconnect keeps it unmuted', async () => {
    const paco = id('diemcau.paco');
    // (joined for the first time in the lobby test above: muted, while the district hall was not)
    expect(room().getPeer(paco)?.serverMuted).toEqual(['mic']);
    const { mic } = await produceAs('diemcau.paco', false);
    expect(room().producers().find((p) => p.id === mic.id)).toMatchObject({ paused: true, serverMuted: true });
    expect(await people.refused('diemcau.paco', 'conference:resumeProducer', { meetingId: meeting.id, producerId: mic.id })).toBe('forbidden');

    await people.act('bithu', 'conference:unmute', { meetingId: meeting.id, peerId: paco });
    expect(room().producers().find((p) => p.id === mic.id)).toMatchObject({ serverMuted: false });
    await people.act('diemcau.paco', 'conference:leave', { meetingId: meeting.id });
    await waitPush('bithu', 'conference:peerLeft', (p) => p.peerId === paco && p.reason === 'left');

    // The chair's roll call: the commune has left, the province hall never came, the district hall is in the
    // conference with no media link up (these test peers never complete ICE); a delegate may not see it.
    const rollCall = async (name: string) => people.get(name).client.get<ConferencePointsEnvelope>(`/api/v1/meetings/${meeting.id}/conference/points`);
    const points = (await rollCall('bithu')).body.points;
    const pointOf = (username: string) => points.find((p) => p.endpointId === halls.find((h) => h.accountUserIds.includes(id(username)))!.id);
    expect(points).toHaveLength(3);
    expect(pointOf('diemcau.paco')).toMatchObject({ state: 'left', peerId: null, level: 'commune', name: 'Điểm cầu xã Pà Cò' });
    expect(pointOf('diemcau.tinh')).toMatchObject({ state: 'never', peerId: null });
    expect(pointOf('diemcau.caophong')).toMatchObject({ state: 'reconnecting', peerId: id('diemcau.caophong') });
    expect((await rollCall('caophong.bithu')).status).toBe(403);
    // "left" rather than "never" is kept with the meeting: a process that never saw the commune (a restart, another app process) says the same
    const elsewhere = new RollCall(server.database.db, server.app.log);
    const endpoints = await server.app.modules.conference.endpoints.ofMeeting(meeting.id);
    const states = Object.fromEntries((await elsewhere.points(meeting.id, endpoints, undefined, new Presence())).map((p) => [p.endpointId, p.state]));
    expect(states[pointOf('diemcau.paco')!.endpointId]).toBe('left');
    expect(states[pointOf('diemcau.caophong')!.endpointId]).toBe('left');
    expect(states[pointOf('diemcau.tinh')!.endpointId]).toBe('never');

    expect((await join('diemcau.paco')).me.serverMuted).toEqual([]);
    const back = (await rollCall('bithu')).body.points.find((p) => p.peerId === paco);
    expect(back).toMatchObject({ micMutedByChair: false });
    people.get('bithu').pushes.length = 0; // the next test waits for paco's next departure, not this one
  });

  it('a second connection of the same user takes the peer over; the first can no longer act', async () => {
    const first = people.get('diemcau.paco');
    const second = connectSocket(server.url, { cookie: first.client.cookieHeader });
    await connected(second);
    const result = await call(second, 'conference:join', { meetingId: meeting.id });
    expect(result.ok && result.data.state).toBe('joined');
    await waitPush('diemcau.paco', 'conference:peerLeft', (p) => p.reason === 'replaced');
    expect(await people.refused('diemcau.paco', 'conference:createTransport', { meetingId: meeting.id, direction: 'recv' })).toBe('notFound');
    // the peer itself is still there, owned by the second socket; when that socket vanishes, the peer follows within the grace period
    expect(room().getPeer(id('diemcau.paco'))?.closed).toBe(false);
    second.disconnect();
    await waitPush('bithu', 'conference:peerLeft', (p) => p.peerId === id('diemcau.paco') && p.reason === 'left', 10_000);
    expect(room().getPeer(id('diemcau.paco'))).toBeUndefined();
  });

  it('the live meeting’s floor reaches the conference: to the endpoint of the speaker’s unit', async () => {
    const hall = id('diemcau.caophong');
    await people.act('bithu', 'conference:spotlight', { meetingId: meeting.id, peerId: null });
    await people.act('bithu', 'meeting:start', { meetingId: meeting.id });
    // caophong.bithu attends in the conference as a delegate peer: make them leave so their hall takes the floor
    await people.act('caophong.bithu', 'conference:leave', { meetingId: meeting.id });
    await people.act('caophong.bithu', 'speaker:request', { meetingId: meeting.id, topic: 'Báo cáo của huyện Cao Phong' });
    const queue = (await people.act('bithu', 'meeting:snapshot', { meetingId: meeting.id })).speakers;
    await people.act('bithu', 'speaker:give', { meetingId: meeting.id, requestId: queue[0]!.id });
    await expect.poll(() => room().stage.peerId).toBe(hall);
  });

  it('a dead media worker: its peers are told to rejoin and get new transports on the replacement', async () => {
    const chairBefore = room().peer(id('bithu'));
    const pid = server.app.modules.conference.media.current!.pool.slots()[0]!.pid;
    people.get('bithu').pushes.length = 0;
    process.kill(pid, 'SIGKILL');
    await waitPush('bithu', 'conference:rejoin', (p) => p.reason === 'worker-died');
    await expect.poll(async () => (await people.call('bithu', 'conference:join', { meetingId: meeting.id })).ok, { timeout: 10_000 }).toBe(true);
    expect(room().peer(id('bithu'))).toBe(chairBefore); // the same peer, placed again
    expect(server.app.modules.conference.media.current!.pool.slots()[0]!.pid).not.toBe(pid);
    const again = await produceAs('bithu');
    expect(room().producers().some((p) => p.id === again.camera!.id)).toBe(true);
  });

  it('closing the meeting ends the conference for everyone', async () => {
    await people.act('bithu', 'meeting:close', { meetingId: meeting.id });
    await waitPush('khach', 'conference:ended');
    await waitPush('khach', 'conference:peerLeft', (p) => p.peerId === id('khach') && p.reason === 'room-closed');
    expect(server.app.modules.conference.service.room(meeting.id)).toBeUndefined();
    expect(await people.refused('bithu', 'conference:join', { meetingId: meeting.id })).toBe('meetingClosed');
  });

  it('closing the app stops the media workers', async () => {
    const pids = server.app.modules.conference.media.current!.pool.slots().map((slot) => slot.pid);
    expect(pids.length).toBe(1);
    await server.close();
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await expect.poll(() => pids.some(alive)).toBe(false);
  });
});
