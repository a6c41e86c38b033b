/**
 * A local RFC 3161 timestamp authority for tests: a tiny HTTP server that
 * answers each timestamp query with `openssl ts -reply`, signing with its own
 * certificate (extendedKeyUsage timeStamping, critical) from the test CA.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { TestCa } from './test-pki.ts';

const run = promisify(execFile);

export type TestTsa = { url: string; requests: number; close(): Promise<void> };

export async function startTestTsa(ca: TestCa): Promise<TestTsa> {
  const dir = await mkdtemp(path.join(tmpdir(), 'phs-tsa-'));
  const tsa = ca.issue({ commonName: 'Test TSA', keyUsage: { digitalSignature: true, nonRepudiation: true }, timeStamping: true });
  await writeFile(path.join(dir, 'tsa.pem'), tsa.certificatePem);
  await writeFile(path.join(dir, 'tsa.key'), tsa.keyPem);
  await writeFile(path.join(dir, 'ca.pem'), ca.rootPem);
  await writeFile(path.join(dir, 'serial'), '01\n');
  await writeFile(
    path.join(dir, 'tsa.cnf'),
    [
      '[ tsa ]',
      'default_tsa = tsa_config',
      '[ tsa_config ]',
      `dir = ${dir}`,
      'serial = $dir/serial',
      'signer_cert = $dir/tsa.pem',
      'certs = $dir/ca.pem',
      'signer_key = $dir/tsa.key',
      'signer_digest = sha256',
      'default_policy = 1.2.3.4.1',
      'digests = sha256, sha384, sha512',
      'accuracy = secs:1',
      'ordering = yes',
      'tsa_name = no',
      'ess_cert_id_chain = no',
      'ess_cert_id_alg = sha256',
      '',
    ].join('\n'),
  );
  let counter = 0;
  const state = { requests: 0 };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      counter += 1;
      state.requests += 1;
      const query = path.join(dir, `q${counter}.tsq`);
      const reply = path.join(dir, `r${counter}.tsr`);
      void (async () => {
        try {
          await writeFile(query, Buffer.concat(chunks));
          await run('openssl', ['ts', '-reply', '-config', path.join(dir, 'tsa.cnf'), '-queryfile', query, '-out', reply]);
          response.writeHead(200, { 'content-type': 'application/timestamp-reply' });
          response.end(await readFile(reply));
        } catch (error) {
          response.writeHead(500);
          response.end(String(error));
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/tsa`,
    get requests() {
      return state.requests;
    },
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
