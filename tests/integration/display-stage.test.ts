/**
 * The hall wall's receive-only view of the conference (issue 14: "the
 * province hall's wall shows the stage"), over real Socket.io clients, the
 * real server, database and mediasoup workers: a paired screen watches its
 * own meeting's stage and consumes the stage peer's producers only; it is
 * no participant (no peers list, roll call or count), never sends, holds no
 * chair's powers; a screen paired to another meeting, or to none, gets
 * nothing; it is told to watch again when the conference starts, when its
 * media worker dies and when the conference ends.
 */
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConferenceJoined, ConferenceTransport, ProducerInfo } from '../../server/contract/conference-realtime.ts';
import type { ConferencePointsEnvelope, EndpointDto } from '../../server/contract/conference.ts';
import type { StageRewatchReason, WallStage } from '../../server/contract/display-stage.ts';
import type { DisplayClientToServerEvents, DisplayServerToClientEvents, PairingDto } from '../../server/contract/display.ts';
import type { MeetingDto } from '../../server/contract/meetings.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { opusParameters, vp8Parameters } from '../helpers/media-rtp.ts';
import { createMeeting, secretariat, type Directory } from '../helpers/meetings.ts';
import { People } from '../helpers/people.ts';
import { startTestServer, TestClient, type TestServer } from '../helpers/server.ts';
import { act as actOnce, connected, refusal as refusalOnce } from '../helpers/socket.ts';

type WallSocket = Socket<DisplayServerToClientEvents, DisplayClientToServerEvents>;
type Wall = { client: TestClient; socket: WallSocket; updates: WallStage[]; rewatch: StageRewatchReason[] };

/** The wall's rate limit answers a burst of hostile calls with "slow down": wait and send again, as the web's `politely` does. */
async function politely<T>(send: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (attempt > 20 || !String(error).includes('rateLimited')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }
}
const act: typeof actOnce = (...args) => politely(() => actOnce(...args));
const refusal: typeof refusalOnce = (...args) =>
  politely(async () => {
    const code = await refusalOnce(...args);
    if (code === 'rateLimited') throw new Error('rateLimited');
    return code;
  });

const FAKE_DTLS = {
  role: 'client' as const,
  fingerprints: [{ algorithm: 'sha-256' as const, value: '82:5A:68:3D:36:C3:0A:DE:AF:E7:32:43:D2:88:83:57:AC:2D:65:E5:80:C4:B6:FB:AF:1A:A0:21:9F:6D:0C:AD' }],
};

