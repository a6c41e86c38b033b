/**
 * Acceptance 4 of issue 13: granted reads are remembered for a moment per
 * session (documents/access-cache.ts), yet a revocation must still stop a
 * reader at once. Under bench:documents-style load (many sessions reading
 * the same PDF by ranges), one reader's document is revoked and another is
 * removed from the meeting while both are fetching ranges: every request
 * they start after the change is acknowledged is refused, and the first
 * refusal comes within one second.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentDto } from '../../server/contract/documents.ts';
import type { MeetingDto, ParticipantDto } from '../../server/contract/meetings.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { changeStatus, createMeeting, loggedIn, pagesPdf, secretariat, uploadDocument, type Directory } from '../helpers/meetings.ts';
import { startTestServer, type TestClient, type TestServer } from '../helpers/server.ts';

const CHUNK = 16 * 1024;
const LOAD_SESSIONS = 24;

type Attempt = { startedAt: number; status: number };

/** Reads the file by consecutive ranges, round and round, until stopped; every request's start time and status. */
function readLoop(client: TestClient, url: string, size: number, stop: { done: boolean }, attempts: Attempt[] = []): Promise<Attempt[]> {
  return (async () => {
    for (let offset = 0; !stop.done; offset = (offset + CHUNK) % size) {
      const startedAt = performance.now();
      const response = await client.fetchRaw(url, { range: `bytes=${offset}-${Math.min(offset + CHUNK, size) - 1}` });
      await response.arrayBuffer();
      attempts.push({ startedAt, status: response.status });
    }
    return attempts;
  })();
}

describe('revocation under range-reading load', () => {
  let db: TestDatabase;
  let server: TestServer;
  let secretary: TestClient;
  let directory: Directory;
  let meeting: MeetingDto;
  let document: DocumentDto;
  let size: number;
  let load: TestClient[];

  beforeAll(async () => {
    db = await createTestDatabase();
    // Hundreds of simulated tablets from one address, as in a hall behind one NAT.
    server = await startTestServer(db, { RATE_LIMIT_PER_USER_PER_MINUTE: '1000000', RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '1000000', LOGIN_MAX_FAILURES_PER_ACCOUNT: '1000', LOGIN_MAX_FAILURES_PER_ADDRESS: '100000' });
    ({ secretary, directory } = await secretariat(server.url));
    meeting = await createMeeting(secretary, directory, {
      kind: 'bch',
      title: 'Hội nghị đo tải',
      membershipTotal: 55,
      members: [['caophong.bithu', 'delegate'], ['maichau.bithu', 'delegate'], ['khach', 'guest']],
    });
    const bytes = await pagesPdf('Hồ sơ', Array.from({ length: 30 }, (_, i) => `Trang ${i + 1}: báo cáo chính trị, đoạn dài. `.repeat(40)));
    size = bytes.length;
    document = await uploadDocument(secretary, meeting, { title: 'Báo cáo chính trị', kind: 'report', audience: 'all' }, { bytes, filename: 'bao-cao.pdf' });
    await changeStatus(secretary, meeting, 'published');
    load = await Promise.all(Array.from({ length: LOAD_SESSIONS }, (_, i) => loggedIn(server.url, i % 2 === 0 ? 'khach' : 'thuky')));
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  /** Runs the load and two readers; `change` revokes one of them (acknowledged when it resolves); returns what that reader saw after. */
  async function underLoad(reader: TestClient, change: () => Promise<void>): Promise<{ after: Attempt[]; before: Attempt[]; ackedAt: number; loadStatuses: Set<number> }> {
    const url = `/api/v1/documents/${document.id}/versions/1/file`;
    const stop = { done: false };
    const loops = load.filter((client) => client !== reader).map((client) => readLoop(client, url, size, stop));
    const progress: Attempt[] = [];
    const mine = readLoop(reader, url, size, stop, progress);
    // The reader has been granted several reads (so their answer is remembered) before the change.
    while (progress.filter((a) => a.status === 206).length < 5) await new Promise((resolve) => setTimeout(resolve, 20));
    await change();
    const ackedAt = performance.now();
    // Keep reading after the change: past the one second a remembered answer may live.
    while (performance.now() - ackedAt < 1500) await new Promise((resolve) => setTimeout(resolve, 50));
    stop.done = true;
    const seen = await mine;
    const loadStatuses = new Set((await Promise.all(loops)).flat().map((a) => a.status));
    return { before: seen.filter((a) => a.startedAt < ackedAt), after: seen.filter((a) => a.startedAt >= ackedAt), ackedAt, loadStatuses };
  }

  it('a revoked reader’s next range request is refused, while everyone else keeps reading', async () => {
    const reader = await loggedIn(server.url, 'caophong.bithu');
    const { before, after, loadStatuses } = await underLoad(reader, async () => {
      expect((await secretary.post(`/api/v1/documents/${document.id}/revocations`, { userId: directory.user('caophong.bithu').id })).status).toBe(204);
    });
    expect(before.filter((a) => a.status === 206).length).toBeGreaterThan(2);
    expect(after.length).toBeGreaterThan(0);
    expect(after.map((a) => a.status).filter((s) => s !== 404)).toEqual([]);
    expect(loadStatuses).toEqual(new Set([206]));
  });

  it('a reader removed from the meeting is refused at their next range request', async () => {
    const reader = await loggedIn(server.url, 'maichau.bithu');
    const { participants } = (await secretary.get<{ participants: ParticipantDto[] }>(`/api/v1/meetings/${meeting.id}/participants`)).body;
    const participant = participants.find((p) => p.userId === directory.user('maichau.bithu').id)!;
    const { before, after, loadStatuses } = await underLoad(reader, async () => {
      expect((await secretary.request('DELETE', `/api/v1/meetings/${meeting.id}/participants/${participant.id}`)).status).toBe(204);
    });
    expect(before.filter((a) => a.status === 206).length).toBeGreaterThan(2);
    expect(after.length).toBeGreaterThan(0);
    expect(after.map((a) => a.status).filter((s) => s !== 404)).toEqual([]);
    expect(loadStatuses).toEqual(new Set([206]));
  });

  it('without the in-process notice (another app process revoked), the remembered answer ends within one second', async () => {
    // A revocation written straight to the database, as another process would: this one hears nothing of it.
    const reader = load[0]!;
    const khach = directory.user('khach').id;
    const { after, ackedAt } = await underLoad(reader, async () => {
      await server.database.sql`insert into document_revocations (document_id, user_id, revoked_by) values (${document.id}, ${khach}, ${directory.user('thuky').id})`;
    });
    const refused = after.filter((a) => a.status === 404);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]!.startedAt - ackedAt).toBeLessThan(1000);
    // Once refused, never granted again.
    const firstRefused = after.indexOf(refused[0]!);
    expect(after.slice(firstRefused).map((a) => a.status).filter((s) => s !== 404)).toEqual([]);
  });
});
