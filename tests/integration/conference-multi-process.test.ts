/**
 * One conference across two app processes behind no sticky routing (issue
 * 14, acceptance 2): the chair's socket on process A, a commune point's on
 * process B, one PostgreSQL and one Redis. The first join makes A the owner
 * of the meeting's conference; B forwards the point's calls to it. The chair
 * on A mutes the point on B. Then A is killed (SIGKILL): its lease lapses, B
 * takes the conference over and tells the point to join again; the chair's
 * client reconnects (to B, the only process left) and both are in one
 * conference again with nobody acting. Forged bus messages are refused, and
 * a socket on B cannot act for a peer it did not join as.
 *
 * The clients here do what web/lib/conference/session.svelte.ts does: join
 * again on `conference:rejoin`, and retry a join refused as 'unavailable'.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConferenceJoined, ConferencePeer, ProducerInfo } from '../../server/contract/conference-realtime.ts';
import type { AgendaItemDto } from '../../server/contract/meetings.ts';
import type { RecordingEnvelope } from '../../server/contract/recording.ts';
import type { ConferencePointsEnvelope, EndpointDto } from '../../server/contract/conference.ts';
import type { MeetingDto } from '../../server/contract/meetings.ts';
import { createTestDatabase, realDatabaseUrl, type TestDatabase } from '../helpers/database.ts';
import { FakeSender, opusParameters, permissions, sleep } from '../helpers/media-rtp.ts';
import { addAgendaItem, changeStatus, createMeeting, loggedIn, secretariat, type Directory } from '../helpers/meetings.ts';
import { People } from '../helpers/people.ts';
import { freePort, startServerProcess, type ServerProcess } from '../helpers/server-process.ts';
import { startTestServer, TestClient, type TestServer } from '../helpers/server.ts';
import { act, call, connectSocket, connected, refusal, type ClientSocket } from '../helpers/socket.ts';

const redisUrl = process.env.REDIS_URL?.trim() || undefined;

const FAKE_DTLS = {
  role: 'client' as const,
  fingerprints: [{ algorithm: 'sha-256' as const, value: '82:5A:68:3D:36:C3:0A:DE:AF:E7:32:43:D2:88:83:57:AC:2D:65:E5:80:C4:B6:FB:AF:1A:A0:21:9F:6D:0C:AD' }],
};

type Pushed = { event: string; payload: Record<string, unknown> };

/** One tab: a logged-in client, its socket on one process, the conference pushes it heard. */
type Tab = { client: TestClient; socket: ClientSocket; pushes: Pushed[] };

async function openTab(url: string, client: TestClient): Promise<Tab> {
  const socket = connectSocket(url, { cookie: client.cookieHeader });
  await connected(socket);
  const pushes: Pushed[] = [];
  socket.onAny((event: string, payload: Record<string, unknown>) => {
    if (event.startsWith('conference:')) pushes.push({ event, payload });
  });
  return { client, socket, pushes };
}

const heard = (tab: Tab, event: string, match: (payload: Record<string, unknown>) => boolean = () => true) => tab.pushes.some((p) => p.event === event && match(p.payload));

