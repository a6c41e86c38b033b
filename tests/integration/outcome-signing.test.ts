/**
 * Issue 12, acceptance 1 (the glue): the approved minutes are issued under
 * the register's number, signed by the meeting's secretary and then its
 * chair with PKCS#12 keystores from a test CA (each an incremental update,
 * so poppler's pdfsig finds both valid, ETSI.CAdES.detached), verified
 * against the roots the admin trusts, delivered to the participants in the
 * app once fully signed and e-mailed with the signed PDF attached. Beside
 * each happy path its hostile twin: a foreign meeting, a wrong role, the
 * wrong order, a second signature in a slot, bad keystores and certificates
 * (and nothing half-signed stored after any of them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeetingDto } from '../../server/contract/meetings.ts';
import type { IssuedDocumentDto } from '../../server/contract/official-docs-api.ts';
import type { IssuedSignaturesEnvelope, TrustedRootDto } from '../../server/contract/signing.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { addAgendaItem, changeStatus, createMeeting, loggedIn, secretariat, type Directory } from '../helpers/meetings.ts';
import { pdfsigTrusting, type Pdfsig } from '../helpers/pdfsig.ts';
import { startTestServer, type JsonResponse, type TestClient, type TestServer } from '../helpers/server.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';
import { createTestCa, type IssuedCertificate, type TestCa } from '../helpers/test-pki.ts';

type ErrorBody = { error: { code: string; message: string } };
const PASS_SECRETARY = 'mật khẩu thư ký';
const PASS_CHAIR = 'chu-toa-2026';

/** The sign call as the browser's dialog sends it: the keystore file and its passphrase, multipart. */
async function sign<T = { document: IssuedDocumentDto }>(client: TestClient, path: string, keystore?: Uint8Array, passphrase?: string): Promise<JsonResponse<T & Partial<ErrorBody>>> {
  const form = new FormData();
  if (passphrase !== undefined) form.append('passphrase', passphrase);
  if (keystore !== undefined) form.append('keystore', new Blob([new Uint8Array(keystore)], { type: 'application/x-pkcs12' }), 'chung-thu.p12');
  const response = await fetch(client.baseUrl + path, { method: 'POST', body: form, headers: { cookie: client.cookieHeader, origin: client.baseUrl } });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text === '' ? {} : JSON.parse(text)) as T & Partial<ErrorBody> };
}

