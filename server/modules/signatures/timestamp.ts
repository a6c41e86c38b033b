/**
 * RFC 3161: asks a timestamp authority to stamp the hash of a signature value
 * and checks that the token it returns stamps that very hash, so a wrong or
 * replayed answer never goes into a signature.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { SignatureError } from './errors.ts';
import { OID } from './oids.ts';

export type TimestampAuthority = { url: string; timeoutMs?: number };

const MAX_RESPONSE_BYTES = 256 * 1024;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}

/** The TSTInfo inside a timestamp token (a CMS SignedData). */
export function tstInfoOf(token: pkijs.ContentInfo): pkijs.TSTInfo {
  const signedData = new pkijs.SignedData({ schema: token.content });
  const eContent = signedData.encapContentInfo.eContent;
  if (!eContent) throw new Error('timestamp token without TSTInfo');
  return pkijs.TSTInfo.fromBER(eContent.getValue());
}

export async function requestTimestamp(authority: TimestampAuthority, signatureValue: Uint8Array): Promise<pkijs.ContentInfo> {
  const imprint = new Uint8Array(createHash('sha256').update(signatureValue).digest());
  const nonce = randomBytes(8);
  nonce[0] = (nonce[0] ?? 0) & 0x7f; // a positive INTEGER
  const request = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256, algorithmParams: new asn1js.Null() }),
      hashedMessage: new asn1js.OctetString({ valueHex: imprint }),
    }),
    nonce: new asn1js.Integer({ valueHex: nonce }),
    certReq: true,
  });
  let body: ArrayBuffer;
  try {
    const response = await fetch(authority.url, {
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query' },
      body: new Uint8Array(request.toSchema().toBER(false)),
      signal: AbortSignal.timeout(authority.timeoutMs ?? 15_000),
    });
    if (!response.ok) throw new SignatureError('signTimestampFailed', { reason: `HTTP ${response.status}` });
    body = await response.arrayBuffer();
  } catch (error) {
    if (error instanceof SignatureError) throw error;
    throw new SignatureError('signTimestampFailed', { reason: error instanceof Error ? error.message : String(error) }, { cause: error });
  }
  if (body.byteLength > MAX_RESPONSE_BYTES) throw new SignatureError('signTimestampFailed', { reason: 'response too large' });
  try {
    const answer = pkijs.TimeStampResp.fromBER(body);
    const status = answer.status.status;
    if ((status !== 0 && status !== 1) || !answer.timeStampToken) throw new Error(`status ${status}`);
    const info = tstInfoOf(answer.timeStampToken);
    if (!sameBytes(info.messageImprint.hashedMessage.valueBlock.valueHexView, imprint)) throw new Error('the token stamps another hash');
    if (!info.nonce || !sameBytes(info.nonce.valueBlock.valueHexView, nonce)) throw new Error('the token answers another request');
    return answer.timeStampToken;
  } catch (error) {
    throw new SignatureError('signTimestampFailed', { reason: error instanceof Error ? error.message : String(error) }, { cause: error });
  }
}