describe.runIf(realDatabaseUrl !== undefined && redisUrl !== undefined)('a conference across two app processes', () => {
  let db: TestDatabase;
  let a: ServerProcess;
  let b: ServerProcess;
  let meeting: MeetingDto;
  let directory: Directory;
  let chair: Tab;
  let point: Tab;
  let redis: ReturnType<typeof createClient>;
  let scope: string;
  let routerCaps: ConferenceJoined['routerRtpCapabilities'];
  const id = (username: string) => directory.user(username).id;
  const processes: ServerProcess[] = [];

  /** Joins until the conference answers (a join refused as 'unavailable' is retried, as the web client does). */
  async function joinWithin(tab: Tab, timeoutMs: number): Promise<ConferenceJoined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ack = await call(tab.socket, 'conference:join', { meetingId: meeting.id });
      if (ack.ok && ack.data.state === 'joined') return ack.data;
      if (Date.now() > deadline) throw new Error(`join did not succeed in time: ${JSON.stringify(ack)}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  const ownerOf = () => redis.get(`phs:${scope}:conference-owner:${meeting.id}`);
  const channels = async () => (await redis.pubSubChannels(`phs:${scope}:conference-bus:*`)).sort();

  beforeAll(async () => {
    db = await createTestDatabase('external');
    const shared = { REDIS_URL: redisUrl!, BALLOT_KEY: randomBytes(32).toString('base64'), MEDIA_WORKERS: '1', MEDIA_LISTEN_IP: '127.0.0.1', MEDIA_PEER_TIMEOUT_MS: '600000' };
    // one after the other: the first migrates and seeds
    a = await startServerProcess(db, await freePort(), { ...shared, MEDIA_WEBRTC_PORT: '41000-41099' });
    processes.push(a);
    b = await startServerProcess(db, await freePort(), { ...shared, MEDIA_WEBRTC_PORT: '41100-41199' });
    processes.push(b);
    redis = createClient({ url: redisUrl! });
    await redis.connect();
    scope = createHash('sha256').update(db.databaseUrl!).digest('hex').slice(0, 12);

    const staff = await secretariat(a.url);
    directory = staff.directory;
    meeting = await createMeeting(staff.secretary, directory, {
      title: 'Hội nghị trực tuyến hai máy chủ',
      startsAt: '2026-12-12T01:30:00.000Z',
      membershipTotal: 2,
      members: [['bithu', 'chair'], ['caophong.bithu', 'delegate']],
    });
    const endpoints = (await staff.secretary.get<{ endpoints: EndpointDto[] }>('/api/v1/endpoints')).body.endpoints;
    const paco = endpoints.find((e) => e.accountUserIds.includes(id('diemcau.paco')))!;
    expect((await staff.secretary.post(`/api/v1/meetings/${meeting.id}/endpoints`, { endpointId: paco.id })).status).toBe(201);
    expect((await staff.secretary.post(`/api/v1/meetings/${meeting.id}/status`, { to: 'published' })).status).toBe(200);

    // The chair logs in and connects through A; the commune point through B.
    chair = await openTab(a.url, await loggedIn(a.url, 'bithu'));
    point = await openTab(b.url, await loggedIn(b.url, 'diemcau.paco'));
  }, 180_000);

  afterAll(async () => {
    for (const tab of [chair, point]) tab?.socket.disconnect();
    await redis?.quit();
    for (const process of processes) await process.kill('SIGTERM');
    await db?.drop();
  });

  it('puts participants connected to different processes in one conference, owned by one of them', async () => {
    expect(await channels()).toHaveLength(2); // each process listens on its own bus channel
    const chairJoin = await joinWithin(chair, 10_000);
    routerCaps = chairJoin.routerRtpCapabilities;
    const owner = await ownerOf();
    expect(owner).not.toBeNull();
    expect(await channels()).toContain(`phs:${scope}:conference-bus:${owner}`);

    const pointJoin = await joinWithin(point, 10_000);
    expect(await ownerOf()).toBe(owner); // B forwarded; it did not take the conference
    expect(pointJoin.me).toMatchObject({ id: id('diemcau.paco'), role: 'endpoint', level: 'commune', serverMuted: ['mic'] });
    // the same router (one room on the owner) for both
    expect(pointJoin.routerRtpCapabilities).toEqual(chairJoin.routerRtpCapabilities);
    expect(pointJoin.peers.map((p) => p.id)).toEqual([id('bithu')]);
    // the push of the point's arrival reached the chair's socket on A
    await expect.poll(() => heard(chair, 'conference:peerJoined', (p) => (p.peer as ConferencePeer).id === id('diemcau.paco')), { timeout: 5_000 }).toBe(true);
  });

  it('carries media signalling across processes: the point produces on B, the chair on A consumes it', async () => {
    // A commune joins muted; the chair (on A) lets it speak.
    await act(chair.socket, 'conference:unmute', { meetingId: meeting.id, peerId: id('diemcau.paco') });
    await expect.poll(() => heard(point, 'conference:peerUpdated', (p) => (p.peer as ConferencePeer).id === id('diemcau.paco') && (p.peer as ConferencePeer).serverMuted.length === 0), { timeout: 5_000 }).toBe(true);

    const send = await act(point.socket, 'conference:createTransport', { meetingId: meeting.id, direction: 'send' });
    await act(point.socket, 'conference:connectTransport', { meetingId: meeting.id, transportId: send.id, dtlsParameters: FAKE_DTLS });
    const mic: ProducerInfo = await act(point.socket, 'conference:produce', { meetingId: meeting.id, transportId: send.id, kind: 'audio', source: 'mic', rtpParameters: opusParameters(31_337) });
    expect(mic).toMatchObject({ peerId: id('diemcau.paco'), source: 'mic', paused: false });
    await expect.poll(() => heard(chair, 'conference:newProducer', (p) => (p.producer as ProducerInfo).id === mic.id), { timeout: 5_000 }).toBe(true);

    await act(chair.socket, 'conference:setRtpCapabilities', { meetingId: meeting.id, rtpCapabilities: routerCaps });
    const recv = await act(chair.socket, 'conference:createTransport', { meetingId: meeting.id, direction: 'recv' });
    expect(recv.iceCandidates.length).toBeGreaterThan(0);
    const consumer = await act(chair.socket, 'conference:consume', { meetingId: meeting.id, producerId: mic.id });
    expect(consumer).toMatchObject({ producerId: mic.id, kind: 'audio' });

    // the chair on A mutes the point on B: its own client hears the server's mute of its mic
    await act(chair.socket, 'conference:mute', { meetingId: meeting.id, peerId: id('diemcau.paco'), sources: ['mic'] });
    await expect.poll(() => heard(point, 'conference:producerPaused', (p) => p.producerId === mic.id && p.byServer === true), { timeout: 5_000 }).toBe(true);
    // and the point cannot lift it itself
    expect(await refusal(point.socket, 'conference:resumeProducer', { meetingId: meeting.id, producerId: mic.id })).toBe('forbidden');
  });

  it('refuses a socket on B acting for a peer it did not join as', async () => {
    // the same point account on a second tab (on B) that did not join: nothing to act on
    const second = await openTab(b.url, point.client);
    try {
      expect(await refusal(second.socket, 'conference:createTransport', { meetingId: meeting.id, direction: 'send' })).toBe('notFound');
      expect(await refusal(second.socket, 'conference:unmute', { meetingId: meeting.id, peerId: id('diemcau.paco') })).toBe('notFound');
      // the delegate on B, not in the conference, cannot use the chair's controls
      const delegate = await openTab(b.url, await loggedIn(b.url, 'caophong.bithu'));
      expect(await refusal(delegate.socket, 'conference:mute', { meetingId: meeting.id, peerId: id('diemcau.paco') })).toBe('notFound');
      delegate.socket.disconnect();
    } finally {
      second.socket.disconnect();
    }
    // the point itself (joined, on B) is no chair
    expect(await refusal(point.socket, 'conference:mute', { meetingId: meeting.id, peerId: id('bithu') })).toBe('forbidden');
    expect(await refusal(point.socket, 'conference:remove', { meetingId: meeting.id, peerId: id('bithu') })).toBe('forbidden');
  });

  it('refuses forged messages on the bus between processes', async () => {
    const owner = (await ownerOf())!;
    const replies: unknown[] = [];
    const listener = redis.duplicate();
    await listener.connect();
    await listener.subscribe(`phs:${scope}:conference-bus:forger`, (raw) => replies.push(JSON.parse(raw)));
    const forge = (message: unknown) => redis.publish(`phs:${scope}:conference-bus:${owner}`, JSON.stringify(message));
    const user = { id: id('bithu'), username: 'bithu', fullName: 'Hoàng Văn Minh', role: 'user', unitId: directory.unit('Văn phòng Tỉnh ủy').id, locale: 'vi' };
    const base = { kind: 'call', replyTo: 'forger', socketId: 'forgedSocket123', user };
    try {
      await forge({ ...base, id: 'unknown-event', event: 'conference:selfDestruct', payload: { meetingId: meeting.id } });
      await forge({ ...base, id: 'bad-payload', event: 'conference:mute', payload: { meetingId: meeting.id, peerId: 'all', sources: ['everything'] } });
      // well formed, but no socket ever joined as this: nothing to act on
      await forge({ ...base, id: 'not-joined', event: 'conference:mute', payload: { meetingId: meeting.id, peerId: id('diemcau.paco') } });
      // not the contract's shape at all: dropped without an answer
      await forge({ ...base, id: 'extra-field', event: 'conference:unmute', payload: { meetingId: meeting.id, peerId: id('diemcau.paco') }, asChair: true });
      await forge('not json at all');
      await expect.poll(() => replies.length, { timeout: 5_000 }).toBe(3);
      expect(replies).toContainEqual({ id: 'unknown-event', ok: false, status: 400, key: 'unknownEvent', params: {} });
      expect(replies).toContainEqual({ id: 'bad-payload', ok: false, status: 400, key: 'validation', params: {} });
      expect(replies).toContainEqual({ id: 'not-joined', ok: false, status: 404, key: 'notFound', params: {} });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(replies).toHaveLength(3);
      // the forged unmute did not run, and the owner still serves the real chair
      expect(heard(point, 'conference:producerResumed')).toBe(false);
      expect(await act(chair.socket, 'conference:setViewMode', { meetingId: meeting.id, mode: 'grid' })).toBeNull();
    } finally {
      await listener.quit();
    }
  });

  it('answers REST about the live conference from the owner, whichever process serves it', async () => {
    // the chair's session, its requests now served by B (no sticky routing)
    const chairOnB = new TestClient(b.url);
    chairOnB.cookies = new Map(chair.client.cookies);
    const pointsOf = async (client: TestClient) => (await client.get<ConferencePointsEnvelope>(`/api/v1/meetings/${meeting.id}/conference/points`)).body.points;
    const viaB = await pointsOf(chairOnB);
    expect(viaB).toEqual(await pointsOf(chair.client));
    // B holds nothing of the conference: this came from the owner (A)
    expect(viaB).toEqual([expect.objectContaining({ peerId: id('diemcau.paco'), micMutedByChair: true, state: expect.stringMatching(/^(connected|reconnecting)$/) })]);

    // Requiring admission through B: the owner counts the point, present, as admitted, so joining again it goes straight in.
    expect((await chairOnB.patch(`/api/v1/meetings/${meeting.id}/conference`, { requireAdmission: true })).status).toBe(200);
    await expect.poll(() => heard(point, 'conference:settings', (p) => p.requireAdmission === true), { timeout: 5_000 }).toBe(true);
    const again = await call(point.socket, 'conference:join', { meetingId: meeting.id });
    expect(again).toMatchObject({ ok: true, data: { state: 'joined' } });
  });

  it('survives the owner being killed: the lease lapses, B takes over and everyone is back in one conference without acting', async () => {
    // A took the conference at the first join (the chair's); B is left
    const owner = await ownerOf();
    const survivor = b;
    // what web/ does on `conference:rejoin`: join again
    const rejoined: Promise<ConferenceJoined>[] = [];
    point.socket.on('conference:rejoin', () => rejoined.push(joinWithin(point, 20_000)));

    // a hand raised on B, held by A (and kept in the database)
    await act(point.socket, 'conference:raiseHand', { meetingId: meeting.id, raised: true });
    await expect.poll(() => heard(chair, 'conference:hand', (p) => p.peerId === id('diemcau.paco') && p.raised === true), { timeout: 5_000 }).toBe(true);
    const pushesBefore = point.pushes.length;
    const killedAt = Date.now();
    await a.kill('SIGKILL');
    // the chair's tab reconnects through the load balancer: only B is left
    chair.socket.disconnect();
    chair = await openTab(survivor.url, chair.client);
    const chairBack = await joinWithin(chair, 30_000);
    await expect.poll(() => rejoined.length, { timeout: 20_000 }).toBeGreaterThan(0);
    const pointBack = await rejoined[0]!;
    const movedInMs = Date.now() - killedAt;

    const newOwner = await ownerOf();
    expect(newOwner).not.toBeNull();
    expect(newOwner).not.toBe(owner);
    expect(await channels()).toEqual([`phs:${scope}:conference-bus:${newOwner}`]);
    // one conference: whoever joined second found the other there, and the first heard the second arrive
    const chairSeesPoint = () => chairBack.peers.some((p) => p.id === id('diemcau.paco')) || heard(chair, 'conference:peerJoined', (p) => (p.peer as ConferencePeer).id === id('diemcau.paco'));
    const pointSeesChair = () =>
      pointBack.peers.some((p) => p.id === id('bithu')) || point.pushes.slice(pushesBefore).some((p) => p.event === 'conference:peerJoined' && (p.payload.peer as ConferencePeer).id === id('bithu'));
    await expect.poll(() => chairSeesPoint() && pointSeesChair(), { timeout: 10_000 }).toBe(true);
    // the mute the chair decided and the raised hand are kept in the database: they hold on the new owner
    expect(pointBack.me.serverMuted).toEqual(['mic']);
    expect(pointBack.me.handRaised).toBe(true);
    console.log(`conference moved to the surviving process ${movedInMs} ms after the owner was killed`);
    expect(movedInMs).toBeLessThan(25_000);
  }, 60_000);
});

/**
 * What happens in the live meeting, and the recording, asked through the
 * process that does not own the conference: two app instances in this test
 * process (so the test can put an RTP-level endpoint in the owner's room),
 * the chair's conference socket on A, everything else through B.
 */
describe.runIf(realDatabaseUrl !== undefined && redisUrl !== undefined)('the live meeting and recording through the other process', () => {
  let db: TestDatabase;
  const servers: TestServer[] = [];
  let meeting: MeetingDto;
  let items: AgendaItemDto[];
  let directory: Directory;
  let onA: People<object>;
  let onB: People<object>;
  let sender: FakeSender | undefined;
  const id = (username: string) => directory.user(username).id;

  beforeAll(async () => {
    db = await createTestDatabase('external');
    const shared = {
      REDIS_URL: redisUrl!,
      BALLOT_KEY: randomBytes(32).toString('base64'),
      MEDIA_WORKERS: '1',
      MEDIA_LISTEN_IP: '127.0.0.1',
      MEDIA_PEER_TIMEOUT_MS: '600000',
      MEDIA_ALLOW_PLAIN_TRANSPORTS: 'true',
      RECORDING_MIN_FREE_MB: '1',
    };
    servers.push(await startTestServer(db, { ...shared, MEDIA_WEBRTC_PORT: '41400-41499' }));
    servers.push(await startTestServer(db, { ...shared, MEDIA_WEBRTC_PORT: '41500-41599' }));
    const [a, b] = servers as [TestServer, TestServer];
    onA = new People(a.url, () => ({}));
    onB = new People(b.url, () => ({}));
    const staff = await secretariat(a.url);
    directory = staff.directory;
    meeting = await createMeeting(staff.secretary, directory, {
      title: 'Hội nghị trực tuyến điều hành qua máy chủ khác',
      membershipTotal: 2,
      members: [['bithu', 'chair'], ['caophong.bithu', 'delegate']],
    });
    items = [];
    for (const title of ['Khai mạc', 'Thảo luận']) items.push(await addAgendaItem(staff.secretary, meeting, { title, plannedMinutes: 10 }));
    await changeStatus(staff.secretary, meeting, 'published');
    await changeStatus(staff.secretary, meeting, 'in_session');
    await onA.connect('bithu');
    await onB.connect('bithu'); // the chair's console, served by B
    await onB.connect('caophong.bithu');
  }, 120_000);

  afterAll(async () => {
    sender?.close();
    onA?.disconnectAll();
    onB?.disconnectAll();
    for (const server of servers) await server.close();
    await db?.drop();
  });

  it('gives the conference floor on the owner when the live meeting gives it on B', async () => {
    const [a, b] = servers as [TestServer, TestServer];
    await onA.act('bithu', 'conference:join', { meetingId: meeting.id });
    await onB.act('caophong.bithu', 'conference:join', { meetingId: meeting.id });
    const room = a.app.modules.conference.service.room(meeting.id)!;
    expect(room.getPeer(id('caophong.bithu'))).toBeDefined();
    expect(b.app.modules.conference.service.room(meeting.id)).toBeUndefined(); // nothing of it on B

    await onB.act('caophong.bithu', 'speaker:request', { meetingId: meeting.id, topic: 'Báo cáo của huyện Cao Phong' });
    const queue = (await onB.act('bithu', 'meeting:snapshot', { meetingId: meeting.id })).speakers;
    await onB.act('bithu', 'speaker:give', { meetingId: meeting.id, requestId: queue[0]!.id });
    await expect.poll(() => room.stage.peerId, { timeout: 5_000 }).toBe(id('caophong.bithu'));
  });

  it('records on the owner when the chair starts and stops through B, with the chapters B opened', async () => {
    const [a, b] = servers as [TestServer, TestServer];
    const room = a.app.modules.conference.service.room(meeting.id)!;
    const peer = await room.join({ peerId: 'hall', displayName: 'Điểm cầu thử', permissions: permissions() });
    sender = await FakeSender.create(peer, { decodable: true });
    await sender.produceAudio();
    await sender.produceVideo();
    sender.start();
    room.setSpotlight('hall');
    await onB.act('bithu', 'agenda:open', { meetingId: meeting.id, itemId: items[0]!.id });

    const chairOnB = onB.get('bithu').client;
    const base = `/api/v1/meetings/${meeting.id}/recordings`;
    const started = await chairOnB.post<RecordingEnvelope>(base);
    expect(started.status).toBe(201);
    expect(a.app.modules.conference.recording.recorder(meeting.id)).toBeDefined();
    expect(b.app.modules.conference.recording.recorder(meeting.id)).toBeUndefined();
    // the delegate may not, through either process
    expect((await onB.get('caophong.bithu').client.post(base)).status).toBe(403);

    await sleep(1_500);
    await onB.act('bithu', 'agenda:next', { meetingId: meeting.id });
    await sleep(1_500);
    const stopped = await chairOnB.post<RecordingEnvelope>(`${base}/stop`);
    expect(stopped.status).toBe(200);
    expect(stopped.body.recording).toMatchObject({ id: started.body.recording.id, status: 'ready', stopReason: 'chair' });
    expect(stopped.body.recording.chapters.map((c) => c.title)).toEqual(['Khai mạc', 'Thảo luận']);
  }, 60_000);
});
