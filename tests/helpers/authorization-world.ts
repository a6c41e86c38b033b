/**
 * The world the authorization matrix runs in: two meetings in session — the
 * callers' own (organised by Văn phòng Tỉnh ủy, with chair, delegate, guest,
 * the province hall's endpoint, a paired display, a tuyệt mật document for
 * delegates and an open poll) and a foreign one (organised by Huyện Cao Phong,
 * with the same things and other people) — a commune secretary, and one
 * logged-in client and socket per caller.
 */
import { expect } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import type { UserDto } from '../../server/contract/identity.ts';
import type { MeetingDto } from '../../server/contract/meetings.ts';
import type { Caller, Scope } from './authorization-table.ts';
import { demoDirectory } from './demo.ts';
import { changeStatus, createMeeting, loggedIn, pagesPdf, secretariat, uploadDocument, type Directory, type Members } from './meetings.ts';
import { online } from './people.ts';
import { DEMO_PASSWORD, TestClient } from './server.ts';
import { act, connected, connectSocket, type ClientSocket } from './socket.ts';

const COMMUNE_SECRETARY = { username: 'paco.thuky', password: 'ThuKyXaPaCo#2026' };
/** Accounts of the callers who log in. */
const ACCOUNTS: Partial<Record<Caller, { username: string; password: string }>> = {
  endpoint: { username: 'diemcau.tinh', password: DEMO_PASSWORD },
  guest: { username: 'khach', password: DEMO_PASSWORD },
  delegate: { username: 'phobithu', password: DEMO_PASSWORD },
  chair: { username: 'bithu', password: DEMO_PASSWORD },
  otherSecretariat: COMMUNE_SECRETARY,
  secretariat: { username: 'thuky', password: DEMO_PASSWORD },
  admin: { username: 'admin', password: DEMO_PASSWORD },
};
/** Ids no call may change for the worse (users and units the admin's calls edit); sub-objects that do not exist. */
const HARMLESS = { user: 'giamdoc.noivu', unit: 'Xã Bảo Hiệu' };

export type MatrixWorld = {
  clients: Map<Caller, TestClient>;
  sockets: Map<Caller, ClientSocket>;
  displaySocket: Socket | undefined;
  /** New own and foreign meetings (and the display moved to the new own one): each caller starts from the same state. */
  stage(): Promise<void>;
  ids(scope: Scope): Record<string, string | number>;
  upload(client: TestClient, path: string): Promise<{ status: number; code: string | undefined }>;
  relogin(caller: Caller): Promise<void>;
  close(): void;
};

type Setting = { meeting: MeetingDto; documentId: string; pollId: string; endpointId: string; unitId: string; delegateId: string };
type Stage = { organizer: string; members: Members; endpointId: string; checkIns: ClientSocket[] };

/** A meeting in session with an endpoint, a tuyệt mật document for delegates, its voting members checked in and a poll open. */
async function meetingInSession(secretary: TestClient, directory: Directory, stage: Stage, pdf: Uint8Array): Promise<Setting> {
  const meeting = await createMeeting(secretary, directory, { title: `Hội nghị của ${stage.organizer}`, organizer: stage.organizer, membershipTotal: 2, members: stage.members });
  expect((await secretary.post(`/api/v1/meetings/${meeting.id}/endpoints`, { endpointId: stage.endpointId })).status).toBe(201);
  const document = await uploadDocument(secretary, meeting, { title: 'Phương án nhân sự', kind: 'report', confidentiality: 'top_secret', audience: 'delegates' }, { bytes: pdf, filename: 'nhan-su.pdf' });
  await changeStatus(secretary, meeting, 'published');
  await changeStatus(secretary, meeting, 'in_session');
  for (const socket of stage.checkIns) await act(socket, 'attendance:checkIn', { meetingId: meeting.id });
  const poll = await secretary.post<{ poll: { id: string } }>(`/api/v1/meetings/${meeting.id}/polls`, { kind: 'motion', title: 'Thông qua phương án', secret: false, threshold: 'half_all' });
  expect(poll.status).toBe(201);
  expect((await secretary.post(`/api/v1/meetings/${meeting.id}/polls/${poll.body.poll.id}/open`, {})).status).toBe(200);
  const delegate = stage.members.find(([, role]) => role === 'delegate')![0];
  return { meeting, documentId: document.id, pollId: poll.body.poll.id, endpointId: stage.endpointId, unitId: directory.unit(stage.organizer).id, delegateId: directory.user(delegate).id };
}

