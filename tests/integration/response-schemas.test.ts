/**
 * Issue 10, acceptance 3: every REST route declares the schema of its success
 * answer, so the answer is typed and serialised from the contract (and the
 * web client reads its envelope types from the same schemas). Together with
 * the response check the test servers run (server/plugins/response-check.ts:
 * an answer with an undeclared status, or one the schema would change, fails
 * the request), every route is held to what its schema says.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UnitEnvelope, UnitListEnvelope } from '../../server/contract/identity.ts';
import type { PollEnvelope, PublicVotesEnvelope } from '../../server/contract/votes.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { changeStatus, createMeeting, loggedIn, secretariat } from '../helpers/meetings.ts';
import { socketOf } from '../helpers/people.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { act } from '../helpers/socket.ts';

/** The catch-all routes that answer routeNotFound: no success to describe. */
const NOT_FOUND_ROUTES = new Set(['/api/v1/*', '/api/*']);

describe('response schemas', () => {
  let db: TestDatabase;
  let server: TestServer;

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db);
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('every API route declares a schema for a 2xx answer', () => {
    const routes = server.app.catalog.routes.filter((route) => route.url.startsWith('/api/') && !NOT_FOUND_ROUTES.has(route.url));
    // The whole API, not a stray few: a broken catalog would make this test pass on nothing.
    expect(routes.length).toBeGreaterThan(60);
    const missing = routes
      .filter((route) => !Object.keys(route.schema?.response ?? {}).some((status) => /^2(\d\d|xx)$/.test(status)))
      .map((route) => `${route.method} ${route.url}`);
    expect(missing).toEqual([]);
  });

  // Routes no other test calls with success: their answers pass the response check here.
  it('one unit, as the list shows it', async () => {
    const { secretary } = await secretariat(server.url);
    const [unit] = (await secretary.get<UnitListEnvelope>('/api/v1/units')).body.units;
    const one = await secretary.get<UnitEnvelope>(`/api/v1/units/${unit!.id}`);
    expect(one.status).toBe(200);
    expect(one.body.unit).toEqual(unit);
  });

  it('who voted how in a published public poll', async () => {
    const { secretary, directory } = await secretariat(server.url);
    const meeting = await createMeeting(secretary, directory, {
      title: 'Họp thường kỳ tháng Mười Hai',
      membershipTotal: 2,
      members: [['bithu', 'chair'], ['phobithu', 'delegate']],
    });
    await changeStatus(secretary, meeting, 'published');
    const chair = await loggedIn(server.url, 'bithu');
    await changeStatus(chair, meeting, 'in_session');
    const polls = `/api/v1/meetings/${meeting.id}/polls`;
    const { poll } = (await chair.post<PollEnvelope>(polls, { kind: 'motion', title: 'Thông qua chương trình hội nghị', secret: false, eligibility: 'all_members' })).body;
    expect((await chair.post(`${polls}/${poll.id}/open`, { quorumOverrideReason: 'Kiểm tra hệ thống trước giờ họp' })).status).toBe(200);
    for (const [client, choice] of [[chair, 'yes'], [await loggedIn(server.url, 'phobithu'), 'no']] as const) {
      const socket = await socketOf(server.url, client);
      try {
        await act(socket, 'vote:cast', { meetingId: meeting.id, pollId: poll.id, idempotencyKey: `key-${choice}-${poll.id.slice(0, 8)}`, choice });
      } finally {
        socket.disconnect();
      }
    }
    expect((await chair.post(`${polls}/${poll.id}/close`)).status).toBe(200);
    expect((await chair.post(`${polls}/${poll.id}/publish`)).status).toBe(200);

    const votes = await chair.get<PublicVotesEnvelope>(`${polls}/${poll.id}/votes`);
    expect(votes.status).toBe(200);
    expect(votes.body.votes).toEqual(
      [
        { fullName: directory.user('bithu').fullName, choice: 'yes' },
        { fullName: directory.user('phobithu').fullName, choice: 'no' },
      ].sort((a, b) => a.fullName.localeCompare(b.fullName, 'vi')),
    );
  });
});
