/**
 * A hall's requests for one document are answered together (sessions,
 * document readers and meeting roles gathered into one query each:
 * lib/natural-batch.ts). Gathering must never hand one reader's answer to
 * another: here people with every kind of answer ask for the same versions
 * at the same moment, again and again, and each must get exactly their own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentDto } from '../../server/contract/documents.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { changeStatus, createMeeting, loggedIn, pagesPdf, secretariat, uploadDocument } from '../helpers/meetings.ts';
import { startTestServer, type TestClient, type TestServer } from '../helpers/server.ts';

const ROUNDS = 6;

describe('readers asking at the same moment', () => {
  let db: TestDatabase;
  let server: TestServer;
  let named: DocumentDto;
  let forDelegates: DocumentDto;
  /** username → client, and what each must be told for each document */
  let readers: { username: string; client: TestClient; named: number; forDelegates: number }[];

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db, { RATE_LIMIT_PER_USER_PER_MINUTE: '1000000', RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '1000000' });
    const { secretary, directory } = await secretariat(server.url);
    const meeting = await createMeeting(secretary, directory, {
      kind: 'bch',
      title: 'Hội nghị Ban Chấp hành (đọc đồng thời)',
      membershipTotal: 55,
      members: [['caophong.bithu', 'delegate'], ['maichau.bithu', 'delegate'], ['phobithu', 'delegate'], ['khach', 'guest']],
    });
    const bytes = await pagesPdf('Tờ trình', ['Trang 1: nhân sự.', 'Trang 2: đề xuất.']);
    named = await uploadDocument(
      secretary,
      meeting,
      { title: 'Tờ trình nhân sự (gửi đích danh)', kind: 'submission', audience: 'named', readerIds: [directory.user('caophong.bithu').id, directory.user('maichau.bithu').id, directory.user('khach').id].join(',') },
      { bytes, filename: 'to-trinh.pdf' },
    );
    forDelegates = await uploadDocument(secretary, meeting, { title: 'Báo cáo chính trị', kind: 'report', audience: 'delegates' }, { bytes, filename: 'bao-cao.pdf' });
    await changeStatus(secretary, meeting, 'published');
    // Xa Văn Tùng is named, but his access to the named document is revoked.
    expect((await secretary.post(`/api/v1/documents/${named.id}/revocations`, { userId: directory.user('maichau.bithu').id })).status).toBe(204);

    const who = async (username: string, namedStatus: number, delegatesStatus: number) => ({ username, client: await loggedIn(server.url, username), named: namedStatus, forDelegates: delegatesStatus });
    readers = await Promise.all([
      who('caophong.bithu', 200, 200), // named delegate
      who('maichau.bithu', 404, 200), // named, revoked
      who('phobithu', 404, 200), // delegate, not named
      who('khach', 200, 404), // named guest: not a delegate
      who('bithu', 404, 404), // not in this meeting
      who('thuky', 200, 200), // the secretariat manages it (by office)
      who('admin', 200, 200), // manages every meeting
    ]);
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('each gets their own answer, however the questions were gathered', async () => {
    const file = (document: DocumentDto) => `/api/v1/documents/${document.id}/versions/1/file`;
    for (let round = 0; round < ROUNDS; round++) {
      // Every reader, both documents, two requests each (a first range and the rest): all at once.
      const asked = readers.flatMap((reader) =>
        [named, forDelegates].flatMap((document) =>
          ['bytes=0-1023', 'bytes=1024-'].map(async (range) => ({
            who: `${reader.username} → ${document.title} (${range})`,
            status: (await reader.client.fetchRaw(file(document), { range })).status,
            expected: document === named ? reader.named : reader.forDelegates,
          })),
        ),
      );
      const answers = await Promise.all(asked);
      // 200 expected means granted: a range request is answered 206.
      expect(answers.map((a) => `${a.who}: ${a.status === 206 ? 200 : a.status}`)).toEqual(answers.map((a) => `${a.who}: ${a.expected}`));
    }
  });

  it('a logged-out session asking beside live ones is refused, the others are not', async () => {
    const leaving = await loggedIn(server.url, 'caophong.bithu');
    const staying = readers.find((r) => r.username === 'caophong.bithu')!.client;
    expect((await leaving.fetchRaw(`/api/v1/documents/${forDelegates.id}/versions/1/file`)).status).toBe(200);
    const kept = new Map(leaving.cookies);
    expect((await leaving.post('/api/v1/auth/logout', {})).status).toBeLessThan(300);
    // The old cookie sent again (a stolen copy, or a tab that did not hear of the logout).
    leaving.cookies = kept;
    const statuses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? leaving : staying).fetchRaw(`/api/v1/documents/${forDelegates.id}/versions/1/file`, { range: 'bytes=0-99' }).then((r) => r.status)),
    );
    expect(statuses).toEqual(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 401 : 206)));
  });
});
