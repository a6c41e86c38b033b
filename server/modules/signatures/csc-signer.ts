/**
 * A signer behind a remote signing service speaking the Cloud Signature
 * Consortium API v2 (the style Vietnamese remote-signing services follow):
 * auth/login (HTTP Basic) → credentials/list → credentials/info (the
 * certificate chain, checked here like a keystore's) → per signature
 * credentials/authorize (the user may confirm on a phone, so the timeout is
 * generous but finite) → signatures/signHash over the SHA-256 of the CMS
 * signed attributes. The service never sees the document.
 */
import { createHash, verify as cryptoVerify, X509Certificate } from 'node:crypto';
import { assertCertificateCanSign } from './certificate-checks.ts';
import { SignatureError } from './errors.ts';
import { OID } from './oids.ts';
import type { SignatureAlgorithm, Signer } from './signer.ts';

export type CscServiceConfig = {
  /** e.g. https://rs.example.vn/csc/v2 */
  baseUrl: string;
  username: string;
  password: string;
  /** which credential to use; the first listed when absent */
  credentialId?: string;
  /** the credential's PIN, when the service asks for one at authorize */
  pin?: string;
  /** per call; a user confirming on a phone can take minutes */
  timeoutMs?: number;
};

type Json = Record<string, unknown>;

const MAX_ANSWER_BYTES = 1024 * 1024;

function reasonOf(body: Json, status: number): string {
  const text = [body.error_description, body.error].find((value) => typeof value === 'string' && value.length > 0);
  return typeof text === 'string' ? text.slice(0, 300) : `HTTP ${status}`;
}

async function call(config: CscServiceConfig, path: string, body: Json, authorization: string): Promise<Json> {
  let response: Response;
  try {
    response = await fetch(`${config.baseUrl.replace(/\/+$/, '')}/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(config.timeoutMs ?? 120_000),
    });
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    if (name === 'TimeoutError' || name === 'AbortError') throw new SignatureError('signRemoteTimeout', {}, { cause: error });
    throw new SignatureError('signRemoteUnavailable', {}, { cause: error });
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    if (name === 'TimeoutError' || name === 'AbortError') throw new SignatureError('signRemoteTimeout', {}, { cause: error });
    throw new SignatureError('signRemoteUnavailable', {}, { cause: error });
  }
  if (text.length > MAX_ANSWER_BYTES) throw new SignatureError('signRemoteRefused', { reason: 'answer too large' });
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    parsed = {};
  }
  const json: Json = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Json) : {};
  if (!response.ok) throw new SignatureError('signRemoteRefused', { reason: reasonOf(json, response.status) });
  return json;
}

function strings(value: unknown, what: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((entry) => typeof entry === 'string')) {
    throw new SignatureError('signRemoteRefused', { reason: `no ${what} in the answer` });
  }
  return value as string[];
}

function objectAt(value: unknown): Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

/** Connects, picks the credential and checks its certificate; the returned signer asks the service once per signature. */
export async function cscSigner(config: CscServiceConfig, now: Date = new Date()): Promise<Signer> {
  const basic = `Basic ${Buffer.from(`${config.username}:${config.password}`).toString('base64')}`;
  const login = await call(config, 'auth/login', {}, basic);
  if (typeof login.access_token !== 'string') throw new SignatureError('signRemoteRefused', { reason: 'no access token' });
  const bearer = `Bearer ${login.access_token}`;

  const listed = strings((await call(config, 'credentials/list', {}, bearer)).credentialIDs, 'credential');
  const credentialID = config.credentialId ?? listed[0];
  if (!credentialID || !listed.includes(credentialID)) throw new SignatureError('signRemoteRefused', { reason: 'credential not found' });

  const info = await call(config, 'credentials/info', { credentialID, certificates: 'chain', certInfo: true }, bearer);
  const key = objectAt(info.key);
  if (key.status !== undefined && key.status !== 'enabled') throw new SignatureError('signRemoteRefused', { reason: 'the key is disabled' });
  const chain = strings(objectAt(info.cert).certificates, 'certificate').map((b64) => new Uint8Array(Buffer.from(b64, 'base64')));
  const [certificate, ...issuers] = chain;
  if (!certificate) throw new SignatureError('signRemoteRefused', { reason: 'no certificate' });
  assertCertificateCanSign(certificate, now);
  const publicKey = new X509Certificate(certificate).publicKey;
  const algos = Array.isArray(key.algo) ? key.algo : [];
  const algorithm: SignatureAlgorithm = algos.includes(OID.ecdsaWithSha256) && !algos.includes(OID.rsaEncryption) ? 'ecdsa-sha256' : 'rsa-sha256';
  const signAlgo = algorithm === 'rsa-sha256' ? OID.sha256WithRsa : OID.ecdsaWithSha256;

  return {
    certificate,
    chain: issuers,
    algorithm,
    async sign(data) {
      const hash = createHash('sha256').update(data).digest('base64');
      const authorized = await call(
        config,
        'credentials/authorize',
        { credentialID, numSignatures: 1, hashes: [hash], hashAlgorithmOID: OID.sha256, ...(config.pin ? { PIN: config.pin } : {}) },
        bearer,
      );
      if (typeof authorized.SAD !== 'string') throw new SignatureError('signRemoteRefused', { reason: 'no signature activation data' });
      const signed = await call(config, 'signatures/signHash', { credentialID, SAD: authorized.SAD, hashes: [hash], hashAlgo: OID.sha256, signAlgo }, bearer);
      const [signature] = strings(signed.signatures, 'signature');
      const value = new Uint8Array(Buffer.from(signature ?? '', 'base64'));
      // a wrong or garbled answer must not end up in a PDF as a broken signature
      if (!cryptoVerify('sha256', data, publicKey, value)) throw new SignatureError('signRemoteRefused', { reason: 'the returned signature does not verify' });
      return value;
    },
  };
}
