/**
 * verifyPdf: a report per signature in a PDF, computed from the bytes alone:
 * who signed (from the certificate), when (the signature dictionary's /M and,
 * if present, the RFC 3161 token's time), whether the signed bytes still
 * hash to what was signed and the CMS signature holds (intact), whether the
 * signed range is the whole file or an earlier revision, and whether the
 * certificate chains to one of the trusted roots given.
 */
import { createHash, verify as cryptoVerify, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { OID } from './oids.ts';
import { tstInfoOf } from './timestamp.ts';

export type SignatureReport = {
  signerName: string | null;
  organization: string | null;
  subFilter: string | null;
  /** /M of the signature dictionary (the signer's clock) */
  signingTime: Date | null;
  /** the timestamp authority's time, when the signature carries a token for it */
  timestampTime: Date | null;
  /** the signed bytes hash to the signed digest and the signature verifies with the signer's certificate */
  intact: boolean;
  /** the signed range runs to the end of the file: nothing was appended after this signature */
  coversWholeDocument: boolean;
  /** byte length of the revision this signature covers */
  revisionLength: number;
  /** the certificate chains to one of the trusted roots */
  trusted: boolean;
};

const DIGESTS: Record<string, string> = { [OID.sha256]: 'sha256', '2.16.840.1.101.3.4.2.2': 'sha384', '2.16.840.1.101.3.4.2.3': 'sha512', '1.3.14.3.2.26': 'sha1' };

function nameOf(certificate: pkijs.Certificate, type: string): string | null {
  const entry = certificate.subject.typesAndValues.find((candidate) => candidate.type === type);
  if (!entry) return null;
  const value: unknown = entry.value.valueBlock.value;
  if (entry.value instanceof asn1js.BmpString || entry.value instanceof asn1js.UniversalString) return typeof value === 'string' ? value : null;
  // UTF8String, and the PrintableString/TeletexString some CAs fill with UTF-8 anyway
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(entry.value.valueBlock.valueHexView);
  } catch {
    return typeof value === 'string' ? value : null;
  }
}

