/**
 * Poppler's `pdfsig` (Debian poppler-utils), an independent verifier, with
 * an NSS database (certutil, Debian libnss3-tools) that trusts only the
 * test's CA: so "Signature is Valid" and "Certificate is Trusted" are
 * poppler's own judgement, not ours.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type Pdfsig = { check(pdf: Uint8Array): Promise<string>; close(): Promise<void> };

export async function pdfsigTrusting(rootPem: string): Promise<Pdfsig> {
  const dir = await mkdtemp(path.join(tmpdir(), 'phs-pdfsig-'));
  const nss = path.join(dir, 'nss');
  await run('mkdir', ['-p', nss]);
  await run('certutil', ['-N', '-d', `sql:${nss}`, '--empty-password']);
  await writeFile(path.join(dir, 'ca.pem'), rootPem);
  await run('certutil', ['-A', '-d', `sql:${nss}`, '-n', 'phs-test-ca', '-t', 'CT,C,C', '-i', path.join(dir, 'ca.pem')]);
  let counter = 0;
  return {
    async check(pdf) {
      counter += 1;
      const file = path.join(dir, `doc${counter}.pdf`);
      await writeFile(file, pdf);
      // pdfsig exits non-zero when a signature is invalid; its report is what the tests read.
      const result = await run('pdfsig', ['-nssdir', `sql:${nss}`, file]).catch((error: { stdout?: string; stderr?: string }) => ({
        stdout: error.stdout ?? '',
        stderr: error.stderr ?? '',
      }));
      return `${result.stdout}${result.stderr}`;
    },
    close: () => rm(dir, { recursive: true, force: true }),
  };
}
