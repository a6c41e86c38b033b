// Acceptance 2 of issue 12: PAdES signatures checked by Debian's pdfsig (poppler) with the test CA trusted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pkcs12Signer, signPdf, verifyPdf } from '../../server/modules/signatures/index.ts';
import { pdfsigTrusting, type Pdfsig } from '../helpers/pdfsig.ts';
import { makeTestPdf } from '../helpers/test-pdf.ts';
import { createTestCa, type TestCa } from '../helpers/test-pki.ts';
import { startTestTsa, type TestTsa } from '../helpers/tsa-server.ts';

let ca: TestCa;
let pdfsig: Pdfsig;
let tsa: TestTsa;
const PASS = 'mật khẩu thư ký';

beforeAll(async () => {
  ca = createTestCa();
  pdfsig = await pdfsigTrusting(ca.rootPem);
  tsa = await startTestTsa(ca);
}, 60_000);

afterAll(async () => {
  await pdfsig?.close();
  await tsa?.close();
});

const slot = (x: number) => ({ x, y: 120, width: 180, height: 70 });

describe('signPdf with PKCS#12 keystores, verified by pdfsig', () => {
  it('signs twice in sequence (secretary then chair); both valid, the first covers its revision only; one flipped byte is caught', async () => {
    const secretary = ca.issue({ commonName: 'Nguyễn Thị Thư Ký', organization: 'UBND tỉnh Hòa Bình' });
    const chair = ca.issue({ commonName: 'Trần Văn Chủ Tọa', organization: 'UBND tỉnh Hòa Bình' });
    const original = await makeTestPdf();

    const once = await signPdf(original, pkcs12Signer(secretary.pkcs12(PASS), PASS), { signerName: 'Nguyễn Thị Thư Ký' }, { page: 1, rect: slot(80) });
    expect(Buffer.from(once.subarray(0, original.length)).equals(Buffer.from(original))).toBe(true);
    const twice = await signPdf(once, pkcs12Signer(chair.pkcs12('chủ tọa'), 'chủ tọa'), { signerName: 'Trần Văn Chủ Tọa' }, { page: 1, rect: slot(330), timestampAuthority: { url: tsa.url } });
    expect(Buffer.from(twice.subarray(0, once.length)).equals(Buffer.from(once))).toBe(true);

    const report = await pdfsig.check(twice);
    const parts = report.split(/Signature #\d+:/).slice(1);
    expect(parts).toHaveLength(2);
    for (const part of parts) {
      expect(part).toContain('Signature Type: ETSI.CAdES.detached');
      expect(part).toContain('Signature Validation: Signature is Valid.');
      expect(part).toContain('Certificate Validation: Certificate is Trusted.');
    }
    expect(parts[0]).toContain('Signer Certificate Common Name: Nguyễn Thị Thư Ký');
    expect(parts[0]).toContain('Not total document signed');
    expect(parts[1]).toContain('Signer Certificate Common Name: Trần Văn Chủ Tọa');
    expect(parts[1]).toContain('Total document signed');
    expect(parts[1]).not.toContain('Not total document signed');

    const ours = await verifyPdf(twice, [ca.rootDer]);
    expect(ours.map((s) => [s.signerName, s.intact, s.coversWholeDocument, s.trusted])).toEqual([
      ['Nguyễn Thị Thư Ký', true, false, true],
      ['Trần Văn Chủ Tọa', true, true, true],
    ]);
    expect(ours[0]?.timestampTime).toBeNull();
    expect(ours[1]?.timestampTime).toBeInstanceOf(Date);
    expect(tsa.requests).toBe(1);

    // one byte inside the first revision (covered by both signatures): the first page's width
    const tampered = new Uint8Array(twice);
    const at = Buffer.from(tampered).indexOf('595.28');
    expect(at).toBeGreaterThan(0);
    tampered[at] = '6'.charCodeAt(0);
    const afterTamper = await pdfsig.check(tampered);
    expect(afterTamper.match(/Signature Validation: Signature is Valid\./g) ?? []).toHaveLength(0);
    expect(afterTamper).toMatch(/Signature Validation: Digest Mismatch\./);
    const oursTampered = await verifyPdf(tampered, [ca.rootDer]);
    expect(oursTampered.map((s) => s.intact)).toEqual([false, false]);
   }, 30_000);
});
