/**
 * Hostile and broken uploads through the real route: each is refused with a
 * clear message naming the file field, and nothing is left behind — no
 * record, no stored file, no temp file — not even when the client vanishes
 * half-way through.
 */
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentDto } from '../../server/contract/documents.ts';
import type { MeetingDto } from '../../server/contract/meetings.ts';
import { makeBrokenXrefPdf, makeEmptyPdf, makeEncryptedPdf, makeJavaScriptPdf, makeTruncatedPdf } from '../fixtures/pdf/make.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { createMeeting, secretariat } from '../helpers/meetings.ts';
import { startTestServer, type TestClient, type TestServer } from '../helpers/server.ts';

type ErrorBody = { error: { code: string; message: string; field?: string } };

describe('bad uploads', () => {
  let db: TestDatabase;
  let server: TestServer;
  let secretary: TestClient;
  let meeting: MeetingDto;
  let dir: string;

  const storedFiles = async () => {
    const root = path.join(db.dataDir, 'documents');
    const entries = await readdir(root, { recursive: true }).catch(() => [] as string[]);
    return entries.filter((e) => /[0-9a-f]{64}$/.test(e) || e.endsWith('.part'));
  };
  const documentCount = async () => (await secretary.get<{ documents: DocumentDto[] }>(`/api/v1/meetings/${meeting.id}/documents`)).body.documents.length;

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db);
    const staff = await secretariat(server.url);
    secretary = staff.secretary;
    meeting = await createMeeting(secretary, staff.directory, {
      kind: 'hdnd',
      title: 'Kỳ họp thứ 9 HĐND tỉnh',
      organizer: 'Tỉnh Hòa Bình',
      startsAt: '2026-12-20T01:00:00.000Z',
      membershipTotal: 58,
      members: [],
    });
    dir = await mkdtemp(path.join(os.tmpdir(), 'phs-bad-'));
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  const cases: [string, () => Promise<string>, number, RegExp][] = [
    ['with JavaScript run on opening', () => makeJavaScriptPdf(dir, 'open-action'), 400, /JavaScript/],
    ['with JavaScript behind a link, its name escaped', () => makeJavaScriptPdf(dir, 'link-escaped-name'), 400, /JavaScript/],
    ['with a broken cross-reference table', () => makeBrokenXrefPdf(dir, 'table'), 400, /bị hỏng/],
    ['with a startxref pointing nowhere', () => makeBrokenXrefPdf(dir, 'startxref'), 400, /bị hỏng/],
    ['cut short', () => makeTruncatedPdf(dir), 400, /bị hỏng/],
    ['protected by a password', () => makeEncryptedPdf(dir), 400, /mật khẩu/],
    ['without pages', () => makeEmptyPdf(dir), 400, /không có trang nào/],
  ];

  it.each(cases)('refuses a PDF %s and stores nothing', async (_label, make, status, message) => {
    const file = await make();
    const response = await secretary.upload<ErrorBody>(
      `/api/v1/meetings/${meeting.id}/documents`,
      { title: 'Tài liệu thử', kind: 'reference' },
      { bytes: await readFile(file), filename: path.basename(file) },
    );
    expect(response.status).toBe(status);
    expect(response.body.error.field).toBe('file');
    expect(response.body.error.message).toMatch(message);
    expect(await documentCount()).toBe(0);
    expect(await storedFiles()).toEqual([]);
  });

  it('an upload interrupted half-way leaves no file and no record', async () => {
    const url = new URL(server.url);
    const boundary = '----phsinterrupted';
    const head =
      `--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nBáo cáo dở dang\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nreport\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="do-dang.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n`;
    const socket = net.connect(Number(url.port), url.hostname);
    await new Promise((resolve) => socket.once('connect', resolve));
    const request =
      `POST /api/v1/meetings/${meeting.id}/documents HTTP/1.1\r\nHost: ${url.host}\r\nOrigin: ${server.url}\r\nCookie: ${secretary.cookieHeader}\r\n` +
      `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${5 * 1024 * 1024}\r\n\r\n`;
    socket.write(request + head);
    socket.write(Buffer.alloc(512 * 1024, 0x20)); // half a megabyte of a promised five, then the tablet's Wi-Fi drops
    // Wait until the server has started writing the upload to disk, then vanish.
    await expect.poll(async () => (await storedFiles()).length, { timeout: 10_000 }).toBeGreaterThan(0);
    socket.destroy();
    await expect.poll(async () => (await storedFiles()).length, { timeout: 10_000 }).toBe(0);
    expect(await documentCount()).toBe(0);
    // The server is fine afterwards.
    expect((await secretary.get('/api/v1/health')).status).toBe(200);
  });
});
