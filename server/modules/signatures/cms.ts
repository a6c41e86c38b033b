/**
 * The CMS SignedData of a PAdES signature (CAdES-BES, detached): signed
 * attributes contentType, messageDigest and signing-certificate-v2 (ETSI EN
 * 319 122), no signingTime (PAdES keeps the time in the signature dictionary),
 * and, when a timestamp authority is configured, its token as the unsigned
 * signature-time-stamp attribute (PAdES-B-T).
 */
import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { OID } from './oids.ts';
import type { Signer } from './signer.ts';
import { requestTimestamp, type TimestampAuthority } from './timestamp.ts';

function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}

function sha256Algorithm(): pkijs.AlgorithmIdentifier {
  return new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256, algorithmParams: new asn1js.Null() });
}

/** SigningCertificateV2 { certs: [ ESSCertIDv2 { certHash (SHA-256, the default), issuerSerial } ] } */
function signingCertificateV2(der: Uint8Array, certificate: pkijs.Certificate): asn1js.Sequence {
  const issuerSerial = new asn1js.Sequence({
    value: [
      new asn1js.Sequence({ value: [new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 4 }, value: [certificate.issuer.toSchema()] })] }),
      new asn1js.Integer({ valueHex: certificate.serialNumber.valueBlock.valueHexView }),
    ],
  });
  const essCertIdV2 = new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: sha256(der) }), issuerSerial] });
  return new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2] })] });
}

/** DER requires a SET OF in the order of its elements' encodings. */
function derSorted(attributes: pkijs.Attribute[]): pkijs.Attribute[] {
  const encoded = attributes.map((attribute) => ({ attribute, der: Buffer.from(attribute.toSchema().toBER(false)) }));
  return encoded.sort((a, b) => Buffer.compare(a.der, b.der)).map((entry) => entry.attribute);
}

function signatureAlgorithm(signer: Signer): pkijs.AlgorithmIdentifier {
  return signer.algorithm === 'rsa-sha256'
    ? new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256WithRsa, algorithmParams: new asn1js.Null() })
    : new pkijs.AlgorithmIdentifier({ algorithmId: OID.ecdsaWithSha256 });
}

export async function buildCadesSignature(contentDigest: Uint8Array, signer: Signer, timestampAuthority?: TimestampAuthority): Promise<Uint8Array> {
  const certificate = pkijs.Certificate.fromBER(new Uint8Array(signer.certificate));
  const signedAttrs = new pkijs.SignedAndUnsignedAttributes({
    type: 0,
    attributes: derSorted([
      new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: OID.data })] }),
      new pkijs.Attribute({ type: OID.messageDigest, values: [new asn1js.OctetString({ valueHex: contentDigest })] }),
      new pkijs.Attribute({ type: OID.signingCertificateV2, values: [signingCertificateV2(signer.certificate, certificate)] }),
    ]),
  });
  // What is signed is the attributes encoded as a SET (tag 0x31), not as the [0] they travel in (RFC 5652 §5.4).
  const toSign = new Uint8Array(signedAttrs.toSchema().toBER(false));
  toSign[0] = 0x31;
  const signatureValue = await signer.sign(toSign);

  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: certificate.issuer, serialNumber: certificate.serialNumber }),
    digestAlgorithm: sha256Algorithm(),
    signedAttrs,
    signatureAlgorithm: signatureAlgorithm(signer),
    signature: new asn1js.OctetString({ valueHex: signatureValue }),
  });
  if (timestampAuthority) {
    const token = await requestTimestamp(timestampAuthority, signatureValue);
    signerInfo.unsignedAttrs = new pkijs.SignedAndUnsignedAttributes({
      type: 1,
      attributes: [new pkijs.Attribute({ type: OID.timeStampToken, values: [token.toSchema()] })],
    });
  }
  const signedData = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [sha256Algorithm()],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
    certificates: [signer.certificate, ...signer.chain].map((der) => pkijs.Certificate.fromBER(new Uint8Array(der))),
    signerInfos: [signerInfo],
  });
  const contentInfo = new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) });
  return new Uint8Array(contentInfo.toSchema().toBER(false));
}
