import http from 'node:http';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentDto, DocumentVersionDto, NotificationDto, SearchHit } from '../../server/contract/documents.ts';
import type { AgendaItemDto, MeetingDto } from '../../server/contract/meetings.ts';
import { inspectPdf } from '../../server/modules/documents/pdf-inspect.ts';
import { PAGE_BREAK, renderTextPdf } from '../../server/modules/documents/text-pdf.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { demoDirectory } from '../helpers/demo.ts';
import { addAgendaItem, createMeeting, loggedIn } from '../helpers/meetings.ts';
import { startTestServer, type TestClient, type TestServer } from '../helpers/server.ts';
import { connectSocket, connected } from '../helpers/socket.ts';
import { writeFile, mkdtemp } from 'node:fs/promises';
import os from 'node:os';

type ErrorBody = { error: { code: string; message: string; field?: string } };

/** A four-page draft resolution; "nghị quyết về chuyển đổi số" stands on page 3 only. */
async function draftResolution(): Promise<Uint8Array> {
  return renderTextPdf({
    header: 'TỈNH ỦY HÒA BÌNH',
    title: 'Dự thảo Nghị quyết',
    paragraphs: [
      'Phần mở đầu: căn cứ tình hình thực tế của tỉnh.',
      PAGE_BREAK,
      'Phần thứ hai: đánh giá kết quả xây dựng chính quyền điện tử giai đoạn 2016 – 2020.',
      PAGE_BREAK,
      'Ban Chấp hành Đảng bộ tỉnh ban hành nghị quyết về chuyển đổi số đến năm 2025, định hướng đến năm 2030.',
      PAGE_BREAK,
      'Phần cuối: tổ chức thực hiện.',
    ],
  });
}

