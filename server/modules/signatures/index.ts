/**
 * Digital signatures (PAdES, ETSI.CAdES.detached). The lead wires signing of
 * issued documents; this entry is the API: make a signer (a PKCS#12 keystore
 * given for one signing, or a remote CSC service), sign a PDF into a new PDF
 * with one more incremental update, verify every signature of a PDF.
 */
export { signPdf, type SignOptions } from './sign-pdf.ts';
export { verifyPdf, type SignatureReport } from './verify-pdf.ts';
export { pkcs12Signer } from './pkcs12-signer.ts';
export { SignatureError } from './errors.ts';
export type { Signer, SignatureAlgorithm } from './signer.ts';
export type { SignatureAppearance, Rect } from './appearance.ts';
export type { TimestampAuthority } from './timestamp.ts';
export { cscSigner, type CscServiceConfig } from './csc-signer.ts';