function pdfDate(text: string): Date | null {
  const match = /^D:(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(Z|([+-])(\d{2})'?(\d{2})'?)?/.exec(text);
  if (!match) return null;
  const [, y, mo, d, h, mi, s, zone, sign, zh, zm] = match;
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const offset = zone && zone !== 'Z' ? (sign === '-' ? -1 : 1) * (Number(zh) * 60 + Number(zm)) * 60_000 : 0;
  return new Date(utc - offset);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}

function chainsToRoot(signerDer: Uint8Array, pool: Uint8Array[], roots: readonly Uint8Array[]): boolean {
  const trusted = roots.map((root) => new X509Certificate(root));
  const candidates = pool.map((der) => new X509Certificate(der));
  let current = new X509Certificate(signerDer);
  for (let depth = 0; depth < 10; depth += 1) {
    if (trusted.some((root) => root.raw.equals(current.raw) || (current.checkIssued(root) && current.verify(root.publicKey)))) return true;
    const issuer = candidates.find((candidate) => !candidate.raw.equals(current.raw) && current.checkIssued(candidate) && current.verify(candidate.publicKey));
    if (!issuer) return false;
    current = issuer;
  }
  return false;
}

function checkOne(pdf: Uint8Array, text: string, range: [number, number, number, number], roots: readonly Uint8Array[]): SignatureReport {
  const [start, firstLength, secondStart, secondLength] = range;
  const report: SignatureReport = {
    signerName: null,
    organization: null,
    subFilter: null,
    signingTime: null,
    timestampTime: null,
    intact: false,
    coversWholeDocument: secondStart + secondLength === pdf.length,
    revisionLength: secondStart + secondLength,
    trusted: false,
  };
  const window = text.slice(Math.max(0, firstLength - 4096), Math.min(text.length, secondStart + 4096));
  report.subFilter = /\/SubFilter\s*\/([A-Za-z0-9.\-_]+)/.exec(window)?.[1] ?? null;
  const m = /\/M\s*\((D:[^)]*)\)/.exec(text.slice(secondStart, secondStart + 4096)) ?? /\/M\s*\((D:[^)]*)\)/.exec(text.slice(Math.max(0, firstLength - 4096), firstLength));
  report.signingTime = m?.[1] ? pdfDate(m[1]) : null;
  if (start !== 0 || secondStart + secondLength > pdf.length || firstLength >= secondStart) return report;
  const hex = text.slice(firstLength + 1, secondStart - 1).replace(/\s+/g, '');
  if (!/^[0-9a-fA-F]*$/.test(hex)) return report;
  try {
    const cms = pkijs.ContentInfo.fromBER(new Uint8Array(Buffer.from(hex, 'hex')));
    const signedData = new pkijs.SignedData({ schema: cms.content });
    const signerInfo = signedData.signerInfos[0];
    if (!signerInfo) return report;
    const pool = (signedData.certificates ?? []).flatMap((certificate) =>
      certificate instanceof pkijs.Certificate ? [new Uint8Array(certificate.toSchema().toBER(false))] : [],
    );
    const sid = signerInfo.sid;
    const signerDer = pool.find((der) => {
      const certificate = pkijs.Certificate.fromBER(der);
      return sid instanceof pkijs.IssuerAndSerialNumber && certificate.serialNumber.isEqual(sid.serialNumber) && certificate.issuer.isEqual(sid.issuer);
    });
    if (!signerDer) return report;
    const signerCertificate = pkijs.Certificate.fromBER(signerDer);
    report.signerName = nameOf(signerCertificate, OID.commonName);
    report.organization = nameOf(signerCertificate, OID.organization);

    const digestName = DIGESTS[signerInfo.digestAlgorithm.algorithmId];
    const attributes = signerInfo.signedAttrs;
    if (digestName && attributes) {
      const digest = createHash(digestName)
        .update(pdf.subarray(0, firstLength))
        .update(pdf.subarray(secondStart, secondStart + secondLength))
        .digest();
      const messageDigest = attributes.attributes.find((attribute) => attribute.type === OID.messageDigest)?.values[0];
      const digestMatches = messageDigest instanceof asn1js.OctetString && sameBytes(messageDigest.valueBlock.valueHexView, digest);
      const signed = new Uint8Array(attributes.encodedValue);
      signed[0] = 0x31;
      const signatureHolds = cryptoVerify(digestName, signed, new X509Certificate(signerDer).publicKey, signerInfo.signature.valueBlock.valueHexView);
      report.intact = digestMatches && signatureHolds;
    }
    const token = signerInfo.unsignedAttrs?.attributes.find((attribute) => attribute.type === OID.timeStampToken)?.values[0];
    if (token) {
      const info = tstInfoOf(new pkijs.ContentInfo({ schema: token }));
      const imprint = createHash('sha256').update(signerInfo.signature.valueBlock.valueHexView).digest();
      if (sameBytes(info.messageImprint.hashedMessage.valueBlock.valueHexView, imprint)) report.timestampTime = info.genTime;
    }
    report.trusted = chainsToRoot(signerDer, pool, roots);
  } catch {
    // an unreadable CMS is reported as not intact and not trusted
  }
  return report;
}

/** One report per signature, in the order they appear in the file (the first signer first). */
export function verifyPdf(pdf: Uint8Array, trustedRoots: readonly Uint8Array[]): SignatureReport[] {
  const text = Buffer.from(pdf).toString('latin1');
  const reports: SignatureReport[] = [];
  const seen = new Set<string>();
  for (const match of text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)) {
    const range = [match[1], match[2], match[3], match[4]].map(Number) as [number, number, number, number];
    const key = range.join(' ');
    if (seen.has(key)) continue;
    seen.add(key);
    reports.push(checkOne(pdf, text, range, trustedRoots));
  }
  return reports;
}
