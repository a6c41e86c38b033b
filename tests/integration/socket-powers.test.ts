/**
 * Issue 11, finding 8: an open socket holds its user's powers as they are
 * now. A secretary demoted to an ordinary user loses the secretariat's sight
 * of draft meetings on the socket she already has open; a participant removed
 * from a meeting stops receiving its live updates on every device at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveUpdateMessage } from '../../server/contract/live.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { changeStatus, createMeeting, loggedIn, secretariat } from '../helpers/meetings.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { call, connectSocket, connected, type ClientSocket } from '../helpers/socket.ts';

describe('sockets follow the powers of their user', () => {
  let db: TestDatabase;
  let server: TestServer;
  const sockets: ClientSocket[] = [];

  const socketOf = async (username: string) => {
    const client = await loggedIn(server.url, username);
    const socket = connectSocket(server.url, { cookie: client.cookieHeader });
    sockets.push(socket);
    await connected(socket);
    return socket;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await server?.close();
    await db?.drop();
  });

  it('a secretary demoted to user no longer sees a draft meeting over her open socket', async () => {
    const { secretary, directory } = await secretariat(server.url);
    const draft = await createMeeting(secretary, directory, { title: 'Dự thảo chương trình hội nghị', membershipTotal: 2, members: [['bithu', 'chair']] });
    const socket = await socketOf('thuky');
    expect(await call(socket, 'meeting:snapshot', { meetingId: draft.id })).toMatchObject({ ok: true });

    const admin = await loggedIn(server.url, 'admin');
    expect((await admin.patch(`/api/v1/users/${directory.user('thuky').id}`, { role: 'user' })).status).toBe(200);

    await expect.poll(async () => (await call(socket, 'meeting:snapshot', { meetingId: draft.id })).ok).toBe(false);
    expect(await call(socket, 'meeting:snapshot', { meetingId: draft.id })).toMatchObject({ ok: false, error: { code: 'meetingNotFound' } });
    expect(await call(socket, 'session:whoami', {})).toMatchObject({ ok: true, data: { username: 'thuky', role: 'user' } });
    expect(socket.connected).toBe(true);
    expect((await admin.patch(`/api/v1/users/${directory.user('thuky').id}`, { role: 'secretary' })).status).toBe(200);
  });

  it('a participant removed from a meeting stops hearing its live updates on every device', async () => {
    const { secretary, directory } = await secretariat(server.url);
    const meeting = await createMeeting(secretary, directory, {
      title: 'Hội nghị Ban Thường vụ mở rộng',
      membershipTotal: 3,
      members: [['bithu', 'chair'], ['phobithu', 'delegate'], ['chutich', 'delegate']],
    });
    await changeStatus(secretary, meeting, 'published');
    const chair = await socketOf('bithu');
    const tablet = await socketOf('phobithu');
    const phone = await socketOf('phobithu');
    const heard = new Map<ClientSocket, LiveUpdateMessage[]>();
    for (const socket of [chair, tablet, phone]) {
      heard.set(socket, []);
      socket.on('live:update', (message) => heard.get(socket)!.push(message));
      expect(await call(socket, 'meeting:join', { meetingId: meeting.id })).toMatchObject({ ok: true });
    }
    expect(await call(chair, 'attendance:checkIn', { meetingId: meeting.id })).toMatchObject({ ok: true });
    await expect.poll(() => [tablet, phone].map((socket) => heard.get(socket)!.length)).toEqual([1, 1]);

    const participants = await secretary.get<{ participants: { id: string; userId: string }[] }>(`/api/v1/meetings/${meeting.id}/participants`);
    const place = participants.body.participants.find((p) => p.userId === directory.user('phobithu').id)!;
    expect((await secretary.request('DELETE', `/api/v1/meetings/${meeting.id}/participants/${place.id}`)).status).toBe(204);

    const chairHeardBefore = heard.get(chair)!.length;
    const secretarySocket = await socketOf('thuky');
    expect(await call(secretarySocket, 'attendance:mark', { meetingId: meeting.id, userId: directory.user('chutich').id, status: 'present' })).toMatchObject({ ok: true });
    await expect.poll(() => heard.get(chair)!.length).toBeGreaterThan(chairHeardBefore);
    expect(heard.get(tablet)).toHaveLength(1);
    expect(heard.get(phone)).toHaveLength(1);
  });
});
