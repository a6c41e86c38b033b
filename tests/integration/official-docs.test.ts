/**
 * Issuing official documents from a meeting: previews for the secretariat,
 * numbers from the register (fifty issued at once in one register get
 * exactly 1…50), the issued PDF for the meeting's participants only, and the
 * bodies a hostile client may send.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeetingDto } from '../../server/contract/meetings.ts';
import type { IssuedDocumentDto } from '../../server/contract/official-docs-api.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { changeStatus, createMeeting, loggedIn, secretariat } from '../helpers/meetings.ts';
import { startTestServer, type TestClient, type TestServer } from '../helpers/server.ts';
import { minutesDocument } from '../fixtures/official-docs/minutes.ts';

const run = promisify(execFile);

/** A POST whose answer is a file (the JSON client would try to parse it). */
async function postForBytes(client: TestClient, urlPath: string, body: unknown): Promise<{ status: number; type: string | null; bytes: Buffer }> {
  const response = await fetch(client.baseUrl + urlPath, {
    method: 'POST',
    headers: { cookie: client.cookieHeader, origin: client.baseUrl, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, type: response.headers.get('content-type'), bytes: Buffer.from(await response.arrayBuffer()) };
}

describe('official documents: preview, issue, register, download', () => {
  let db: TestDatabase;
  let server: TestServer;
  let secretary: TestClient;
  let chair: TestClient;
  let delegate: TestClient;
  let outsider: TestClient;
  let meeting: MeetingDto;
  let base: string;
  let dir: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db, { RATE_LIMIT_PER_USER_PER_MINUTE: '100000', RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '100000' });
    const setup = await secretariat(server.url);
    secretary = setup.secretary;
    meeting = await createMeeting(secretary, setup.directory, { title: 'Hội nghị Ban Thường vụ Tỉnh ủy tháng 12', membershipTotal: 3, members: [['bithu', 'chair'], ['phobithu', 'delegate']] });
    await changeStatus(secretary, meeting, 'published');
    chair = await loggedIn(server.url, 'bithu');
    delegate = await loggedIn(server.url, 'phobithu');
    outsider = await loggedIn(server.url, 'caophong.bithu');
    base = `/api/v1/meetings/${meeting.id}/official-documents`;
    dir = await mkdtemp(path.join(tmpdir(), 'official-docs-api-'));
  });

  afterAll(async () => {
    await server?.close();
    await db?.drop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('renders a preview PDF and .docx for the secretariat, and for nobody else', async () => {
    const pdf = await postForBytes(secretary, `${base}/preview/pdf`, { document: minutesDocument() });
    expect(pdf.status).toBe(200);
    expect(pdf.type).toBe('application/pdf');
    expect(pdf.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const docx = await postForBytes(secretary, `${base}/preview/docx`, { document: minutesDocument() });
    expect(docx.status).toBe(200);
    expect(docx.bytes.subarray(0, 2).toString()).toBe('PK');

    expect((await delegate.post(`${base}/preview/pdf`, { document: minutesDocument() })).status).toBe(403);
    const foreign = await outsider.post<{ error: { code: string } }>(`${base}/preview/pdf`, { document: minutesDocument() });
    expect([foreign.status, foreign.body.error.code]).toEqual([404, 'meetingNotFound']);
  });

  it('refuses malformed, oversized and impossible documents', async () => {
    const unknownField = await secretary.post<{ error: { code: string } }>(`${base}/preview/pdf`, { document: { ...minutesDocument(), font: 'Arial' } });
    expect(unknownField.status).toBe(400);
    const missing = await secretary.post(`${base}/preview/pdf`, { document: { ...minutesDocument(), blocks: undefined } });
    expect(missing.status).toBe(400);
    const badBlock = await secretary.post(`${base}/preview/pdf`, { document: minutesDocument({ blocks: [{ kind: 'script', text: 'x' } as never] }) });
    expect(badBlock.status).toBe(400);
    const tooLongTitle = await secretary.post(`${base}/preview/pdf`, { document: minutesDocument({ title: 'x'.repeat(1_001) }) });
    expect(tooLongTitle.status).toBe(400);
    const huge = await secretary.post(`${base}/preview/pdf`, { document: minutesDocument({ blocks: Array.from({ length: 80 }, () => ({ kind: 'paragraph' as const, text: 'Nội dung '.repeat(2_000) })) }) });
    expect(huge.status).toBe(413);
    const notADay = await secretary.post(`${base}/preview/pdf`, { document: minutesDocument({ date: '2026-02-30' }) });
    expect(notADay.status).toBe(400);
    const badCode = await secretary.post(base, { document: minutesDocument(), issuerCode: 'ubnd; drop' });
    expect(badCode.status).toBe(400);
    const lowerType = await secretary.post<{ error: { code: string } }>(base, { document: minutesDocument({ typeCode: 'bb ' }), issuerCode: 'UBND' });
    expect([lowerType.status, lowerType.body.error.code]).toEqual([400, 'officialDocumentTypeCode']);
    // nothing refused took a number
    expect((await secretary.get<{ documents: IssuedDocumentDto[] }>(base)).body.documents).toEqual([]);
  });

  it('issues fifty numbers at once in one register as exactly 1…50, and starts a new register at 1', async () => {
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_v, i) => secretary.post<{ document: IssuedDocumentDto }>(base, {
        // a short document: the register, not the renderer, is what is measured here
        document: minutesDocument({ title: `Phiên họp số ${i + 1}`, blocks: [{ kind: 'paragraph', text: 'Cuộc họp kết thúc vào 11 giờ 30 phút cùng ngày.' }] }),
        issuerCode: 'UBND',
      }),
    ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 50 }, () => 201));
    const numbers = answers.map((a) => a.body.document.number).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 50 }, (_v, i) => i + 1));
    expect(new Set(answers.map((a) => a.body.document.symbol))).toEqual(new Set(['BB-UBND']));

    // another type is another register; the Party style writes its number its own way
    const notice = await secretary.post<{ document: IssuedDocumentDto }>(base, {
      document: minutesDocument({ issuerKind: 'party', parentIssuer: 'Đảng bộ tỉnh Hòa Bình', issuer: 'Tỉnh ủy', typeCode: 'TB', typeName: 'Thông báo', title: 'Kết luận của Ban Thường vụ Tỉnh ủy' }),
      issuerCode: 'TU',
    });
    expect(notice.status).toBe(201);
    expect([notice.body.document.number, notice.body.document.numberText]).toEqual([1, 'Số 1-TB/TU']);
    expect((await secretary.get<{ documents: IssuedDocumentDto[] }>(base)).body.documents).toHaveLength(51);
  }, 120_000);

  it('gives the issued PDF, numbered and unchanged, to the secretariat and the signers, and to no one else until it is signed', async () => {
    const issued = await secretary.post<{ document: IssuedDocumentDto }>(base, { document: minutesDocument({ date: '2027-01-04' }), issuerCode: 'UBND' });
    expect(issued.status).toBe(201);
    const document = issued.body.document;
    expect([document.year, document.number, document.numberText]).toEqual([2027, 1, 'Số: 01/BB-UBND']);
    expect(document.signatureSlots.map((s) => s.signer)).toEqual([0, 1]);

    // a delegate gets it once fully signed (tests/integration/outcome-signing.test.ts)
    expect((await delegate.get<{ documents: IssuedDocumentDto[] }>(base)).body.documents).toEqual([]);
    expect((await delegate.fetchRaw(`${base}/${document.id}/pdf`)).status).toBe(404);
    for (const reader of [chair, secretary]) {
      const file = await reader.fetchRaw(`${base}/${document.id}/pdf`);
      expect(file.status).toBe(200);
      const bytes = Buffer.from(await file.arrayBuffer());
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(document.contentHash);
      expect(file.headers.get('content-disposition')).toContain('BB-UBND-01-2027.pdf');
    }
    const pdfPath = path.join(dir, 'issued.pdf');
    await writeFile(pdfPath, Buffer.from(await (await chair.fetchRaw(`${base}/${document.id}/pdf`)).arrayBuffer()));
    expect((await run('pdftotext', ['-layout', '-l', '1', pdfPath, '-'])).stdout).toMatch(/Số: 01\/BB-UBND\s+Hòa Bình, ngày 04 tháng 01 năm 2027/);

    const docx = await chair.fetchRaw(`${base}/${document.id}/docx`);
    expect(docx.status).toBe(200);
    expect(Buffer.from(await docx.arrayBuffer()).subarray(0, 2).toString()).toBe('PK');

    for (const [who, client] of [['outsider', outsider], ['anonymous', new (secretary.constructor as new (url: string) => TestClient)(server.url)]] as const) {
      for (const format of ['pdf', 'docx']) {
        const refused = await client.fetchRaw(`${base}/${document.id}/${format}`);
        expect(refused.status, `${who} ${format}`).toBe(who === 'anonymous' ? 401 : 404);
        expect(refused.headers.get('content-type')).toMatch(/json/);
      }
    }
    // the document's id under another meeting's URL reveals nothing
    const other = await createMeeting(secretary, await import('../helpers/demo.ts').then((m) => m.demoDirectory(secretary)), { title: 'Cuộc họp khác', membershipTotal: 1, members: [['bithu', 'delegate']] });
    await changeStatus(secretary, other, 'published');
    const crossed = await chair.get<{ error: { code: string } }>(`/api/v1/meetings/${other.id}/official-documents/${document.id}/pdf`);
    expect([crossed.status, crossed.body.error.code]).toEqual([404, 'issuedDocumentNotFound']);
    // a participant may not issue
    expect((await chair.post(base, { document: minutesDocument(), issuerCode: 'UBND' })).status).toBe(403);
  });
});