describe('issuing, signing in sequence, verifying and delivering the minutes', () => {
  let db: TestDatabase;
  let server: TestServer;
  let sink: SmtpSink;
  let pdfsig: Pdfsig;
  let ca: TestCa;
  let secretaryCert: IssuedCertificate;
  let chairCert: IssuedCertificate;
  let directory: Directory;
  let admin: TestClient;
  let secretary: TestClient;
  let chair: TestClient;
  let delegate: TestClient;
  let outsider: TestClient;
  let meeting: MeetingDto;
  let foreign: MeetingDto;
  let issued: IssuedDocumentDto;
  const docs = () => `/api/v1/meetings/${meeting.id}/official-documents`;
  const signatures = () => `${docs()}/${issued.id}/signatures`;

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db, { MAIL_POLL_MS: '100', MAIL_RETRY_BASE_MS: '50', MAIL_REMINDER_MINUTES: '', PUBLIC_URL: 'https://hop.tinhuy.example.vn' });
    sink = await startSmtpSink();
    ca = createTestCa();
    secretaryCert = ca.issue({ commonName: 'Nguyễn Thị Thư Ký', organization: 'Văn phòng Tỉnh ủy' });
    chairCert = ca.issue({ commonName: 'Trần Văn Chủ Trì', organization: 'Tỉnh ủy Hòa Bình' });
    pdfsig = await pdfsigTrusting(ca.rootPem);
    admin = await loggedIn(server.url, 'admin');
    ({ secretary, directory } = await secretariat(server.url));
    chair = await loggedIn(server.url, 'bithu');
    delegate = await loggedIn(server.url, 'caophong.bithu');
    outsider = await loggedIn(server.url, 'maichau.bithu');
    const smtp = { host: '127.0.0.1', port: sink.port, security: 'none', username: null, fromAddress: 'vanphong@tinhuy.example.vn', fromName: 'Văn phòng Tỉnh ủy' };
    expect((await admin.request('PUT', '/api/v1/mail/settings', smtp)).status).toBe(200);
    for (const [username, email] of [
      ['bithu', 'bithu@tinhuy.example.vn'],
      ['caophong.bithu', 'bithu@caophong.example.vn'],
    ] as const) {
      expect((await admin.patch(`/api/v1/users/${directory.user(username).id}`, { email })).status).toBe(200);
    }
    meeting = await createMeeting(secretary, directory, { title: 'Hội nghị Ban Thường vụ ký biên bản', membershipTotal: 2, members: [['bithu', 'chair'], ['caophong.bithu', 'delegate']] });
    await addAgendaItem(secretary, meeting, { title: 'Báo cáo kinh tế - xã hội', plannedMinutes: 15 });
    await changeStatus(secretary, meeting, 'published');
    await changeStatus(chair, meeting, 'in_session');
    await changeStatus(chair, meeting, 'closed');
    foreign = await createMeeting(secretary, directory, { title: 'Cuộc họp khác', membershipTotal: 1, members: [['maichau.bithu', 'chair']] });
    await changeStatus(secretary, foreign, 'published');
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await sink?.close();
    await pdfsig?.close();
    await db?.drop();
  });

  it('issues only the approved version, and only for the secretariat', async () => {
    const issue = `/api/v1/meetings/${meeting.id}/record/drafts/minutes/issue`;
    const built = await secretary.post<{ document: { summary: { version: number } } }>(`/api/v1/meetings/${meeting.id}/record/drafts/minutes/build`);
    expect(built.status).toBe(201);
    const early = await secretary.post<ErrorBody>(issue, { issuerCode: 'TU' });
    expect([early.status, early.body.error.code]).toEqual([404, 'recordNotApproved']);
    expect((await chair.post(`/api/v1/meetings/${meeting.id}/record/drafts/minutes/versions/${built.body.document.summary.version}/approve`)).status).toBe(200);

    expect((await chair.post(issue, { issuerCode: 'TU' })).status).toBe(403);
    expect((await delegate.post(issue, { issuerCode: 'TU' })).status).toBe(403);
    expect((await outsider.post(issue, { issuerCode: 'TU' })).status).toBe(404);
    expect((await secretary.post(issue, { issuerCode: 'not a code' })).status).toBe(400);

    const answer = await secretary.post<{ document: IssuedDocumentDto }>(issue, { issuerCode: 'TU' });
    expect(answer.status).toBe(201);
    issued = answer.body.document;
    // the organiser is a Party body (Tỉnh ủy): Guide 36's "Số 1-BB/TU"
    expect(issued.numberText).toBe('Số 1-BB/TU');
    expect([issued.signedCount, issued.fullySigned, issued.signatureSlots.length]).toEqual([0, false, 2]);

    // not signed yet: not delivered to the delegate
    expect((await delegate.get<{ documents: IssuedDocumentDto[] }>(docs())).body.documents).toEqual([]);
    expect((await delegate.fetchRaw(`${docs()}/${issued.id}/pdf`)).status).toBe(404);
    expect((await chair.get<{ documents: IssuedDocumentDto[] }>(docs())).body.documents.map((d) => d.id)).toEqual([issued.id]);
  });

  it('refuses bad keystores and certificates with a Vietnamese reason, storing nothing', async () => {
    const expired = ca.issue({ commonName: 'Hết Hạn', notBefore: new Date(Date.now() - 3 * 86_400_000), notAfter: new Date(Date.now() - 86_400_000) });
    const noUsage = ca.issue({ commonName: 'Không Ký', keyUsage: { keyEncipherment: true } });
    const cases: [string, Uint8Array | undefined, string | undefined, number, string][] = [
      ['wrong passphrase', secretaryCert.pkcs12(PASS_SECRETARY), 'sai mật khẩu', 422, 'signPassphraseWrong'],
      ['not a keystore', new TextEncoder().encode('%PDF-1.7 không phải kho khóa'), 'x', 422, 'signKeystoreInvalid'],
      ['expired', expired.pkcs12('p'), 'p', 422, 'signCertificateExpired'],
      ['no signing usage', noUsage.pkcs12('p'), 'p', 422, 'signCertificateNoSigningUsage'],
      ['no keystore and no remote service', undefined, 'p', 400, 'signKeystoreMissing'],
    ];
    for (const [what, keystore, passphrase, status, code] of cases) {
      const answer = await sign(secretary, signatures(), keystore, passphrase);
      expect([answer.status, answer.body.error?.code], what).toEqual([status, code]);
      expect(answer.body.error?.message, what).toMatch(/[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/);
    }
    const state = await secretary.get<IssuedSignaturesEnvelope>(signatures());
    expect(state.status).toBe(200);
    expect(state.body.signatures).toEqual([]);
    expect(state.body.slots.map((s) => [s.role, s.signed, s.canSign])).toEqual([
      ['secretary', false, true],
      ['chair', false, false],
    ]);
    // the passphrase is never written to the log
    expect(JSON.stringify(server.logs)).not.toContain(PASS_SECRETARY);
    expect(JSON.stringify(server.logs)).not.toContain('sai mật khẩu');
  });

  it('signs in sequence: the chair waits for the secretary, nobody else signs, no slot twice', async () => {
    const early = await sign(chair, signatures(), chairCert.pkcs12(PASS_CHAIR), PASS_CHAIR);
    expect([early.status, early.body.error?.code]).toEqual([409, 'signatureOutOfOrder']);
    expect((await sign(delegate, signatures(), secretaryCert.pkcs12(PASS_SECRETARY), PASS_SECRETARY)).status).toBe(403);
    const stranger = await sign(outsider, signatures(), secretaryCert.pkcs12(PASS_SECRETARY), PASS_SECRETARY);
    expect(stranger.status).toBe(404);
    // the document's id under another meeting's URL
    const crossed = await sign(secretary, `/api/v1/meetings/${foreign.id}/official-documents/${issued.id}/signatures`, secretaryCert.pkcs12(PASS_SECRETARY), PASS_SECRETARY);
    expect([crossed.status, crossed.body.error?.code]).toEqual([404, 'issuedDocumentNotFound']);

    // two signings of the same slot at once (two tablets): one is stored, the other refused, never both
    const pair = await Promise.all([0, 1].map(() => sign(secretary, signatures(), secretaryCert.pkcs12(PASS_SECRETARY), PASS_SECRETARY)));
    expect(pair.map((a) => `${a.status} ${a.body.error?.code ?? ''}`).sort()).toEqual(['201 ', '409 signatureSlotTaken']);
    const first = pair.find((a) => a.status === 201)!;
    expect([first.body.document.signedCount, first.body.document.fullySigned]).toEqual([1, false]);
    const again = await sign(secretary, signatures(), secretaryCert.pkcs12(PASS_SECRETARY), PASS_SECRETARY);
    expect([again.status, again.body.error?.code]).toEqual([409, 'signatureSlotTaken']);
    expect((await delegate.get<{ documents: IssuedDocumentDto[] }>(docs())).body.documents).toEqual([]);

    const second = await sign(chair, signatures(), chairCert.pkcs12(PASS_CHAIR), PASS_CHAIR);
    expect(second.status).toBe(201);
    expect([second.body.document.signedCount, second.body.document.fullySigned]).toEqual([2, true]);
    // the e-mails were queued with the last signature, in its transaction: there as soon as the answer is
    const queued = (await admin.get<{ jobs: { kind: string }[] }>(`/api/v1/meetings/${meeting.id}/mail`)).body.jobs.filter((job) => job.kind === 'signed-document');
    expect(queued.length).toBeGreaterThan(0);
    const third = await sign(chair, signatures(), chairCert.pkcs12(PASS_CHAIR), PASS_CHAIR);
    expect([third.status, third.body.error?.code]).toEqual([409, 'signatureAlreadyComplete']);

    // on the audit trail: the two signatures that went through, by whom, on which document (the refusals are not acts)
    await expect
      .poll(async () => (await admin.get<{ entries: { actorName: string | null; targetId: string | null }[] }>(`/api/v1/audit?action=record.signed&meetingId=${meeting.id}`)).body.entries.map((e) => [e.actorName, e.targetId]).sort())
      .toEqual([['bithu', issued.id], ['thuky', issued.id]]);
  });

  it('pdfsig finds both signatures valid, ETSI.CAdES.detached; our report trusts them once the admin trusts the root', async () => {
    const file = await delegate.fetchRaw(`${docs()}/${issued.id}/pdf`);
    expect(file.status).toBe(200);
    const pdf = new Uint8Array(await file.arrayBuffer());
    const report = await pdfsig.check(pdf);
    const parts = report.split(/Signature #\d+:/).slice(1);
    expect(parts).toHaveLength(2);
    for (const part of parts) {
      expect(part).toContain('Signature Type: ETSI.CAdES.detached');
      expect(part).toContain('Signature Validation: Signature is Valid.');
    }
    expect(parts[0]).toContain('Signer Certificate Common Name: Nguyễn Thị Thư Ký');
    expect(parts[1]).toContain('Signer Certificate Common Name: Trần Văn Chủ Trì');

    const untrusted = await delegate.get<IssuedSignaturesEnvelope>(signatures());
    expect(untrusted.body.signatures.map((s) => [s.signerName, s.intact, s.trusted, s.status])).toEqual([
      ['Nguyễn Thị Thư Ký', true, false, 'untrusted'],
      ['Trần Văn Chủ Trì', true, false, 'untrusted'],
    ]);
    expect(untrusted.body.slots.map((s) => [s.signed, s.signerName, s.canSign])).toEqual([
      [true, 'Nguyễn Thị Thư Ký', false],
      [true, 'Trần Văn Chủ Trì', false],
    ]);

    // trusted roots: the admin's alone
    expect((await secretary.post('/api/v1/admin/trusted-roots', { pem: ca.rootPem })).status).toBe(403);
    const leaf = await admin.post<ErrorBody>('/api/v1/admin/trusted-roots', { pem: secretaryCert.certificatePem });
    expect([leaf.status, leaf.body.error.code]).toEqual([400, 'trustedRootInvalid']);
    expect((await admin.post('/api/v1/admin/trusted-roots', { pem: 'không phải PEM' })).status).toBe(400);
    const added = await admin.post<{ root: TrustedRootDto }>('/api/v1/admin/trusted-roots', { pem: ca.rootPem });
    expect(added.status).toBe(201);
    expect(added.body.root.subject).toContain('Test Root CA');
    expect((await admin.post('/api/v1/admin/trusted-roots', { pem: ca.rootPem })).status).toBe(409);
    expect((await admin.get<{ roots: TrustedRootDto[] }>('/api/v1/admin/trusted-roots')).body.roots.map((r) => r.id)).toEqual([added.body.root.id]);

    const trusted = await delegate.get<IssuedSignaturesEnvelope>(signatures());
    expect(trusted.body.signatures.map((s) => s.status)).toEqual(['valid', 'valid']);
    expect(trusted.body.signatures.map((s) => s.coversWholeDocument)).toEqual([false, true]);

    // one byte of the signed range changed: both signatures report tampered
    const tampered = new Uint8Array(pdf);
    const at = Buffer.from(tampered).indexOf('/MediaBox');
    expect(at).toBeGreaterThan(0);
    tampered[at + 1] = 'm'.charCodeAt(0);
    const modules = (server.app as unknown as { modules: { signatures: { verify(pdf: Uint8Array): Promise<{ intact: boolean }[]> } } }).modules;
    expect((await modules.signatures.verify(tampered)).map((s) => s.intact)).toEqual([false, false]);

    expect((await secretary.request('DELETE', `/api/v1/admin/trusted-roots/${added.body.root.id}`)).status).toBe(403);
    expect((await admin.request('DELETE', `/api/v1/admin/trusted-roots/${added.body.root.id}`)).status).toBe(204);
    expect((await admin.request('DELETE', `/api/v1/admin/trusted-roots/${added.body.root.id}`)).status).toBe(404);
    // outsiders see nothing of it
    expect((await outsider.get(signatures())).status).toBe(404);
  });

  it('delivers the signed minutes: listed for the delegate, e-mailed with the signed PDF to every participant with an address', async () => {
    const listed = await delegate.get<{ documents: IssuedDocumentDto[] }>(docs());
    expect(listed.body.documents.map((d) => [d.id, d.fullySigned])).toEqual([[issued.id, true]]);

    const deadline = Date.now() + 30_000;
    const signedMails = () => sink.received.filter((m) => m.attachments.some((a) => a.contentType === 'application/pdf'));
    while (signedMails().length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    const mails = signedMails();
    expect(mails.map((m) => (Array.isArray(m.to) ? '' : (m.to?.text ?? ''))).sort()).toEqual(['bithu@caophong.example.vn', 'bithu@tinhuy.example.vn']);
    for (const mail of mails) {
      expect(mail.subject).toContain('Biên bản');
      const attachment = mail.attachments.find((a) => a.contentType === 'application/pdf')!;
      expect(attachment.filename).toBe('BB-TU-01-2026.pdf'.replace('2026', String(issued.year)));
      const report = await pdfsig.check(new Uint8Array(attachment.content));
      expect(report.match(/Signature Validation: Signature is Valid\./g)).toHaveLength(2);
    }
  }, 60_000);
});
