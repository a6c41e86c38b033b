// Issue 12, bad input: a keystore or certificate that cannot sign gives a clear Vietnamese message and no PDF.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { pkcs12Signer, SignatureError, signPdf, verifyPdf } from '../../server/modules/signatures/index.ts';
import { makeTestPdf } from '../helpers/test-pdf.ts';
import { createTestCa, type TestCa } from '../helpers/test-pki.ts';

const run = promisify(execFile);
let ca: TestCa;
let pdf: Uint8Array;
const DAY = 86_400_000;
const rect = { x: 80, y: 120, width: 180, height: 70 };

beforeAll(async () => {
  ca = createTestCa();
  pdf = await makeTestPdf();
}, 60_000);

function refusal(action: () => unknown): SignatureError {
  try {
    action();
  } catch (error) {
    if (error instanceof SignatureError) return error;
    throw error;
  }
  throw new Error('expected a SignatureError');
}

describe('pkcs12Signer refuses what cannot sign', () => {
  it('a wrong passphrase', () => {
    const keystore = ca.issue({ commonName: 'Thư Ký' }).pkcs12('đúng');
    const error = refusal(() => pkcs12Signer(keystore, 'sai'));
    expect(error.key).toBe('signPassphraseWrong');
    expect(error.message).toBe('Mật khẩu kho khóa chứng thư số không đúng');
  });

  it('a file that is not a keystore (a PDF, random bytes, empty)', () => {
    for (const bytes of [pdf, new Uint8Array([0x30, 0x82, 0x01]), new Uint8Array(0), new TextEncoder().encode('-----BEGIN CERTIFICATE-----')]) {
      const error = refusal(() => pkcs12Signer(bytes, 'x'));
      expect(error.key).toBe('signKeystoreInvalid');
      expect(error.message).toContain('không phải là kho khóa PKCS#12');
    }
  });

  it('an expired certificate', () => {
    const expired = ca.issue({ commonName: 'Hết Hạn', notBefore: new Date(Date.now() - 400 * DAY), notAfter: new Date(Date.now() - DAY) });
    const error = refusal(() => pkcs12Signer(expired.pkcs12('p'), 'p'));
    expect(error.key).toBe('signCertificateExpired');
    expect(error.message).toMatch(/^Chứng thư số đã hết hạn \(hết hạn ngày \d{4}-\d{2}-\d{2}\)$/);
  });

  it('a certificate not valid yet', () => {
    const future = ca.issue({ commonName: 'Chưa Hiệu Lực', notBefore: new Date(Date.now() + 10 * DAY), notAfter: new Date(Date.now() + 400 * DAY) });
    const error = refusal(() => pkcs12Signer(future.pkcs12('p'), 'p'));
    expect(error.key).toBe('signCertificateNotYetValid');
    expect(error.message).toContain('chưa có hiệu lực');
  });

  it('a certificate whose key usage is not signing', () => {
    const encipherOnly = ca.issue({ commonName: 'Chỉ Mã Hóa', keyUsage: { keyEncipherment: true } });
    const error = refusal(() => pkcs12Signer(encipherOnly.pkcs12('p'), 'p'));
    expect(error.key).toBe('signCertificateNoSigningUsage');
    expect(error.message).toContain('không được phép dùng để ký số');
  });

  it('reads a keystore written by OpenSSL 3 (PBES2, AES-256, SHA-256 MAC) and one with nonRepudiation only', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'phs-p12-'));
    try {
      const person = ca.issue({ commonName: 'Chủ Tọa', keyUsage: { nonRepudiation: true } });
      await writeFile(path.join(dir, 'cert.pem'), person.certificatePem);
      await writeFile(path.join(dir, 'key.pem'), person.keyPem);
      await run('openssl', ['pkcs12', '-export', '-in', path.join(dir, 'cert.pem'), '-inkey', path.join(dir, 'key.pem'), '-out', path.join(dir, 'k.p12'), '-passout', 'pass:bí mật']);
      const keystore = new Uint8Array(await readFile(path.join(dir, 'k.p12')));
      expect(refusal(() => pkcs12Signer(keystore, 'sai')).key).toBe('signPassphraseWrong');
      const signer = pkcs12Signer(keystore, 'bí mật');
      const signed = await signPdf(pdf, signer, { signerName: 'Chủ Tọa' }, { page: 0, rect });
      expect((await verifyPdf(signed, [ca.rootDer])).map((s) => [s.intact, s.trusted])).toEqual([[true, true]]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);
});

describe('signPdf fails whole or not at all', () => {
  it('a timestamp authority that refuses: no PDF, a Vietnamese message', async () => {
    const server = createServer((_request, response) => {
      response.writeHead(503);
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const signer = pkcs12Signer(ca.issue({ commonName: 'Thư Ký' }).pkcs12('p'), 'p');
      const attempt = signPdf(pdf, signer, { signerName: 'Thư Ký' }, { page: 0, rect, timestampAuthority: { url: `http://127.0.0.1:${port}/` } });
      await expect(attempt).rejects.toThrow('Không lấy được dấu thời gian từ máy chủ cấp dấu thời gian: HTTP 503');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('a page that does not exist, a file that is not a PDF', async () => {
    const signer = pkcs12Signer(ca.issue({ commonName: 'Thư Ký' }).pkcs12('p'), 'p');
    await expect(signPdf(pdf, signer, { signerName: 'Thư Ký' }, { page: 7, rect })).rejects.toThrow('Không ký được tệp PDF này: no page 8');
    await expect(signPdf(new TextEncoder().encode('not a pdf'), signer, { signerName: 'Thư Ký' }, { page: 0, rect })).rejects.toBeInstanceOf(SignatureError);
  });
});

describe('verifyPdf on what is not a signed PDF', () => {
  it('an unsigned PDF has no signatures; garbage in /Contents is not intact and not trusted', async () => {
    expect(verifyPdf(pdf, [ca.rootDer])).toEqual([]);
    expect(verifyPdf(new TextEncoder().encode('not a pdf at all'), [ca.rootDer])).toEqual([]);
    const forged = new TextEncoder().encode(`%PDF-1.7\n1 0 obj\n<< /Type /Sig /ByteRange [0 10 40 5] /Contents <3082DEADBEEF0000> >>\nendobj\n%%EOF\n`);
    const [report] = verifyPdf(forged, [ca.rootDer]);
    expect(report).toMatchObject({ intact: false, trusted: false, signerName: null });
  });

  it('a signature whose certificate is not under a trusted root is intact but not trusted', async () => {
    const other = createTestCa('Another CA');
    const signed = await signPdf(pdf, pkcs12Signer(other.issue({ commonName: 'Người Lạ' }).pkcs12('p'), 'p'), { signerName: 'Người Lạ' }, { page: 0, rect });
    expect(verifyPdf(signed, [ca.rootDer]).map((s) => [s.signerName, s.intact, s.trusted])).toEqual([['Người Lạ', true, false]]);
    expect(verifyPdf(signed, [other.rootDer]).map((s) => s.trusted)).toEqual([true]);
  }, 30_000);
});
