// Issue 12: signing through a remote CSC API v2 service (a real HTTP server holding a test key), and its failures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cscSigner, pkcs12Signer, signPdf, verifyPdf } from '../../server/modules/signatures/index.ts';
import { startTestCscServer, type TestCscServer } from '../helpers/csc-test-server.ts';
import { pdfsigTrusting, type Pdfsig } from '../helpers/pdfsig.ts';
import { makeTestPdf } from '../helpers/test-pdf.ts';
import { createTestCa, type TestCa } from '../helpers/test-pki.ts';

let ca: TestCa;
let csc: TestCscServer;
let pdfsig: Pdfsig;
let pdf: Uint8Array;
const rect = { x: 330, y: 120, width: 180, height: 70 };

beforeAll(async () => {
  ca = createTestCa();
  csc = await startTestCscServer(ca.issue({ commonName: 'Lê Văn Ký Từ Xa', organization: 'Sở Nội vụ' }), ca.rootDer);
  pdfsig = await pdfsigTrusting(ca.rootPem);
  pdf = await makeTestPdf();
}, 60_000);

afterAll(async () => {
  await csc?.close();
  await pdfsig?.close();
});

const config = () => ({ baseUrl: csc.url, username: csc.username, password: csc.password });

describe('cscSigner', () => {
  it('signs after a PKCS#12 signature; pdfsig finds both valid and trusted', async () => {
    csc.mode = 'sign';
    const first = await signPdf(pdf, pkcs12Signer(ca.issue({ commonName: 'Thư Ký' }).pkcs12('p'), 'p'), { signerName: 'Thư Ký' }, { page: 1, rect: { ...rect, x: 80 } });
    const signed = await signPdf(first, await cscSigner(config()), { signerName: 'Lê Văn Ký Từ Xa' }, { page: 1, rect });
    expect(csc.signed).toBe(1);
    const report = await pdfsig.check(signed);
    expect(report.match(/Signature Validation: Signature is Valid\./g)).toHaveLength(2);
    expect(report.match(/Certificate Validation: Certificate is Trusted\./g)).toHaveLength(2);
    expect(report).toContain('Signer Certificate Common Name: Lê Văn Ký Từ Xa');
    const ours = await verifyPdf(signed, [ca.rootDer]);
    expect(ours[1]).toMatchObject({ signerName: 'Lê Văn Ký Từ Xa', organization: 'Sở Nội vụ', intact: true, trusted: true, coversWholeDocument: true });
   }, 30_000);

  it('wrong service credentials: refused, in Vietnamese', async () => {
    await expect(cscSigner({ ...config(), password: 'sai' })).rejects.toThrow('Dịch vụ ký số từ xa từ chối yêu cầu ký: Sai tên đăng nhập hoặc mật khẩu');
  });

  it('the signer declines: refused, no PDF', async () => {
    csc.mode = 'refuse';
    const signer = await cscSigner(config());
    await expect(signPdf(pdf, signer, { signerName: 'Lê Văn Ký Từ Xa' }, { page: 0, rect })).rejects.toThrow(
      'Dịch vụ ký số từ xa từ chối yêu cầu ký: Người dùng đã từ chối yêu cầu ký',
    );
  });

  it('the service never answers: a timeout, no PDF', async () => {
    csc.mode = 'hang';
    const signer = await cscSigner({ ...config(), timeoutMs: 500 });
    await expect(signPdf(pdf, signer, { signerName: 'Lê Văn Ký Từ Xa' }, { page: 0, rect })).rejects.toThrow(
      'Dịch vụ ký số từ xa không phản hồi kịp thời. Vui lòng thử lại sau',
    );
  });

  it('nothing listens: unavailable', async () => {
    await expect(cscSigner({ ...config(), baseUrl: 'http://127.0.0.1:9/csc/v2', timeoutMs: 2_000 })).rejects.toThrow('Không kết nối được dịch vụ ký số từ xa');
  });
});
