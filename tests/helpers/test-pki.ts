/**
 * A small certificate authority made by the tests themselves (node-forge):
 * a root, person certificates as PKCS#12 keystores, and odd ones (expired,
 * not yet valid, no signing key usage) for the bad-input tests. Nothing here
 * is a real CA; keys are 2048-bit RSA made on the spot.
 */
import forge from 'node-forge';

export type IssuedCertificate = {
  certificatePem: string;
  certificateDer: Uint8Array;
  keyPem: string;
  /** PKCS#12 (3DES, SHA-1 MAC, as many CAs still issue) holding the key, the certificate and the root. */
  pkcs12(passphrase: string): Uint8Array;
};

export type TestCa = {
  rootPem: string;
  rootDer: Uint8Array;
  issue(options: IssueOptions): IssuedCertificate;
};

export type IssueOptions = {
  commonName: string;
  organization?: string;
  notBefore?: Date;
  notAfter?: Date;
  /** keyUsage bits; signing ones by default */
  keyUsage?: { digitalSignature?: boolean; nonRepudiation?: boolean; keyEncipherment?: boolean };
  /** extendedKeyUsage timeStamping, critical (a TSA's certificate) */
  timeStamping?: boolean;
};

let serial = 1;
/** Names as UTF8String, as real CAs write them (forge's typings call this tag a Class). */
const UTF8 = forge.asn1.Type.UTF8 as unknown as forge.asn1.Class;

function der(certificate: forge.pki.Certificate): Uint8Array {
  return Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(certificate)).getBytes(), 'binary');
}

function serialNumber(): string {
  serial += 1;
  return (0x10_0000 + serial + Math.floor(Math.random() * 0xff_ffff) * 0x100).toString(16).padStart(8, '0');
}

export function createTestCa(name = 'Test Root CA Phòng Họp Số'): TestCa {
  const rootKeys = forge.pki.rsa.generateKeyPair(2048);
  const root = forge.pki.createCertificate();
  root.publicKey = rootKeys.publicKey;
  root.serialNumber = serialNumber();
  root.validity.notBefore = new Date(Date.now() - 86_400_000);
  root.validity.notAfter = new Date(Date.now() + 10 * 365 * 86_400_000);
  const rootName = [{ shortName: 'CN', value: name, valueTagClass: UTF8 }, { shortName: 'O', value: 'Test CA' }, { shortName: 'C', value: 'VN' }];
  root.setSubject(rootName);
  root.setIssuer(rootName);
  root.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  root.sign(rootKeys.privateKey, forge.md.sha256.create());
  const rootPem = forge.pki.certificateToPem(root);

  return {
    rootPem,
    rootDer: der(root),
    issue(options) {
      const keys = forge.pki.rsa.generateKeyPair(2048);
      const certificate = forge.pki.createCertificate();
      certificate.publicKey = keys.publicKey;
      certificate.serialNumber = serialNumber();
      certificate.validity.notBefore = options.notBefore ?? new Date(Date.now() - 86_400_000);
      certificate.validity.notAfter = options.notAfter ?? new Date(Date.now() + 365 * 86_400_000);
      const subject = [{ shortName: 'CN', value: options.commonName, valueTagClass: UTF8 }, { shortName: 'C', value: 'VN' }];
      if (options.organization) subject.push({ shortName: 'O', value: options.organization, valueTagClass: UTF8 });
      certificate.setSubject(subject);
      certificate.setIssuer(root.subject.attributes);
      const usage = options.keyUsage ?? { digitalSignature: true, nonRepudiation: true };
      const extensions: object[] = [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', critical: true, ...usage },
        { name: 'authorityKeyIdentifier', keyIdentifier: root.generateSubjectKeyIdentifier().getBytes() },
      ];
      if (options.timeStamping) extensions.push({ name: 'extKeyUsage', timeStamping: true, critical: true });
      certificate.setExtensions(extensions);
      certificate.sign(rootKeys.privateKey, forge.md.sha256.create());
      const certificatePem = forge.pki.certificateToPem(certificate);
      return {
        certificatePem,
        certificateDer: der(certificate),
        keyPem: forge.pki.privateKeyToPem(keys.privateKey),
        pkcs12: (passphrase) =>
          Buffer.from(
            forge.asn1.toDer(forge.pkcs12.toPkcs12Asn1(keys.privateKey, [certificate, root], passphrase, { algorithm: '3des' })).getBytes(),
            'binary',
          ),
      };
    },
  };
}
