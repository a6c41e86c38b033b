/**
 * The REST contract of digital signatures on the meeting's outcome documents
 * (issue 12): issuing an approved minutes or notice, the verification report
 * of an issued document's signatures, and the trusted roots the admin keeps.
 * Signing itself is a multipart upload (the keystore and its passphrase), so
 * its body has no JSON schema; its answer is an IssuedDocumentEnvelope.
 */
import Type, { type Static } from 'typebox';
import { Nullable, Uuid } from './common.ts';
import { IssuedDocumentDto, IssuerCode } from './official-docs-api.ts';

/** Issuing the approved version of a record document under the register's next number. */
export const RecordIssue = Type.Object({ issuerCode: IssuerCode }, { additionalProperties: false });
export type RecordIssue = Static<typeof RecordIssue>;

/** valid: intact and chains to a trusted root; tampered: the signed bytes changed; untrusted: intact, unknown issuer. */
export const SIGNATURE_STATUSES = ['valid', 'tampered', 'untrusted'] as const;
export type SignatureStatus = (typeof SIGNATURE_STATUSES)[number];

export const SignatureReportDto = Type.Object({
  signerName: Nullable(Type.String()),
  organization: Nullable(Type.String()),
  subFilter: Nullable(Type.String()),
  signingTime: Nullable(Type.String({ format: 'date-time' })),
  timestampTime: Nullable(Type.String({ format: 'date-time' })),
  intact: Type.Boolean(),
  /** nothing was appended after this signature (false for the first of two) */
  coversWholeDocument: Type.Boolean(),
  trusted: Type.Boolean(),
  status: Type.Enum(SIGNATURE_STATUSES),
});
export type SignatureReportDto = Static<typeof SignatureReportDto>;

export const SIGNER_ROLES = ['secretary', 'chair'] as const;

/** A signature slot of the document: whose it is, whether it is signed, and whether the caller may sign it now. */
export const SignatureSlotStateDto = Type.Object({
  slot: Type.Integer({ minimum: 0 }),
  role: Type.Enum(SIGNER_ROLES),
  signed: Type.Boolean(),
  signerName: Nullable(Type.String()),
  signedAt: Nullable(Type.String({ format: 'date-time' })),
  canSign: Type.Boolean(),
});
export type SignatureSlotStateDto = Static<typeof SignatureSlotStateDto>;

export const IssuedSignaturesEnvelope = Type.Object({
  document: IssuedDocumentDto,
  slots: Type.Array(SignatureSlotStateDto),
  /** verifyPdf's report, one per signature in the file, the first signer first */
  signatures: Type.Array(SignatureReportDto),
  /** a remote (CSC) signing service is configured: signing needs no keystore */
  remoteSigning: Type.Boolean(),
});
export type IssuedSignaturesEnvelope = Static<typeof IssuedSignaturesEnvelope>;

export const TrustedRootDto = Type.Object({
  id: Uuid,
  subject: Type.String(),
  fingerprint: Type.String(),
  notAfter: Type.String(),
  addedAt: Type.String({ format: 'date-time' }),
});
export type TrustedRootDto = Static<typeof TrustedRootDto>;

/** A root certificate as PEM text (the admin's browser reads the uploaded file). */
export const TrustedRootAdd = Type.Object({ pem: Type.String({ minLength: 1, maxLength: 64 * 1024 }) }, { additionalProperties: false });
export type TrustedRootAdd = Static<typeof TrustedRootAdd>;
export const TrustedRootParams = Type.Object({ id: Uuid }, { additionalProperties: false });
export const TrustedRootEnvelope = Type.Object({ root: TrustedRootDto });
export const TrustedRootListEnvelope = Type.Object({ roots: Type.Array(TrustedRootDto) });
