/**
 * The production path for document bytes, for real: Debian's nginx in front
 * of the app with FILE_DELIVERY=x-accel. The app authorises each request and
 * names the file; nginx sends it (ranges, ETag) from an internal location
 * mapped onto DATA_DIR. A participant gets the bytes, a confidential
 * document only as their stamped copy, an outsider nothing, and nobody can
 * ask nginx for the internal location directly.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { DocumentDto } from '../../server/contract/documents.ts';
import type { MeetingDto } from '../../server/contract/meetings.ts';
import { BlobStore } from '../../server/modules/documents/blob-store.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { changeStatus, createMeeting, loggedIn, pagesPdf, secretariat, uploadDocument } from '../helpers/meetings.ts';
import { startNginx, type Nginx } from '../helpers/nginx.ts';
import { startTestServer, TestClient, type TestServer } from '../helpers/server.ts';

const PREFIX = '/_protected-files/';
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const bytesOf = async (response: Response) => new Uint8Array(await response.arrayBuffer());

/** The same client (cookies) talking to nginx instead of the app. */
function throughProxy(client: TestClient, proxyUrl: string): TestClient {
  const proxied = new TestClient(proxyUrl);
  proxied.cookies = client.cookies;
  return proxied;
}

describe('document bytes by X-Accel-Redirect behind nginx', () => {
  let db: TestDatabase;
  let server: TestServer;
  let nginx: Nginx;
  let meeting: MeetingDto;
  let plain: DocumentDto;
  let secret: DocumentDto;
  let plainBytes: Uint8Array;
  let secretBytes: Uint8Array;
  let delegate: TestClient;
  let outsider: TestClient;
  let secretary: TestClient;

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db, { FILE_DELIVERY: 'x-accel', FILE_ACCEL_PREFIX: PREFIX });
    nginx = await startNginx(`
    location ${PREFIX} { internal; alias ${db.dataDir}/; etag on; }
    location /api/ { proxy_pass ${server.url}; proxy_http_version 1.1; proxy_set_header Host $host; }`);
    const setup = await secretariat(server.url);
    secretary = setup.secretary;
    meeting = await createMeeting(secretary, setup.directory, { kind: 'bch', title: 'Hội nghị qua nginx', membershipTotal: 55, members: [['caophong.bithu', 'delegate']] });
    plainBytes = await pagesPdf('Nghị quyết', Array.from({ length: 12 }, (_, i) => `Trang ${i + 1}: nội dung nghị quyết về chuyển đổi số, đoạn dài để tệp có nhiều byte. `.repeat(20)));
    secretBytes = await pagesPdf('Báo cáo mật', ['Phương án nhân sự, không phổ biến.']);
    plain = await uploadDocument(secretary, meeting, { title: 'Nghị quyết', kind: 'draft', audience: 'all' }, { bytes: plainBytes, filename: 'nghi-quyet.pdf' });
    secret = await uploadDocument(secretary, meeting, { title: 'Báo cáo nhân sự (Mật)', kind: 'report', confidentiality: 'confidential' }, { bytes: secretBytes, filename: 'nhan-su.pdf' });
    await changeStatus(secretary, meeting, 'published');
    delegate = throughProxy(await loggedIn(server.url, 'caophong.bithu'), nginx.url);
    outsider = throughProxy(await loggedIn(server.url, 'maichau.bithu'), nginx.url);
  });
  afterAll(async () => {
    await nginx?.stop();
    await server?.close();
    await db?.drop();
  });

  it('a participant gets the whole file and any range of it from nginx, with the app’s headers', async () => {
    // The app itself sends no bytes: only the name of the file, for nginx.
    const fromApp = await new TestClient(server.url).fetchRaw(`/api/v1/documents/${plain.id}/versions/1/file`, { cookie: delegate.cookieHeader });
    expect(fromApp.status).toBe(200);
    expect(fromApp.headers.get('x-accel-redirect')).toMatch(new RegExp(`^${PREFIX}documents/`));
    expect((await bytesOf(fromApp)).length).toBe(0);

    const whole = await delegate.fetchRaw(`/api/v1/documents/${plain.id}/versions/1/file`);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('x-accel-redirect')).toBeNull();
    expect(whole.headers.get('content-type')).toBe('application/pdf');
    expect(whole.headers.get('content-disposition')).toContain('nghi-quyet.pdf');
    expect(whole.headers.get('cache-control')).toBe('private, no-cache');
    expect(sha256(await bytesOf(whole))).toBe(sha256(plainBytes));

    const head = await delegate.fetchRaw(`/api/v1/documents/${plain.id}/versions/1/file`, { range: 'bytes=0-1023' });
    expect(head.status).toBe(206);
    expect(head.headers.get('content-range')).toBe(`bytes 0-1023/${plainBytes.length}`);
    expect(await bytesOf(head)).toEqual(plainBytes.subarray(0, 1024));

    const tail = await delegate.fetchRaw(`/api/v1/documents/${plain.id}/versions/1/file`, { range: 'bytes=1024-' });
    expect(tail.status).toBe(206);
    expect(await bytesOf(tail)).toEqual(plainBytes.subarray(1024));

    // Revalidation still works (nginx's ETag of the same file).
    const etag = whole.headers.get('etag');
    expect(etag).toBeTruthy();
    expect((await delegate.fetchRaw(`/api/v1/documents/${plain.id}/versions/1/file`, { 'if-none-match': etag! })).status).toBe(304);
  });

  it('a confidential document reaches a reader only as their stamped copy, by ranges too', async () => {
    const copy = await delegate.fetchRaw(`/api/v1/documents/${secret.id}/versions/1/file`);
    expect(copy.status).toBe(200);
    expect(copy.headers.get('cache-control')).toBe('private, no-store');
    const bytes = await bytesOf(copy);
    expect(new TextDecoder().decode(bytes.subarray(0, 5))).toBe('%PDF-');
    expect(sha256(bytes)).not.toBe(sha256(secretBytes));
    const range = await delegate.fetchRaw(`/api/v1/documents/${secret.id}/versions/1/file`, { range: 'bytes=100-199' });
    expect(range.status).toBe(206);
    expect(await bytesOf(range)).toEqual(bytes.subarray(100, 200));
    // The download of the original stays refused to them.
    expect((await delegate.fetchRaw(`/api/v1/documents/${secret.id}/versions/1/download`)).status).toBe(403);
    // The secretariat gets the original.
    const original = await throughProxy(secretary, nginx.url).fetchRaw(`/api/v1/documents/${secret.id}/versions/1/file`);
    expect(sha256(await bytesOf(original))).toBe(sha256(secretBytes));
  });

  it('an outsider gets no bytes, and nobody can ask nginx for the internal location', async () => {
    const refused = await outsider.fetchRaw(`/api/v1/documents/${plain.id}/versions/1/file`, { range: 'bytes=0-1023' });
    expect(refused.status).toBe(404);
    expect(refused.headers.get('content-type')).toContain('application/json');
    expect(new TextDecoder().decode(await bytesOf(refused))).not.toContain('%PDF');

    // The path the app hands nginx is under DATA_DIR/documents; asked for directly, nginx refuses.
    const stored = path.relative(db.dataDir, new BlobStore(path.join(db.dataDir, 'documents')).pathFor(sha256(plainBytes)));
    const guesses = [PREFIX, `${PREFIX}documents/`, PREFIX + stored, `${PREFIX}../${stored}`, `/api/v1/..${PREFIX}${stored}`];
    for (const guess of guesses) {
      const direct = await fetch(nginx.url + guess, { headers: { cookie: delegate.cookieHeader } });
      expect(direct.status).toBe(404);
      expect(new TextDecoder().decode(await bytesOf(direct))).not.toContain('%PDF');
    }
  });
});
