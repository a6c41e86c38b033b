/**
 * Issue 12: signing an issued document through the configured remote (CSC)
 * signing service, with the configured RFC 3161 timestamp authority. A
 * service that never answers (the signer did not confirm on the phone) or
 * refuses gives a clear Vietnamese error and stores nothing; one that signs
 * gives a PAdES-B-T signature (pdfsig: valid; our report: timestamped).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeetingDto } from '../../server/contract/meetings.ts';
import type { IssuedDocumentDto } from '../../server/contract/official-docs-api.ts';
import type { IssuedSignaturesEnvelope } from '../../server/contract/signing.ts';
import { startTestCscServer, type TestCscServer } from '../helpers/csc-test-server.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { addAgendaItem, changeStatus, createMeeting, loggedIn, secretariat } from '../helpers/meetings.ts';
import { pdfsigTrusting, type Pdfsig } from '../helpers/pdfsig.ts';
import { startTestServer, type TestClient, type TestServer } from '../helpers/server.ts';
import { createTestCa, type TestCa } from '../helpers/test-pki.ts';
import { startTestTsa, type TestTsa } from '../helpers/tsa-server.ts';

type Answer = { document?: IssuedDocumentDto; error?: { code: string; message: string } };

describe('signing through the remote CSC service, with a timestamp', () => {
  let db: TestDatabase;
  let server: TestServer;
  let ca: TestCa;
  let csc: TestCscServer;
  let tsa: TestTsa;
  let pdfsig: Pdfsig;
  let secretary: TestClient;
  let meeting: MeetingDto;
  let issued: IssuedDocumentDto;
  const signatures = () => `/api/v1/meetings/${meeting.id}/official-documents/${issued.id}/signatures`;
  /** the remote service signs: the call carries no keystore */
  const signRemotely = async (client: TestClient): Promise<{ status: number; body: Answer }> => {
    const response = await fetch(client.baseUrl + signatures(), { method: 'POST', headers: { cookie: client.cookieHeader, origin: client.baseUrl } });
    return { status: response.status, body: (await response.json()) as Answer };
  };

  beforeAll(async () => {
    ca = createTestCa();
    csc = await startTestCscServer(ca.issue({ commonName: 'Lê Văn Ký Từ Xa', organization: 'Văn phòng Tỉnh ủy' }), ca.rootDer);
    tsa = await startTestTsa(ca);
    pdfsig = await pdfsigTrusting(ca.rootPem);
    db = await createTestDatabase();
    server = await startTestServer(db, {
      SIGNING_CSC_URL: csc.url,
      SIGNING_CSC_USERNAME: csc.username,
      SIGNING_CSC_PASSWORD: csc.password,
      SIGNING_CSC_TIMEOUT_MS: '1500',
      SIGNING_TSA_URL: tsa.url,
    });
    const setup = await secretariat(server.url);
    secretary = setup.secretary;
    const chair = await loggedIn(server.url, 'bithu');
    meeting = await createMeeting(secretary, setup.directory, { title: 'Hội nghị ký từ xa', membershipTotal: 2, members: [['bithu', 'chair'], ['caophong.bithu', 'delegate']] });
    await addAgendaItem(secretary, meeting, { title: 'Nội dung duy nhất', plannedMinutes: 10 });
    await changeStatus(secretary, meeting, 'published');
    await changeStatus(chair, meeting, 'in_session');
    await changeStatus(chair, meeting, 'closed');
    const built = await secretary.post<{ document: { summary: { version: number } } }>(`/api/v1/meetings/${meeting.id}/record/drafts/minutes/build`);
    expect((await chair.post(`/api/v1/meetings/${meeting.id}/record/drafts/minutes/versions/${built.body.document.summary.version}/approve`)).status).toBe(200);
    issued = (await secretary.post<{ document: IssuedDocumentDto }>(`/api/v1/meetings/${meeting.id}/record/drafts/minutes/issue`, { issuerCode: 'TU' })).body.document;
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await csc?.close();
    await tsa?.close();
    await pdfsig?.close();
    await db?.drop();
  });

  it('a service that never answers or refuses: a Vietnamese reason, nothing stored', async () => {
    csc.mode = 'hang';
    const hung = await signRemotely(secretary);
    expect([hung.status, hung.body.error?.code]).toEqual([504, 'signRemoteTimeout']);
    expect(hung.body.error?.message).toBe('Dịch vụ ký số từ xa không phản hồi kịp thời. Vui lòng thử lại sau');
    csc.mode = 'refuse';
    const refused = await signRemotely(secretary);
    expect([refused.status, refused.body.error?.code]).toEqual([502, 'signRemoteRefused']);
    const state = await secretary.get<IssuedSignaturesEnvelope>(signatures());
    expect([state.body.remoteSigning, state.body.signatures, state.body.document.signedCount]).toEqual([true, [], 0]);
    // the service's password is configuration, never a log line
    expect(JSON.stringify(server.logs)).not.toContain(csc.password);
  });

  it('a service that signs: PAdES with a timestamp, pdfsig finds it valid', async () => {
    csc.mode = 'sign';
    const signed = await signRemotely(secretary);
    expect(signed.status).toBe(201);
    expect(signed.body.document?.signedCount).toBe(1);
    const state = await secretary.get<IssuedSignaturesEnvelope>(signatures());
    expect(state.body.signatures.map((s) => [s.signerName, s.intact])).toEqual([['Lê Văn Ký Từ Xa', true]]);
    expect(state.body.signatures[0]?.timestampTime).not.toBeNull();
    expect(tsa.requests).toBe(1);
    const pdf = new Uint8Array(await (await secretary.fetchRaw(`/api/v1/meetings/${meeting.id}/official-documents/${issued.id}/pdf`)).arrayBuffer());
    const report = await pdfsig.check(pdf);
    expect(report).toContain('Signature Type: ETSI.CAdES.detached');
    expect(report).toContain('Signature Validation: Signature is Valid.');
  });
});