describe('the hall wall watches the conference stage, receive-only', () => {
  let db: TestDatabase;
  let server: TestServer;
  let secretary: TestClient;
  let directory: Directory;
  let meeting: MeetingDto;
  let other: MeetingDto;
  let people: People<Record<string, never>>;
  let wall: Wall;
  let routerCaps: ConferenceJoined['routerRtpCapabilities'];
  const media: Record<string, { transport: ConferenceTransport; mic: ProducerInfo; camera: ProducerInfo }> = {};
  const sockets: { disconnect(): unknown }[] = [];
  const id = (username: string) => directory.user(username).id;
  const conference = () => server.app.modules.conference;
  const room = () => conference().service.room(meeting.id)!;

  /** A browser on the wall: its own cookie jar, no login; paired to `to` (or left pending). */
  async function newWall(to: MeetingDto | null): Promise<{ client: TestClient; pairing: PairingDto }> {
    const client = new TestClient(server.url);
    const pairing = (await client.post<{ pairing: PairingDto }>('/api/v1/display/pairings')).body.pairing;
    if (to !== null) expect((await secretary.post(`/api/v1/meetings/${to.id}/displays`, { code: pairing.code, name: 'Màn hình hội trường tỉnh' })).status).toBe(201);
    return { client, pairing };
  }
  async function wallSocket(client: TestClient): Promise<Wall> {
    const socket: WallSocket = io(`${server.url}/display`, {
      path: '/socket.io',
      transports: ['websocket'],
      extraHeaders: { cookie: client.cookieHeader, origin: server.url },
      reconnection: false,
      forceNew: true,
    });
    sockets.push(socket);
    const seen: Wall = { client, socket, updates: [], rewatch: [] };
    socket.on('stage:update', ({ stage }) => seen.updates.push(stage));
    socket.on('stage:rewatch', ({ reason }) => seen.rewatch.push(reason));
    await connected(socket);
    return seen;
  }
  async function produceAs(name: string): Promise<void> {
    const transport = await people.act(name, 'conference:createTransport', { meetingId: meeting.id, direction: 'send' });
    await people.act(name, 'conference:connectTransport', { meetingId: meeting.id, transportId: transport.id, dtlsParameters: FAKE_DTLS });
    const mic = await people.act(name, 'conference:produce', { meetingId: meeting.id, transportId: transport.id, kind: 'audio', source: 'mic', rtpParameters: opusParameters(1000 + Math.floor(Math.random() * 1e6)) });
    const ssrc = 2_000_000 + Math.floor(Math.random() * 1e6);
    const camera = await people.act(name, 'conference:produce', { meetingId: meeting.id, transportId: transport.id, kind: 'video', source: 'camera', rtpParameters: vp8Parameters([ssrc, ssrc + 1, ssrc + 2]) });
    media[name] = { transport, mic, camera };
  }
  /** Watch, load capabilities and open the recv transport, as the web's MediaLink does. */
  async function watchAndReceive(screen: Wall): Promise<ConferenceTransport> {
    const watched = await act(screen.socket, 'stage:watch', { meetingId: meeting.id });
    expect(watched.state).toBe('watching');
    await act(screen.socket, 'conference:setRtpCapabilities', { meetingId: meeting.id, rtpCapabilities: routerCaps });
    const transport = await act(screen.socket, 'conference:createTransport', { meetingId: meeting.id, direction: 'recv' });
    await act(screen.socket, 'conference:connectTransport', { meetingId: meeting.id, transportId: transport.id, dtlsParameters: FAKE_DTLS });
    return transport;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db, { MEDIA_WORKERS: '1', MEDIA_LISTEN_IP: '127.0.0.1', MEDIA_WEBRTC_PORT: '20000-29999', MEDIA_PEER_TIMEOUT_MS: '600000' });
    people = new People(server.url, () => ({}));
    const staff = await secretariat(server.url);
    secretary = staff.secretary;
    directory = staff.directory;
    meeting = await createMeeting(secretary, directory, {
      title: 'Hội nghị trực tuyến toàn tỉnh',
      startsAt: '2026-12-12T01:30:00.000Z',
      membershipTotal: 3,
      members: [['bithu', 'chair'], ['caophong.bithu', 'delegate']],
    });
    other = await createMeeting(secretary, directory, { title: 'Họp giao ban khối Nội chính', startsAt: '2026-12-12T07:30:00.000Z', membershipTotal: 3, members: [['bithu', 'chair']] });
    const all = (await secretary.get<{ endpoints: EndpointDto[] }>('/api/v1/endpoints')).body.endpoints;
    const paco = all.find((e) => e.accountUserIds.includes(id('diemcau.paco')))!;
    expect((await secretary.post(`/api/v1/meetings/${meeting.id}/endpoints`, { endpointId: paco.id })).status).toBe(201);
    for (const m of [meeting, other]) expect((await secretary.post(`/api/v1/meetings/${m.id}/status`, { to: 'published' })).status).toBe(200);
    for (const name of ['bithu', 'caophong.bithu', 'diemcau.paco']) await people.connect(name);
    wall = await wallSocket((await newWall(meeting)).client);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    people?.disconnectAll();
    await server?.close();
    await db?.drop();
  });

  it('is idle while no conference runs (and starts none), then is told to watch once it does', async () => {
    expect(await act(wall.socket, 'stage:watch', { meetingId: meeting.id })).toEqual({ state: 'idle', meetingId: meeting.id });
    expect(conference().media.current).toBeUndefined();
    expect(conference().service.room(meeting.id)).toBeUndefined();

    const chair = await people.act('bithu', 'conference:join', { meetingId: meeting.id });
    if (chair.state !== 'joined') throw new Error('the chair waits');
    routerCaps = chair.routerRtpCapabilities;
    await expect.poll(() => wall.rewatch, { timeout: 5_000 }).toContain('conference-started');
    const watched = await act(wall.socket, 'stage:watch', { meetingId: meeting.id });
    expect(watched).toMatchObject({ state: 'watching', meetingId: meeting.id, iceServers: [], stage: { peer: null, reason: null, producers: [] } });
  });

  it('is no participant: in no peers list, roll call, count or push; the stage follows the chair’s spotlight', async () => {
    const transport = await watchAndReceive(wall);
    expect(transport.direction).toBe('recv');
    expect(room().peers().map((p) => p.id)).toEqual([id('bithu')]);

    await produceAs('bithu');
    const delegate = await people.act('caophong.bithu', 'conference:join', { meetingId: meeting.id });
    if (delegate.state !== 'joined') throw new Error('the delegate waits');
    expect(delegate.peers.map((p) => p.id)).toEqual([id('bithu')]);
    await produceAs('caophong.bithu');
    expect(room().peers().map((p) => p.id).sort()).toEqual([id('bithu'), id('caophong.bithu')].sort());
    // the chair's roll call of points: the commune point never joined; the wall is not a point
    const points = (await people.get('bithu').client.get<ConferencePointsEnvelope>(`/api/v1/meetings/${meeting.id}/conference/points`)).body.points;
    expect(points.map((p) => p.state)).toEqual(['never']);

    await people.act('bithu', 'conference:spotlight', { meetingId: meeting.id, peerId: id('bithu') });
    await expect.poll(() => wall.updates.at(-1)?.peer?.id, { timeout: 5_000 }).toBe(id('bithu'));
    const stage = wall.updates.at(-1)!;
    expect(stage).toMatchObject({ reason: 'spotlight', peer: { displayName: 'Hoàng Văn Minh', role: 'chair', level: 'province' } });
    expect(stage.producers.map((p) => p.source).sort()).toEqual(['camera', 'mic']);

    // it consumes the stage's camera and mic, at the layers mediasoup prefers (the highest)
    const camera = await act(wall.socket, 'conference:consume', { meetingId: meeting.id, producerId: media.bithu!.camera.id });
    expect(camera).toMatchObject({ producerPeerId: id('bithu'), kind: 'video', source: 'camera', paused: true, type: 'simulcast' });
    const mic = await act(wall.socket, 'conference:consume', { meetingId: meeting.id, producerId: media.bithu!.mic.id });
    expect(mic).toMatchObject({ kind: 'audio', source: 'mic' });
    await act(wall.socket, 'conference:resumeConsumer', { meetingId: meeting.id, consumerId: camera.id });
    await act(wall.socket, 'conference:resumeConsumer', { meetingId: meeting.id, consumerId: mic.id });
    // the same producer twice: the same consumer
    expect((await act(wall.socket, 'conference:consume', { meetingId: meeting.id, producerId: media.bithu!.camera.id })).id).toBe(camera.id);
    expect(conference().displayViewers.viewerOf(wall.socket.id!)?.consumedProducerIds().sort()).toEqual([media.bithu!.camera.id, media.bithu!.mic.id].sort());
    // still two peers, and nobody was told of a third
    expect(room().peers()).toHaveLength(2);
    expect(room().stage).toEqual({ peerId: id('bithu'), reason: 'spotlight' });
  });

  it('refuses what a wall may not do: another producer, sending, chair controls, ids it does not own, bad payloads', async () => {
    const mid = meeting.id;
    // the delegate is not on stage: its producers are not the wall's to take
    expect(await refusal(wall.socket, 'conference:consume', { meetingId: mid, producerId: media['caophong.bithu']!.camera.id })).toBe('forbidden');
    expect(await refusal(wall.socket, 'conference:consume', { meetingId: mid, producerId: media['caophong.bithu']!.mic.id })).toBe('forbidden');
    expect(await refusal(wall.socket, 'conference:consume', { meetingId: mid, producerId: crypto.randomUUID() })).toBe('notFound');
    // never sends
    expect(await refusal(wall.socket, 'conference:createTransport', { meetingId: mid, direction: 'send' })).toBe('forbidden');
    expect(await refusal(wall.socket, 'conference:produce', { meetingId: mid, transportId: crypto.randomUUID(), kind: 'audio', source: 'mic', rtpParameters: opusParameters(7) })).toBe('forbidden');
    expect(await refusal(wall.socket, 'conference:closeProducer', { meetingId: mid, producerId: media.bithu!.mic.id })).toBe('forbidden');
    // a participant's transport is not the wall's
    expect(await refusal(wall.socket, 'conference:connectTransport', { meetingId: mid, transportId: media.bithu!.transport.id, dtlsParameters: FAKE_DTLS })).toBe('notFound');
    expect(await refusal(wall.socket, 'conference:restartIce', { meetingId: mid, transportId: media.bithu!.transport.id })).toBe('notFound');
    // no chair's controls, nor any participant call, on the wall's namespace
    const untyped = wall.socket as unknown as Socket;
    for (const event of ['conference:giveFloor', 'conference:mute', 'conference:spotlight', 'conference:remove', 'conference:join', 'conference:pauseProducer', 'conference:raiseHand']) {
      expect(await refusal(untyped, event, { meetingId: mid, peerId: id('caophong.bithu') }), event).toBe('unknownEvent');
    }
    // malformed payloads: a validation ack, and it keeps serving
    for (const [event, payload] of [
      ['stage:watch', { meetingId: 'khong-phai-uuid' }],
      ['stage:watch', { meetingId: mid, extra: 1 }],
      ['conference:consume', { meetingId: mid, producerId: 12 }],
      ['conference:createTransport', { meetingId: mid, direction: 'sideways' }],
      ['conference:setRtpCapabilities', { meetingId: mid, rtpCapabilities: { codecs: new Array(40).fill({ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000 }) } }],
    ] as const) {
      expect(await refusal(untyped, event, payload), event).toBe('validation');
    }
    // another meeting's id: nothing to act on
    expect(await refusal(wall.socket, 'conference:consume', { meetingId: other.id, producerId: media.bithu!.camera.id })).toBe('notFound');
    expect(room().stage).toEqual({ peerId: id('bithu'), reason: 'spotlight' });
    expect(room().producers()).toHaveLength(4);
    expect(room().producers().every((p) => !p.paused)).toBe(true);
  });

  it('follows the floor: given to the delegate, the chair’s consumers close and the wall may take the delegate’s', async () => {
    const before = wall.updates.length;
    await people.act('bithu', 'conference:giveFloor', { meetingId: meeting.id, peerId: id('caophong.bithu') });
    await expect.poll(() => wall.updates.slice(before).at(-1)?.peer?.id, { timeout: 5_000 }).toBe(id('caophong.bithu'));
    expect(wall.updates.at(-1)!.producers.map((p) => p.id).sort()).toEqual([media['caophong.bithu']!.camera.id, media['caophong.bithu']!.mic.id].sort());
    await expect.poll(() => conference().displayViewers.viewerOf(wall.socket.id!)?.consumedProducerIds()).toEqual([]);
    expect(await refusal(wall.socket, 'conference:consume', { meetingId: meeting.id, producerId: media.bithu!.camera.id })).toBe('forbidden');
    const camera = await act(wall.socket, 'conference:consume', { meetingId: meeting.id, producerId: media['caophong.bithu']!.camera.id });
    expect(camera.producerPeerId).toBe(id('caophong.bithu'));
  });

  it('a screen paired to another meeting, a pending one and an unpaired one get nothing', async () => {
    const elsewhere = await wallSocket((await newWall(other)).client);
    expect(await refusal(elsewhere.socket, 'stage:watch', { meetingId: meeting.id })).toBe('displayWrongMeeting');
    expect(await refusal(elsewhere.socket, 'conference:consume', { meetingId: meeting.id, producerId: media['caophong.bithu']!.camera.id })).toBe('notFound');
    expect(await refusal(elsewhere.socket, 'conference:createTransport', { meetingId: meeting.id, direction: 'recv' })).toBe('notFound');
    // its own meeting has no conference: idle
    expect(await act(elsewhere.socket, 'stage:watch', { meetingId: other.id })).toEqual({ state: 'idle', meetingId: other.id });

    // never confirmed: no socket at all
    const pending = await newWall(null);
    await expect(wallSocket(pending.client)).rejects.toThrow(/displayUnpaired/);

    // unpaired while watching: its viewer ends with its socket
    const { client } = await newWall(meeting);
    const doomed = await wallSocket(client);
    await watchAndReceive(doomed);
    const displayId = (await client.get<{ state: { id: string } }>('/api/v1/display/state')).body.state.id;
    const watching = conference().displayViewers.size;
    expect((await secretary.request('DELETE', `/api/v1/meetings/${meeting.id}/displays/${displayId}`)).status).toBe(204);
    await expect.poll(() => conference().displayViewers.size).toBe(watching - 1);
    await expect.poll(() => doomed.socket.connected).toBe(false);
    expect(room().peers()).toHaveLength(2);
  });

  it('a second watch of the same screen replaces the first', async () => {
    const again = await wallSocket(wall.client);
    const size = conference().displayViewers.size;
    await watchAndReceive(again);
    await expect.poll(() => wall.rewatch).toContain('replaced');
    expect(conference().displayViewers.size).toBe(size);
    expect(await refusal(wall.socket, 'conference:consume', { meetingId: meeting.id, producerId: media['caophong.bithu']!.camera.id })).toBe('notFound');
    again.socket.disconnect();
    await expect.poll(() => conference().displayViewers.size).toBe(size - 1);
    await watchAndReceive(wall);
  });

  it('its media worker dies: told to watch again, and it does on a live worker', async () => {
    const pool = conference().media.current!.pool;
    const pid = pool.slot(0)!.pid;
    const before = wall.rewatch.length;
    process.kill(pid, 'SIGKILL');
    await expect.poll(() => wall.rewatch.slice(before), { timeout: 10_000 }).toContain('media-lost');
    await expect.poll(() => pool.slot(0)?.pid !== undefined && pool.slot(0)!.pid !== pid && pool.slot(0)!.alive, { timeout: 15_000 }).toBe(true);
    await expect.poll(async () => (await wall.socket.timeout(5_000).emitWithAck('stage:watch', { meetingId: meeting.id })).ok, { timeout: 15_000 }).toBe(true);
    await act(wall.socket, 'conference:setRtpCapabilities', { meetingId: meeting.id, rtpCapabilities: routerCaps });
    const transport = await act(wall.socket, 'conference:createTransport', { meetingId: meeting.id, direction: 'recv' });
    expect(transport.direction).toBe('recv');
    expect(room().peers()).toHaveLength(2);
  });

  it('the meeting closes: told the conference ended; watching again is idle', async () => {
    const before = wall.rewatch.length;
    expect((await secretary.post(`/api/v1/meetings/${meeting.id}/status`, { to: 'in_session' })).status).toBe(200);
    expect((await secretary.post(`/api/v1/meetings/${meeting.id}/status`, { to: 'closed' })).status).toBe(200);
    await expect.poll(() => wall.rewatch.slice(before), { timeout: 5_000 }).toContain('conference-ended');
    expect(await act(wall.socket, 'stage:watch', { meetingId: meeting.id })).toEqual({ state: 'idle', meetingId: meeting.id });
  });
});
