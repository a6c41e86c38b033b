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
  /** by content and roots: the report, or the check under way (a hall opening one signed file runs it once) */
  readonly #reports = new Map<string, Promise<SignatureReportDto[]>>();

  constructor(verifier: SignatureVerifier) {
    this.#verifier = verifier;
  }

  async of(file: { path: string; sha256: string }): Promise<SignatureReportDto[]> {
    const key = `${file.sha256}:${await this.#verifier.rootsFingerprint()}`;
    let reports = this.#reports.get(key);
    if (reports === undefined) {
      reports = this.#check(file.path);
      this.#reports.set(key, reports);
      // a failed check is not remembered: the next reader asks again
      reports.catch(() => this.#reports.delete(key));
      if (this.#reports.size > REMEMBERED) this.#reports.delete(this.#reports.keys().next().value!);
    }
    return reports;
  }

  async #check(path: string): Promise<SignatureReportDto[]> {
    const bytes = await fs.readFile(path);
    return bytes.includes(BYTE_RANGE) ? this.#verifier.report(bytes) : [];
  }
}
