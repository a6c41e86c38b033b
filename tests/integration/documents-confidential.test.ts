/**
 * Findings 5, 6, 9 and 15 against the real server: a confidential (mật)
 * document leaves the server only stamped with the reader's name, unit and
 * time (viewer file, ranges, thumbnail, export, the wall), its original and
 * checksum only to the secretariat; mật without an audience means delegates,
 * never guests; presenting needs the right to read; revocation reaches an
 * open viewer; one thumbnail render however many ask; heavy PDF work past the
 * pool's queue is answered 503 with Retry-After; upload temp files of a
 * crashed process are swept at start.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, mkdir, mkdtemp, readFile, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DocumentDto, DocumentVersionDto } from '../../server/contract/documents.ts';
import type { AgendaItemDto, MeetingDto } from '../../server/contract/meetings.ts';
import { makeInflateBombPdf } from '../fixtures/pdf/hostile.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { addAgendaItem, changeStatus, createMeeting, loggedIn, pagesPdf, secretariat, uploadDocument, type Directory } from '../helpers/meetings.ts';
import { online, socketOf, type Person } from '../helpers/people.ts';
import { startTestServer, TestClient, type TestServer } from '../helpers/server.ts';
import { act, refusal } from '../helpers/socket.ts';

const run = promisify(execFile);
type ErrorBody = { error: { code: string; message: string } };

/** The text poppler reads from these bytes (what a leaked copy would show). */
async function pdfText(bytes: Uint8Array): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'phs-stamp-'));
  const file = path.join(dir, 'copy.pdf');
  await writeFile(file, bytes);
  return (await run('pdftotext', ['-q', '-enc', 'UTF-8', file, '-'])).stdout.normalize('NFC');
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const bytesOf = async (response: Response) => new Uint8Array(await response.arrayBuffer());

