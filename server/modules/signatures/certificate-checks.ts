/**
 * Refuses a certificate that may not sign now: outside its validity period,
 * or restricted by its key usage to something other than signing. Checked
 * before anything is hashed, so a refused signer leaves no trace.
 */
import { X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { SignatureError } from './errors.ts';

const KEY_USAGE_OID = '2.5.29.15';
const DIGITAL_SIGNATURE = 0x80;
const NON_REPUDIATION = 0x40;

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** True when the certificate's key usage allows signing; a certificate without the extension is not restricted (RFC 5280 §4.2.1.3). */
export function allowsSigning(der: Uint8Array): boolean {
  const certificate = pkijs.Certificate.fromBER(new Uint8Array(der));
  const extension = certificate.extensions?.find((candidate) => candidate.extnID === KEY_USAGE_OID);
  if (!extension) return true;
  const bits = extension.parsedValue;
  if (!(bits instanceof asn1js.BitString)) return false;
  const first = bits.valueBlock.valueHexView[0] ?? 0;
  return (first & (DIGITAL_SIGNATURE | NON_REPUDIATION)) !== 0;
}

export function assertCertificateCanSign(der: Uint8Array, now: Date = new Date()): void {
  const certificate = new X509Certificate(der);
  const notBefore = new Date(certificate.validFrom);
  const notAfter = new Date(certificate.validTo);
  if (now < notBefore) throw new SignatureError('signCertificateNotYetValid', { date: day(notBefore) });
  if (now > notAfter) throw new SignatureError('signCertificateExpired', { date: day(notAfter) });
  if (!allowsSigning(der)) throw new SignatureError('signCertificateNoSigningUsage');
}
