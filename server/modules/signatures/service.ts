/**
 * The signatures module's face to other modules: a signer for one signing
 * (the keystore uploaded with its passphrase, or the configured remote
 * service), signing a PDF with the configured timestamp authority, and
 * verification against the admin's trusted roots. Nothing here stores a key
 * or a passphrase.
 */
import { createHash } from 'node:crypto';
import type { SigningSettings } from '../../config.ts';
import type { SignatureReportDto } from '../../contract/signing.ts';
import type { Db } from '../../db/client.ts';
import type { SignatureAppearance } from './appearance.ts';
import { cscSigner } from './csc-signer.ts';
import { pkcs12Signer } from './pkcs12-signer.ts';
import { signPdf, type SignOptions } from './sign-pdf.ts';
import type { Signer } from './signer.ts';
import { TrustedRoots } from './trusted-roots.ts';
import { verifyPdf, type SignatureReport } from './verify-pdf.ts';

export class SignatureService {
  readonly roots: TrustedRoots;
  readonly #settings: SigningSettings;

  constructor(db: Db, settings: SigningSettings) {
    this.roots = new TrustedRoots(db);
    this.#settings = settings;
  }

  /** Whether signing goes through a remote CSC service (no keystore upload). */
  get remote(): boolean {
    return this.#settings.csc !== undefined;
  }

  keystoreSigner(keystore: Uint8Array, passphrase: string): Signer {
    return pkcs12Signer(keystore, passphrase);
  }

  remoteSigner(): Promise<Signer> | null {
    const csc = this.#settings.csc;
    return csc === undefined ? null : cscSigner(csc);
  }

  sign(pdf: Uint8Array, signer: Signer, appearance: SignatureAppearance, options: Omit<SignOptions, 'timestampAuthority'>): Promise<Uint8Array> {
    const url = this.#settings.timestampUrl;
    return signPdf(pdf, signer, appearance, { ...options, ...(url === undefined ? {} : { timestampAuthority: { url } }) });
  }

  async verify(pdf: Uint8Array): Promise<SignatureReport[]> {
    return verifyPdf(pdf, await this.roots.ders());
  }

  /** Changes whenever the trusted roots do (a cache of reports keys on it). */
  async rootsFingerprint(): Promise<string> {
    const hash = createHash('sha256');
    for (const der of await this.roots.ders()) hash.update(createHash('sha256').update(der).digest());
    return hash.digest('hex');
  }

  /** `verify`, as the contract shows it to users (who, when, and whether valid, tampered or untrusted). */
  async report(pdf: Uint8Array): Promise<SignatureReportDto[]> {
    return (await this.verify(pdf)).map(signatureReportDto);
  }
}

function signatureReportDto(report: SignatureReport): SignatureReportDto {
  return {
    signerName: report.signerName,
    organization: report.organization,
    subFilter: report.subFilter,
    signingTime: report.signingTime?.toISOString() ?? null,
    timestampTime: report.timestampTime?.toISOString() ?? null,
    intact: report.intact,
    coversWholeDocument: report.coversWholeDocument,
    trusted: report.trusted,
    status: !report.intact ? 'tampered' : report.trusted ? 'valid' : 'untrusted',
  };
}
