/**
 * Digital signatures (PAdES, ETSI.CAdES.detached): make a signer (a PKCS#12
 * keystore given for one signing, or a remote CSC service), sign a PDF into
 * a new PDF with one more incremental update, verify every signature of a
 * PDF against the trusted roots. The module owns the trusted_roots table and
 * the admin's routes for it; the outcome module signs issued documents with
 * this API.
 */
import { defineModule } from '../module.ts';
import { trustedRootRoutes } from './routes.ts';
import { SignatureService } from './service.ts';

export const signaturesModule = defineModule<Record<string, never>, SignatureService>({
  name: 'signatures',
  create: ({ db, config }) => new SignatureService(db, config.signing),
  routes: (service) => trustedRootRoutes(service.roots),
});

export { SignatureService } from './service.ts';
export { signPdf, type SignOptions } from './sign-pdf.ts';
export { verifyPdf, type SignatureReport } from './verify-pdf.ts';
export { pkcs12Signer } from './pkcs12-signer.ts';
export { SignatureError } from './errors.ts';
export type { Signer, SignatureAlgorithm } from './signer.ts';
export type { SignatureAppearance, Rect } from './appearance.ts';
export type { TimestampAuthority } from './timestamp.ts';
export { cscSigner, type CscServiceConfig } from './csc-signer.ts';
