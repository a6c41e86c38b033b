/**
 * A signed PDF sent in as a meeting document (a decision signed by its
 * issuer, a report a unit signed) shows its signatures to its readers: who
 * signed, when, whether the file changed since, and whether the certificate
 * chains to a root the admin trusts. Verified on the server from the
 * original file, so a reader of a stamped confidential copy sees the
 * signature of the original. Outsiders learn nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentSignaturesEnvelope } from '../../server/contract/documents.ts';
import type { MeetingDto } from '../../server/contract/meetings.ts';
import { pkcs12Signer, signPdf } from '../../server/modules/signatures/index.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { changeStatus, createMeeting, loggedIn, secretariat, uploadDocument, type Directory } from '../helpers/meetings.ts';
import { startTestServer, type TestClient, type TestServer } from '../helpers/server.ts';
import { makeTestPdf } from '../helpers/test-pdf.ts';
import { createTestCa, type TestCa } from '../helpers/test-pki.ts';

describe('signatures of a meeting document', () => {
  let db: TestDatabase;
  let server: TestServer;
  let ca: TestCa;
  let secretary: TestClient;
  let directory: Directory;
  let meeting: MeetingDto;
  let signed: Uint8Array;

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db);
    ca = createTestCa();
    ({ secretary, directory } = await secretariat(server.url));
    meeting = await createMeeting(secretary, directory, { title: 'Họp xem xét quyết định đã ký số', membershipTotal: 2, members: [['bithu', 'chair'], ['caophong.bithu', 'delegate']] });
    await changeStatus(secretary, meeting, 'published');
    const signer = ca.issue({ commonName: 'Nguyễn Văn Ký', organization: 'Ủy ban nhân dân tỉnh' });
    signed = await signPdf(await makeTestPdf(), pkcs12Signer(signer.pkcs12('mật khẩu'), 'mật khẩu'), { signerName: 'Nguyễn Văn Ký' }, { page: 1, rect: { x: 80, y: 120, width: 180, height: 70 } });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  const signaturesOf = (client: TestClient, documentId: string) => client.get<DocumentSignaturesEnvelope>(`/api/v1/documents/${documentId}/versions/1/signatures`);

  it('shows readers who signed, intact; untrusted until the admin trusts the root, then valid', async () => {
    const document = await uploadDocument(secretary, meeting, { title: 'Quyết định đã ký số', kind: 'reference' }, { bytes: signed, filename: 'quyet-dinh.pdf' });
    const delegate = await loggedIn(server.url, 'caophong.bithu');
    const before = await signaturesOf(delegate, document.id);
    expect(before.status).toBe(200);
    expect(before.body.signatures).toHaveLength(1);
    expect(before.body.signatures[0]).toMatchObject({ signerName: 'Nguyễn Văn Ký', organization: 'Ủy ban nhân dân tỉnh', intact: true, trusted: false, status: 'untrusted', subFilter: 'ETSI.CAdES.detached' });

    const admin = await loggedIn(server.url, 'admin');
    expect((await admin.post('/api/v1/admin/trusted-roots', { pem: ca.rootPem })).status).toBe(201);
    expect((await signaturesOf(delegate, document.id)).body.signatures[0]).toMatchObject({ trusted: true, status: 'valid' });
  });

  it('a signed file changed afterwards shows as tampered; an unsigned one has no signatures', async () => {
    const changed = Uint8Array.from(signed);
    const at = changed.indexOf(0x28); // the first "(" of a string inside the signed range
    changed[at + 1] = changed[at + 1] === 0x41 ? 0x42 : 0x41;
    const tampered = await uploadDocument(secretary, meeting, { title: 'Bản bị sửa sau khi ký', kind: 'reference' }, { bytes: changed, filename: 'bi-sua.pdf' });
    expect((await signaturesOf(secretary, tampered.id)).body.signatures[0]).toMatchObject({ intact: false, status: 'tampered' });
    const plain = await uploadDocument(secretary, meeting, { title: 'Tài liệu không ký', kind: 'reference' }, { bytes: await makeTestPdf(), filename: 'khong-ky.pdf' });
    expect((await signaturesOf(secretary, plain.id)).body.signatures).toEqual([]);
  });

  it('an outsider, or a version that does not exist, gets nothing', async () => {
    const [document] = (await secretary.get<{ documents: { id: string }[] }>(`/api/v1/meetings/${meeting.id}/documents`)).body.documents;
    const outsider = await loggedIn(server.url, 'paco.chutich');
    expect((await signaturesOf(outsider, document!.id)).status).toBe(404);
    expect((await secretary.get(`/api/v1/documents/${document!.id}/versions/9/signatures`)).status).toBe(404);
  });
});
