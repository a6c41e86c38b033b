/**
 * Page turns sent ahead of their commit when several app processes share a
 * meeting (Redis): the turning process cannot hear the others' changes, so it
 * sends a turn ahead only when its state is exactly the database's version
 * (read with the access check); after a change made through another process
 * the turn goes the ordinary way, and tablets on either process see one
 * version after another, ending on the page the database has.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { LiveResync, LiveUpdateMessage } from '../../server/contract/live.ts';
import { createTestDatabase, realDatabaseUrl, type TestDatabase } from '../helpers/database.ts';
import { changeStatus, createMeeting, loggedIn, pagesPdf, secretariat, uploadDocument } from '../helpers/meetings.ts';
import { socketOf } from '../helpers/people.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { act, type ClientSocket } from '../helpers/socket.ts';

const redisUrl = process.env.REDIS_URL?.trim() || undefined;

describe.runIf(realDatabaseUrl !== undefined && redisUrl !== undefined)('page turns sent ahead, two app processes', () => {
  let db: TestDatabase;
  const servers: TestServer[] = [];
  const sockets: ClientSocket[] = [];
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    for (const server of servers) await server.close();
    await db?.drop();
  });

  it('a change made through the other process is never overtaken: versions follow one another and the last page is the database’s', async () => {
    db = await createTestDatabase('external');
    const shared = { REDIS_URL: redisUrl!, BALLOT_KEY: randomBytes(32).toString('base64') };
    servers.push(...(await Promise.all([startTestServer(db, shared), startTestServer(db, shared)])));
    const [a, b] = servers as [TestServer, TestServer];
    const staff = await secretariat(a.url);
    const meeting = await createMeeting(staff.secretary, staff.directory, {
      title: 'Đại hội đại biểu (phiên trù bị)',
      startsAt: '2026-12-10T01:30:00.000Z',
      membershipTotal: 3,
      members: [['bithu', 'chair'], ['thuky', 'secretary'], ['caophong.bithu', 'delegate']],
    });
    const pdf = await pagesPdf('Báo cáo', Array.from({ length: 8 }, (_, i) => `Trang ${i + 1}.`));
    const document = await uploadDocument(staff.secretary, meeting, { title: 'Báo cáo chính trị', kind: 'report' }, { bytes: pdf, filename: 'bao-cao.pdf' });
    await changeStatus(staff.secretary, meeting, 'published');

    const chair = await socketOf(a.url, await loggedIn(a.url, 'bithu')); // the chair turns pages on A
    const secretary = await socketOf(b.url, await loggedIn(b.url, 'thuky')); // the secretary marks attendance on B
    const tablet = await socketOf(b.url, await loggedIn(b.url, 'caophong.bithu')); // a tablet follows on B
    sockets.push(chair, secretary, tablet);
    const heard: ({ kind: 'update' } & LiveUpdateMessage | { kind: 'resync' } & LiveResync)[] = [];
    tablet.on('live:update', (message) => heard.push({ kind: 'update', ...message }));
    tablet.on('live:resync', (message) => heard.push({ kind: 'resync', ...message }));
    const meetingId = meeting.id;
    for (const socket of [chair, secretary, tablet]) await act(socket, 'meeting:join', { meetingId });
    await act(chair, 'meeting:start', { meetingId });
    await act(chair, 'presentation:show', { meetingId, documentId: document.id, version: 1, page: 1 });

    const acked: number[] = [];
    for (const page of [2, 3, 4]) acked.push((await act(chair, 'presentation:page', { meetingId, page })).version);
    // Through B: A's owner does not hear of it.
    acked.push((await act(secretary, 'attendance:mark', { meetingId, userId: staff.directory.user('caophong.bithu').id, status: 'present' })).version);
    for (const page of [5, 6]) acked.push((await act(chair, 'presentation:page', { meetingId, page })).version);

    for (let i = 1; i < acked.length; i++) expect(acked[i]).toBe(acked[i - 1]! + 1);
    await expect.poll(() => heard.filter((h) => h.kind === 'update' && h.version === acked.at(-1)).length, { timeout: 5_000 }).toBe(1);
    // Every acked version reached the tablet once, in order, and nothing was sent that did not commit.
    expect(heard.filter((h) => h.kind === 'resync')).toEqual([]);
    const versions = heard.filter((h) => h.kind === 'update').map((h) => h.version);
    expect(versions.slice(-acked.length)).toEqual(acked);
    const snapshot = await act(tablet, 'meeting:snapshot', { meetingId });
    expect(snapshot).toMatchObject({ version: acked.at(-1), presentation: { page: 6 } });
  });
});