export async function setUpMatrixWorld(url: string): Promise<MatrixWorld> {
  const admin = await loggedIn(url, 'admin');
  let { secretary } = await secretariat(url);
  const created = await admin.post<{ user: UserDto }>('/api/v1/users', {
    username: COMMUNE_SECRETARY.username,
    fullName: 'Hà Thị Xuân',
    unitId: (await demoDirectory(admin)).unit('Xã Pà Cò').id,
    role: 'secretary',
    password: COMMUNE_SECRETARY.password,
  });
  expect(created.status).toBe(201);
  const directory = await demoDirectory(admin);
  const endpoints = (await secretary.get<{ endpoints: { id: string; name: string }[] }>('/api/v1/endpoints')).body.endpoints;
  const hall = (name: string) => endpoints.find((e) => e.name === name)!.id;
  const pdf = await pagesPdf('Phương án nhân sự', ['Danh sách nhân sự, tài liệu tuyệt mật']);
  // The foreign meeting's voting members, online for the whole run (they check in to each new meeting).
  const strangers = await Promise.all(['caophong.bithu', 'paco.chutich'].map((name) => online(url, name)));
  const clients = new Map<Caller, TestClient>();
  const sockets = new Map<Caller, ClientSocket>();
  clients.set('anonymous', new TestClient(url));
  // A hall display paired to the own meeting (again to each new one): its device cookie is all it has.
  const screen = new TestClient(url);
  const pairScreen = async (meetingId: string) => {
    const pairing = await screen.post<{ pairing: { code: string } }>('/api/v1/display/pairings');
    expect((await secretary.post(`/api/v1/meetings/${meetingId}/displays`, { code: pairing.body.pairing.code, name: 'Màn hình hội trường' })).status).toBe(201);
  };
  clients.set('display', screen);
  await pairScreen((await createMeeting(secretary, directory, { title: 'Hội nghị chờ màn hình', membershipTotal: 1, members: [] })).id);
  const displaySocket = io(`${url}/display`, { path: '/socket.io', transports: ['websocket'], extraHeaders: { cookie: screen.cookieHeader, origin: url }, reconnection: false, forceNew: true });
  await connected(displaySocket);
  const login = async (caller: Caller) => {
    const account = ACCOUNTS[caller]!;
    const client = await loggedIn(url, account.username, account.password);
    sockets.get(caller)?.disconnect();
    const socket = connectSocket(url, { cookie: client.cookieHeader });
    await connected(socket);
    clients.set(caller, client);
    sockets.set(caller, socket);
  };
  for (const caller of Object.keys(ACCOUNTS) as Caller[]) await login(caller);

  const absent = crypto.randomUUID();
  const common = {
    id: directory.user(HARMLESS.user).id,
    participantId: absent,
    commentId: absent,
    itemId: absent,
    displayId: absent,
    transportId: absent,
    producerId: absent,
    consumerId: absent,
    peerId: absent,
    agendaItemId: absent,
    parentId: directory.unit('Huyện Mai Châu').id,
    version: 1,
    // A status change that cannot happen (both meetings are in session already): who may try is what is checked.
    to: 'in_session',
  };
  const scoped = (setting: Setting) => ({
    ...common,
    meetingId: setting.meeting.id,
    documentId: setting.documentId,
    pollId: setting.pollId,
    endpointId: setting.endpointId,
    organizerUnitId: setting.unitId,
    // The meeting's delegate: marked absent, revoked, added again — within one caller's run, on meetings made for it.
    userId: setting.delegateId,
  });
  const harmlessUnit = directory.unit(HARMLESS.unit).id;
  let own: Setting | undefined;
  let foreign: Setting | undefined;
  const stage = async () => {
    // A caller may have ended every session of the secretary (logout everywhere): a fresh one prepares the meetings.
    secretary = await loggedIn(url, 'thuky');
    own = await meetingInSession(secretary, directory, { organizer: 'Văn phòng Tỉnh ủy', members: [['bithu', 'chair'], ['phobithu', 'delegate'], ['khach', 'guest']], endpointId: hall('Hội trường Tỉnh ủy Hòa Bình'), checkIns: [sockets.get('chair')!, sockets.get('delegate')!] }, pdf);
    foreign = await meetingInSession(secretary, directory, { organizer: 'Huyện Cao Phong', members: [['caophong.bithu', 'chair'], ['paco.chutich', 'delegate']], endpointId: hall('Điểm cầu huyện Cao Phong'), checkIns: strangers.map((p) => p.socket) }, pdf);
    await pairScreen(own.meeting.id);
  };
  return {
    stage,
    clients,
    sockets,
    displaySocket,
    ids: (scope) => ({ ...scoped((scope === 'own' ? own : foreign)!), unitId: harmlessUnit }),
    async upload(client, path) {
      const answer = await client.upload<{ error?: { code: string } }>(path, { title: 'Tài liệu bổ sung', kind: 'reference' }, { bytes: pdf, filename: 'bo-sung.pdf' });
      return { status: answer.status, code: answer.body.error?.code };
    },
    relogin: async (caller) => {
      if (ACCOUNTS[caller] !== undefined) await login(caller);
    },
    close() {
      displaySocket.disconnect();
      for (const person of strangers) person.socket.disconnect();
      for (const socket of sockets.values()) socket.disconnect();
    },
  };
}