describe('confidential documents and bounded PDF work', () => {
  let db: TestDatabase;
  let server: TestServer;
  let directory: Directory;
  let secretary: TestClient;
  let delegate: TestClient;
  let guest: TestClient;
  let chair: Person;
  let presenter: Person;
  let meeting: MeetingDto;
  let item: AgendaItemDto;
  let secretBytes: Uint8Array;
  let secret: DocumentDto;
  let named: DocumentDto;
  let plain: DocumentDto;
  let stalePart: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    // An upload a crashed process left behind, an hour old.
    const tmp = path.join(db.dataDir, 'documents', 'tmp');
    await mkdir(tmp, { recursive: true });
    stalePart = path.join(tmp, `${'ab'.repeat(16)}.part`);
    await writeFile(stalePart, 'half an upload');
    const anHourAgo = new Date(Date.now() - 3_600_000);
    await utimes(stalePart, anHourAgo, anHourAgo);

    server = await startTestServer(db, { PDF_WORKERS: '1', PDF_QUEUE_LIMIT: '1' });
    ({ secretary, directory } = await secretariat(server.url));
    delegate = await loggedIn(server.url, 'caophong.bithu');
    guest = await loggedIn(server.url, 'khach');
    meeting = await createMeeting(secretary, directory, {
      title: 'Hội nghị Ban Thường vụ Tỉnh ủy (phiên bàn công tác cán bộ)',
      membershipTotal: 3,
      members: [['bithu', 'chair'], ['caophong.bithu', 'delegate'], ['chutich', 'delegate'], ['khach', 'guest']],
    });
    item = await addAgendaItem(secretary, meeting, { title: 'Công tác cán bộ', plannedMinutes: 30, presenterUserId: directory.user('chutich').id });
    secretBytes = await pagesPdf('Báo cáo nhân sự', ['Nội dung mật trang một.', 'Nội dung mật trang hai.']);
    // Mật, and nobody said who reads it.
    secret = await uploadDocument(secretary, meeting, { title: 'Báo cáo nhân sự (Mật)', kind: 'report', confidentiality: 'confidential' }, { bytes: secretBytes, filename: 'nhan-su.pdf' });
    named = (
      await secretary.upload<{ document: DocumentDto }>(
        `/api/v1/meetings/${meeting.id}/documents`,
        { title: 'Phương án nhân sự (Tối mật)', kind: 'report', confidentiality: 'secret', audience: 'named', readerIds: directory.user('caophong.bithu').id },
        { bytes: await pagesPdf('Phương án', ['Chỉ người được chỉ định.']), filename: 'phuong-an.pdf' },
      )
    ).body.document;
    plain = await uploadDocument(
      secretary,
      meeting,
      { title: 'Đề án chuyển đổi số', kind: 'submission', audience: 'all' },
      { bytes: await pagesPdf('Đề án', Array.from({ length: 120 }, (_, i) => `Trang nội dung số ${i + 1} của đề án chuyển đổi số.`)), filename: 'de-an.pdf' },
    );
    await changeStatus(secretary, meeting, 'published');
    chair = await online(server.url, 'bithu');
    presenter = await online(server.url, 'chutich');
  });
  afterAll(async () => {
    chair?.socket.disconnect();
    presenter?.socket.disconnect();
    await server?.close();
    await db?.drop();
  });

  it('sweeps the upload temp files a crashed process left, at start', async () => {
    await expect(access(stalePart)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a mật document uploaded without an audience is for delegates only, never guests', async () => {
    expect(secret.audience).toBe('delegates');
    expect((await guest.get(`/api/v1/documents/${secret.id}`)).status).toBe(404);
    expect((await guest.fetchRaw(`/api/v1/documents/${secret.id}/versions/1/file`)).status).toBe(404);
    expect((await guest.fetchRaw(`/api/v1/documents/${secret.id}/versions/1/thumbnail`)).status).toBe(404);
    expect((await delegate.get(`/api/v1/documents/${secret.id}`)).status).toBe(200);

    // Made mật later without a word on the audience: "everyone" narrows to the delegates too.
    const raised = await uploadDocument(secretary, meeting, { title: 'Tờ trình bổ sung', kind: 'submission' }, { bytes: await pagesPdf('Tờ trình', ['Một trang.']), filename: 'to-trinh.pdf' });
    expect(raised.audience).toBe('all');
    expect((await secretary.patch<{ document: DocumentDto }>(`/api/v1/documents/${raised.id}`, { confidentiality: 'secret' })).body.document.audience).toBe('delegates');
    expect((await guest.get(`/api/v1/documents/${raised.id}`)).status).toBe(404);
  });

  it('a delegate gets a copy stamped with their name, unit and time, with ranges; the original only the secretariat', async () => {
    const view = await delegate.fetchRaw(`/api/v1/documents/${secret.id}/versions/1/file`);
    expect(view.status).toBe(200);
    const copy = await bytesOf(view);
    expect(sha256(copy)).not.toBe(sha256(secretBytes));
    const text = await pdfText(copy);
    expect(text).toContain('Đinh Thị Hồng');
    expect(text).toContain('Huyện Cao Phong');
    expect(text).toMatch(/\d{1,2}:\d{2}:\d{2}/);
    expect(text).toContain('Nội dung mật trang hai.');

    // The same copy answers the viewer's range requests.
    const range = await delegate.fetchRaw(`/api/v1/documents/${secret.id}/versions/1/file`, { range: 'bytes=0-99' });
    expect(range.status).toBe(206);
    expect(Buffer.from(await bytesOf(range))).toEqual(Buffer.from(copy.subarray(0, 100)));

    // The original: refused to the delegate, given to the secretariat.
    expect((await delegate.fetchRaw(`/api/v1/documents/${secret.id}/versions/1/download`)).status).toBe(403);
    const original = await secretary.fetchRaw(`/api/v1/documents/${secret.id}/versions/1/download`);
    expect(original.status).toBe(200);
    expect(sha256(await bytesOf(original))).toBe(sha256(secretBytes));
    expect(sha256(await bytesOf(await secretary.fetchRaw(`/api/v1/documents/${secret.id}/versions/1/file`)))).toBe(sha256(secretBytes));

    // The checksum would confirm the original: managers only.
    const mine = (await delegate.get<{ versions: DocumentVersionDto[] }>(`/api/v1/documents/${secret.id}/versions`)).body.versions;
    expect(mine[0]).not.toHaveProperty('sha256');
    const theirs = (await secretary.get<{ versions: DocumentVersionDto[] }>(`/api/v1/documents/${secret.id}/versions`)).body.versions;
    expect(theirs[0]!.sha256).toBe(sha256(secretBytes));

    // Export and thumbnail are stamped too.
    const exported = await delegate.fetchRaw(`/api/v1/documents/${secret.id}/versions/1/export`);
    expect(exported.status).toBe(200);
    expect(await pdfText(await bytesOf(exported))).toContain('Đinh Thị Hồng');
    const thumbOf = async (client: TestClient) => sha256(await bytesOf(await client.fetchRaw(`/api/v1/documents/${secret.id}/versions/1/thumbnail`)));
    expect(await thumbOf(delegate)).not.toBe(await thumbOf(secretary));
  });

  it('three requests at once for a new thumbnail draw it once', async () => {
    const renders = vi.spyOn(server.app.modules.documents.pdf, 'thumbnail');
    try {
      const answers = await Promise.all([1, 2, 3].map(() => delegate.fetchRaw(`/api/v1/documents/${plain.id}/versions/1/thumbnail`)));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
      const pictures = await Promise.all(answers.map(async (a) => sha256(await bytesOf(a))));
      expect(new Set(pictures).size).toBe(1);
      expect(renders).toHaveBeenCalledTimes(1);
    } finally {
      renders.mockRestore();
    }
  });

  it('refuses a file beyond the caps with a message naming the cap', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'phs-bomb-'));
    const bomb = await readFile(await makeInflateBombPdf(dir));
    const refused = await secretary.upload<ErrorBody>(`/api/v1/meetings/${meeting.id}/documents`, { title: 'Tệp độc', kind: 'report' }, { bytes: bomb, filename: 'bom.pdf' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('pdfStreamTooLarge');
    expect(refused.body.error.message).toBe('Tệp PDF có nội dung nén giải ra quá lớn: tối đa 256 MB');
  });

  /** Heavy PDF calls at once; the answers' statuses, each refusal checked for its Retry-After. */
  async function heavyCalls(clients: TestClient[], busy: 429 | 503): Promise<number[]> {
    const answers = await Promise.all(clients.map((client) => client.fetchRaw(`/api/v1/documents/${plain.id}/versions/1/annotated`)));
    for (const answer of answers) {
      if (answer.status === busy) {
        expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(((await answer.json()) as ErrorBody).error.code).toBe('pdfBusy');
      } else await answer.arrayBuffer();
    }
    return answers.map((a) => a.status);
  }

  it('one reader’s burst of heavy PDF calls gets 429 with Retry-After past two at once', async () => {
    const statuses = await heavyCalls(Array.from({ length: 8 }, () => delegate), 429);
    expect(statuses).toContain(200);
    expect(statuses).toContain(429);
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
  });

  it('heavy PDF work past the pool’s queue is answered 503 with Retry-After, the rest served', async () => {
    const readers = [delegate, secretary, guest, chair.client, presenter.client];
    const statuses = await heavyCalls([...readers, ...readers], 503);
    expect(statuses).toContain(200);
    expect(statuses).toContain(503);
    expect(statuses.every((s) => s === 200 || s === 503 || s === 429)).toBe(true);
  });

  it('only a document the presenter may read goes on the wall, and the wall stops when they may no longer read it', async () => {
    await act(chair.socket, 'meeting:start', { meetingId: meeting.id });
    await act(chair.socket, 'agenda:open', { meetingId: meeting.id, itemId: item.id });
    // Neither the item's presenter nor the chair is named on it.
    expect(await refusal(presenter.socket, 'presentation:show', { meetingId: meeting.id, documentId: named.id, version: 1, page: 1 })).toBe('documentNotReadable');
    expect(await refusal(chair.socket, 'presentation:show', { meetingId: meeting.id, documentId: named.id, version: 1, page: 1 })).toBe('documentNotReadable');
    // The secretariat may show it; the chair may not take it over by turning its page.
    const office = await socketOf(server.url, secretary);
    try {
      await act(office, 'presentation:show', { meetingId: meeting.id, documentId: named.id, version: 1, page: 1 });
      expect(await refusal(chair.socket, 'presentation:page', { meetingId: meeting.id, page: 1 })).toBe('documentNotReadable');
    } finally {
      office.disconnect();
    }

    const wall = new TestClient(server.url);
    const code = (await wall.post<{ pairing: { code: string } }>('/api/v1/display/pairings')).body.pairing.code;
    expect((await secretary.post(`/api/v1/meetings/${meeting.id}/displays`, { code, name: 'Màn hình hội trường A' })).status).toBe(201);

    // A confidential document on the wall is stamped with the screen's name.
    await act(presenter.socket, 'presentation:show', { meetingId: meeting.id, documentId: secret.id, version: 1, page: 1 });
    const onWall = await wall.fetchRaw(`/api/v1/display/presentation/file?document=${secret.id}&version=1`);
    expect(onWall.status).toBe(200);
    const wallCopy = await bytesOf(onWall);
    expect(sha256(wallCopy)).not.toBe(sha256(secretBytes));
    expect(await pdfText(wallCopy)).toContain('Màn hình hội trường A');

    // The presenter's access is revoked: the wall no longer serves it.
    expect((await secretary.post(`/api/v1/documents/${secret.id}/revocations`, { userId: directory.user('chutich').id })).status).toBe(204);
    expect((await wall.fetchRaw(`/api/v1/display/presentation/file?document=${secret.id}&version=1`)).status).toBe(404);
  });

  it('narrowing a document’s audience tells the readers it leaves out, and only them', async () => {
    const pdf = await pagesPdf('Tờ trình', ['Một trang.']);
    const doc = await uploadDocument(secretary, meeting, { title: 'Tờ trình kiện toàn nhân sự', kind: 'submission', audience: 'all' }, { bytes: pdf, filename: 'to-trinh.pdf' });
    const reader = await online(server.url, 'caophong.bithu');
    try {
      const left: { documentId: string }[] = [];
      const kept: { documentId: string }[] = [];
      reader.socket.on('document:revoked', (payload) => left.push(payload));
      presenter.socket.on('document:revoked', (payload) => kept.push(payload));
      const narrowed = await secretary.patch<{ document: DocumentDto }>(`/api/v1/documents/${doc.id}`, { audience: 'named', readerIds: [directory.user('chutich').id] });
      expect(narrowed.status).toBe(200);
      await expect.poll(() => left, { timeout: 5_000 }).toEqual([{ documentId: doc.id }]);
      expect(kept).toEqual([]);
    } finally {
      reader.socket.disconnect();
    }
  });

  it('a revocation reaches the reader’s open viewer at once', async () => {
    const reader = await online(server.url, 'caophong.bithu');
    try {
      const pushed: { documentId: string }[] = [];
      reader.socket.on('document:revoked', (payload) => pushed.push(payload));
      expect((await secretary.post(`/api/v1/documents/${plain.id}/revocations`, { userId: directory.user('caophong.bithu').id })).status).toBe(204);
      await expect.poll(() => pushed, { timeout: 5_000 }).toEqual([{ documentId: plain.id }]);
    } finally {
      reader.socket.disconnect();
    }
  });
});
