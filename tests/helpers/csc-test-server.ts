/**
 * A small remote signing service speaking the CSC API v2 subset the product
 * uses (auth/login, credentials/list|info|authorize, signatures/signHash),
 * over real HTTP on a random port, holding one test key. It signs a SHA-256
 * hash as RSASSA-PKCS1-v1_5 the way such services do. `mode` makes it refuse
 * at authorize (the user declines on the phone) or never answer signHash.
 */
import { privateEncrypt, constants, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IssuedCertificate } from './test-pki.ts';

export type CscMode = 'sign' | 'refuse' | 'hang';
export type TestCscServer = { url: string; username: string; password: string; mode: CscMode; signed: number; close(): Promise<void> };

const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

export async function startTestCscServer(person: IssuedCertificate, rootDer: Uint8Array): Promise<TestCscServer> {
  const state: TestCscServer = { url: '', username: 'thuky', password: 'mật-khẩu-dịch-vụ', mode: 'sign', signed: 0, close: () => Promise.resolve() };
  const tokens = new Set<string>();
  const sads = new Map<string, string>(); // SAD → authorized hash
  const credentialID = 'cred-thu-ky-1';
  const hanging = new Set<ServerResponse>();

  const answer = (response: ServerResponse, status: number, body: object) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };

  const handle = (request: IncomingMessage, response: ServerResponse, body: Record<string, unknown>) => {
    const path = (request.url ?? '').replace(/^\/csc\/v2\//, '');
    const auth = request.headers.authorization ?? '';
    if (path === 'auth/login') {
      const expected = `Basic ${Buffer.from(`${state.username}:${state.password}`).toString('base64')}`;
      if (auth !== expected) return answer(response, 401, { error: 'invalid_request', error_description: 'Sai tên đăng nhập hoặc mật khẩu' });
      const token = randomUUID();
      tokens.add(token);
      return answer(response, 200, { access_token: token, expires_in: 3600 });
    }
    if (!tokens.has(auth.replace(/^Bearer /, ''))) return answer(response, 401, { error: 'invalid_token' });
    if (path === 'credentials/list') return answer(response, 200, { credentialIDs: [credentialID] });
    if (body.credentialID !== credentialID) return answer(response, 400, { error: 'invalid_request', error_description: 'Invalid credentialID' });
    if (path === 'credentials/info') {
      return answer(response, 200, {
        key: { status: 'enabled', algo: ['1.2.840.113549.1.1.1'], len: 2048 },
        cert: { status: 'valid', certificates: [Buffer.from(person.certificateDer).toString('base64'), Buffer.from(rootDer).toString('base64')] },
        authMode: 'oauth2code',
      });
    }
    if (path === 'credentials/authorize') {
      if (state.mode === 'refuse') return answer(response, 400, { error: 'access_denied', error_description: 'Người dùng đã từ chối yêu cầu ký' });
      const hashes = body.hashes;
      if (!Array.isArray(hashes) || typeof hashes[0] !== 'string') return answer(response, 400, { error: 'invalid_request' });
      const sad = randomUUID();
      sads.set(sad, hashes[0]);
      return answer(response, 200, { SAD: sad, expiresIn: 300 });
    }
    if (path === 'signatures/signHash') {
      if (state.mode === 'hang') {
        hanging.add(response); // the user never confirms
        return undefined;
      }
      const hashes = body.hashes;
      const sad = typeof body.SAD === 'string' ? body.SAD : '';
      if (!Array.isArray(hashes) || typeof hashes[0] !== 'string' || sads.get(sad) !== hashes[0]) return answer(response, 400, { error: 'invalid_request', error_description: 'SAD does not match' });
      sads.delete(sad);
      const digestInfo = Buffer.concat([SHA256_DIGEST_INFO, Buffer.from(hashes[0], 'base64')]);
      const signature = privateEncrypt({ key: person.keyPem, padding: constants.RSA_PKCS1_PADDING }, digestInfo);
      state.signed += 1;
      return answer(response, 200, { signatures: [signature.toString('base64')] });
    }
    return answer(response, 404, { error: 'invalid_request', error_description: 'unknown method' });
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        answer(response, 400, { error: 'invalid_request' });
        return;
      }
      handle(request, response, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  state.url = `http://127.0.0.1:${port}/csc/v2`;
  state.close = async () => {
    for (const response of hanging) response.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return state;
}