describe('meeting documents', () => {
  let db: TestDatabase;
  let server: TestServer;
  let secretary: TestClient;
  let delegate: TestClient;
  let guest: TestClient;
  let outsider: TestClient;
  let meeting: MeetingDto;
  let item: AgendaItemDto;
  let resolutionBytes: Uint8Array;
  let resolution: DocumentDto;

  const login = (username: string) => loggedIn(server.url, username);
  const tmpEntries = async () => readdir(path.join(db.dataDir, 'documents', 'tmp')).catch(() => [] as string[]);

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db, { UPLOAD_LIMIT_MB: '1' });
    secretary = await login('thuky');
    delegate = await login('caophong.bithu');
    guest = await login('khach');
    outsider = await login('maichau.bithu');
    const directory = await demoDirectory(await login('admin'));
    meeting = await createMeeting(secretary, directory, {
      kind: 'bch',
      title: 'Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 20',
      membershipTotal: 55,
      members: [['caophong.bithu', 'delegate'], ['khach', 'guest']],
    });
    item = await addAgendaItem(secretary, meeting, { title: 'Thảo luận dự thảo Nghị quyết', plannedMinutes: 60 });
    resolutionBytes = await draftResolution();
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('uploads a PDF to an agenda item, reading its pages', async () => {
    const response = await secretary.upload<{ document: DocumentDto }>(
      `/api/v1/meetings/${meeting.id}/documents`,
      { title: 'Dự thảo Nghị quyết về chuyển đổi số', kind: 'draft', agendaItemId: item.id, audience: 'all' },
      { bytes: resolutionBytes, filename: 'du-thao-nghi-quyet.pdf' },
    );
    expect(response.status).toBe(201);
    resolution = response.body.document;
    expect(resolution).toMatchObject({ kind: 'draft', agendaItemId: item.id, currentVersion: 1, pageCount: 4, sizeBytes: resolutionBytes.length, viewOnly: false });
    expect(await tmpEntries()).toEqual([]);
  });

  it('keeps drafts from participants until the meeting is published, then notifies them live', async () => {
    expect((await delegate.get(`/api/v1/documents/${resolution.id}`)).status).toBe(404);
    expect((await delegate.fetchRaw(`/api/v1/documents/${resolution.id}/versions/1/file`)).status).toBe(404);

    const socket = connectSocket(server.url, { cookie: delegate.cookieHeader });
    await connected(socket);
    const pushed = new Promise<NotificationDto>((resolve) => socket.once('notification:new', resolve));
    expect((await secretary.post(`/api/v1/meetings/${meeting.id}/status`, { to: 'published' })).status).toBe(200);
    expect((await pushed).title).toBe('Cuộc họp đã được phát hành: Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 20');
    socket.disconnect();

    const inbox = await delegate.get<{ notifications: NotificationDto[]; unread: number }>('/api/v1/notifications');
    expect(inbox.body.unread).toBe(1);
    expect((await delegate.post('/api/v1/notifications/read', {})).body).toEqual({ marked: 1 });
    expect((await delegate.get<{ unread: number }>('/api/v1/notifications')).body.unread).toBe(0);

    const list = await delegate.get<{ documents: DocumentDto[] }>(`/api/v1/meetings/${meeting.id}/documents`);
    expect(list.body.documents.map((d) => d.title)).toEqual(['Dự thảo Nghị quyết về chuyển đổi số']);
  });

  it('serves byte ranges with an ETag, so the viewer opens page 1 without the whole file', async () => {
    const url = `/api/v1/documents/${resolution.id}/versions/1/file`;
    const whole = await delegate.fetchRaw(url);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(whole.headers.get('content-type')).toBe('application/pdf');
    expect(whole.headers.get('cache-control')).toBe('private, no-cache');
    expect(Buffer.from(await whole.arrayBuffer()).equals(Buffer.from(resolutionBytes))).toBe(true);
    const etag = whole.headers.get('etag')!;
    expect(etag).toBeTruthy();

    const part = await delegate.fetchRaw(url, { range: 'bytes=0-99' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 0-99/${resolutionBytes.length}`);
    const bytes = Buffer.from(await part.arrayBuffer());
    expect(bytes.length).toBe(100);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');

    const tail = await delegate.fetchRaw(url, { range: `bytes=${resolutionBytes.length - 10}-` });
    expect(tail.status).toBe(206);
    expect((await tail.arrayBuffer()).byteLength).toBe(10);

    // fetch() adds "Cache-Control: no-cache" to conditional requests (which forces a full answer), so ask like a browser cache does.
    const revalidated = await new Promise<number>((resolve, reject) => {
      http.get(`${server.url}${url}`, { headers: { cookie: delegate.cookieHeader, 'if-none-match': etag } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject);
    });
    expect(revalidated).toBe(304);
    expect((await delegate.fetchRaw(url, { range: `bytes=${resolutionBytes.length + 10}-` })).status).toBe(416);
  });

  it('finds text with or without diacritics and points at the page', async () => {
    for (const q of ['nghi quyet ve chuyen doi so', 'nghị quyết về chuyển đổi số', 'NGHI QUYET VE CHUYEN']) {
      const hits = (await delegate.get<{ hits: SearchHit[] }>(`/api/v1/search?q=${encodeURIComponent(q)}`)).body.hits;
      expect(hits[0]).toMatchObject({ documentId: resolution.id, page: 3, version: 1 });
      expect(hits[0]!.snippet.filter((p) => p.match).map((p) => p.text.toLowerCase())[0]).toMatch(/^nghị quyết về chuyển/);
    }
    expect((await outsider.get<{ hits: SearchHit[] }>('/api/v1/search?q=nghi%20quyet')).body.hits).toEqual([]);
  });

  it('a replaced document keeps its older versions readable and tells readers it changed', async () => {
    const changed = await renderTextPdf({ title: 'Dự thảo Nghị quyết (sửa đổi)', paragraphs: ['Bản sửa đổi sau góp ý của các đồng chí Ủy viên.'] });
    const response = await secretary.upload<{ document: DocumentDto }>(`/api/v1/documents/${resolution.id}/versions`, {}, { bytes: changed, filename: 'du-thao-sua-doi.pdf' });
    expect(response.status).toBe(201);
    expect(response.body.document).toMatchObject({ currentVersion: 2, pageCount: 1 });

    const versions = (await delegate.get<{ versions: DocumentVersionDto[] }>(`/api/v1/documents/${resolution.id}/versions`)).body.versions;
    expect(versions.map((v) => [v.version, v.originalFilename])).toEqual([
      [2, 'du-thao-sua-doi.pdf'],
      [1, 'du-thao-nghi-quyet.pdf'],
    ]);
    const old = await delegate.fetchRaw(`/api/v1/documents/${resolution.id}/versions/1/file`);
    expect(Buffer.from(await old.arrayBuffer()).equals(Buffer.from(resolutionBytes))).toBe(true);

    const inbox = await delegate.get<{ notifications: NotificationDto[] }>('/api/v1/notifications');
    expect(inbox.body.notifications[0]).toMatchObject({ kind: 'document.updated', title: 'Tài liệu đã được cập nhật: Dự thảo Nghị quyết về chuyển đổi số', read: false });
    // Search follows the current version only.
    expect((await delegate.get<{ hits: SearchHit[] }>('/api/v1/search?q=ban%20sua%20doi')).body.hits[0]).toMatchObject({ version: 2, page: 1 });
  });

  it('confidential documents are view only, and printing stamps the reader name', async () => {
    const secret = await secretary.upload<{ document: DocumentDto }>(
      `/api/v1/meetings/${meeting.id}/documents`,
      { title: 'Báo cáo công tác cán bộ (Mật)', kind: 'report', confidentiality: 'confidential', audience: 'delegates' },
      { bytes: await renderTextPdf({ title: 'Báo cáo công tác cán bộ', paragraphs: ['Nội dung mật.'] }), filename: 'bao-cao-mat.pdf' },
    );
    expect(secret.status).toBe(201);
    const id = secret.body.document.id;
    expect(secret.body.document.viewOnly).toBe(true);

    const view = await delegate.fetchRaw(`/api/v1/documents/${id}/versions/1/file`);
    expect(view.status).toBe(200);
    expect(view.headers.get('cache-control')).toBe('private, no-store');
    expect(view.headers.get('content-disposition')).toMatch(/^inline/);
    const download = await delegate.fetchRaw(`/api/v1/documents/${id}/versions/1/download`);
    expect(download.status).toBe(403);
    expect(((await download.json()) as ErrorBody).error.message).toBe('Tài liệu mật chỉ được xem, không được tải về');

    const exported = await delegate.fetchRaw(`/api/v1/documents/${id}/versions/1/export`);
    expect(exported.status).toBe(200);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'phs-export-'));
    await writeFile(path.join(dir, 'x.pdf'), Buffer.from(await exported.arrayBuffer()));
    const text = (await inspectPdf(path.join(dir, 'x.pdf'))).pageTexts.join(' ');
    expect(text).toContain('Đinh Thị Hồng');

    // Guests are not delegates: the document does not exist for them, in lists or search.
    expect((await guest.get(`/api/v1/documents/${id}`)).status).toBe(404);
    expect((await guest.get<{ documents: DocumentDto[] }>(`/api/v1/meetings/${meeting.id}/documents`)).body.documents.map((d) => d.id)).not.toContain(id);
    expect((await guest.get<{ hits: SearchHit[] }>('/api/v1/search?q=noi%20dung%20mat')).body.hits).toEqual([]);
    expect((await delegate.get<{ hits: SearchHit[] }>('/api/v1/search?q=noi%20dung%20mat')).body.hits).toHaveLength(1);
  });

  it('revoked access stops at the next request and can be given back', async () => {
    const directory = await demoDirectory(await login('admin'));
    const delegateId = directory.user('caophong.bithu').id;
    expect((await secretary.post(`/api/v1/documents/${resolution.id}/revocations`, { userId: delegateId })).status).toBe(204);
    expect((await delegate.fetchRaw(`/api/v1/documents/${resolution.id}/versions/2/file`)).status).toBe(404);
    expect((await delegate.get<{ hits: SearchHit[] }>('/api/v1/search?q=ban%20sua%20doi')).body.hits).toEqual([]);
    expect((await secretary.request('DELETE', `/api/v1/documents/${resolution.id}/revocations/${delegateId}`)).status).toBe(204);
    expect((await delegate.fetchRaw(`/api/v1/documents/${resolution.id}/versions/2/file`)).status).toBe(200);
  });

  it('refuses bad uploads with a clear message, storing nothing', async () => {
    const before = (await secretary.get<{ documents: DocumentDto[] }>(`/api/v1/meetings/${meeting.id}/documents`)).body.documents.length;
    const html = new TextEncoder().encode('<html><script>alert(1)</script></html>');
    const notPdf = await secretary.upload<ErrorBody>(`/api/v1/meetings/${meeting.id}/documents`, { title: 'Giả mạo', kind: 'report' }, { bytes: html, filename: 'bao-cao.pdf' });
    expect(notPdf.status).toBe(415);
    expect(notPdf.body.error.message).toMatch(/không phải là PDF/);

    const big = new Uint8Array(2 * 1024 * 1024);
    big.set(new TextEncoder().encode('%PDF-1.7\n'));
    const tooLarge = await secretary.upload<ErrorBody>(`/api/v1/meetings/${meeting.id}/documents`, { title: 'Tệp lớn', kind: 'annex' }, { bytes: big, filename: 'lon.pdf' });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error.message).toBe('Tệp quá lớn: tối đa 1 MB');

    const noFile = await secretary.upload<ErrorBody>(`/api/v1/meetings/${meeting.id}/documents`, { title: 'Không có tệp', kind: 'annex' });
    expect(noFile.status).toBe(400);
    expect(noFile.body.error.field).toBe('file');

    const badField = await secretary.upload<ErrorBody>(`/api/v1/meetings/${meeting.id}/documents`, { title: 'Sai loại', kind: 'memo' }, { bytes: resolutionBytes, filename: 'a.pdf' });
    expect(badField.status).toBe(400);
    expect(badField.body.error.field).toBe('kind');

    const word = await secretary.upload<ErrorBody>(`/api/v1/meetings/${meeting.id}/documents`, { title: 'Tờ trình', kind: 'submission' }, { bytes: new Uint8Array([0x50, 0x4b, 3, 4]), filename: 'to-trinh.docx', type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' });
    expect([400, 415]).toContain(word.status);

    const byDelegate = await delegate.upload(`/api/v1/meetings/${meeting.id}/documents`, { title: 'Của đại biểu', kind: 'reference' }, { bytes: resolutionBytes, filename: 'a.pdf' });
    expect(byDelegate.status).toBe(403);

    expect((await secretary.get<{ documents: DocumentDto[] }>(`/api/v1/meetings/${meeting.id}/documents`)).body.documents.length).toBe(before);
    expect(await tmpEntries()).toEqual([]);
  });

  it('strips path tricks from file names and keeps HTML in titles as text', async () => {
    const response = await secretary.upload<{ document: DocumentDto }>(
      `/api/v1/meetings/${meeting.id}/documents`,
      { title: '<b>Phụ lục</b> số liệu', kind: 'annex' },
      { bytes: resolutionBytes, filename: '../../../etc/passwd.pdf' },
    );
    expect(response.status).toBe(201);
    expect(response.body.document.title).toBe('<b>Phụ lục</b> số liệu');
    const versions = (await secretary.get<{ versions: DocumentVersionDto[] }>(`/api/v1/documents/${response.body.document.id}/versions`)).body.versions;
    expect(versions[0]!.originalFilename).toBe('passwd.pdf');
    // Same bytes as the resolution: stored once.
    expect(versions[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
