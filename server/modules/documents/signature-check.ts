/**
 * The digital signatures of a document version (a signed decision, a signed
 * report a unit sent in), verified by the signatures module against the
 * trusted roots the admin keeps, so the viewer shows who signed, when, and
 * whether the file changed since. A version's file never changes, so its
 * report is remembered by content hash, until the trusted roots change (the
 * roots' fingerprint is part of the key) or it falls out of the small cache.
 * Files without a signature dictionary are answered without parsing.
 */
import fs from 'node:fs/promises';
import type { SignatureReportDto } from '../../contract/signing.ts';

export type SignatureVerifier = {
  report(pdf: Uint8Array): Promise<SignatureReportDto[]>;
  /** changes whenever the trusted roots do */
  rootsFingerprint(): Promise<string>;
};

const REMEMBERED = 200;
/** Every PDF signature dictionary has one; a file without it has no signature to check. */
const BYTE_RANGE = Buffer.from('/ByteRange');

export class SignatureCheck {
  readonly #verifier: SignatureVerifier;
  readonly #reports = new Map<string, SignatureReportDto[]>();

  constructor(verifier: SignatureVerifier) {
    this.#verifier = verifier;
  }

  async of(file: { path: string; sha256: string }): Promise<SignatureReportDto[]> {
    const key = `${file.sha256}:${await this.#verifier.rootsFingerprint()}`;
    const known = this.#reports.get(key);
    if (known !== undefined) return known;
    const bytes = await fs.readFile(file.path);
    const reports = bytes.includes(BYTE_RANGE) ? await this.#verifier.report(bytes) : [];
    this.#reports.set(key, reports);
    if (this.#reports.size > REMEMBERED) this.#reports.delete(this.#reports.keys().next().value!);
    return reports;
  }
}
