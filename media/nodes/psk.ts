/**
 * TLS with a pre-shared key between the app and its media nodes: both ends
 * prove they hold the shared secret during the handshake (a wrong secret
 * fails it: "bad record mac"), and the link is encrypted, with no
 * certificate to issue or renew inside a closed network. ECDHE-PSK gives
 * forward secrecy. PSK suites exist in TLS 1.2 only as Node exposes them.
 */
import { createHmac } from 'node:crypto';
import type tls from 'node:tls';

const CIPHERS = 'ECDHE-PSK-CHACHA20-POLY1305:ECDHE-PSK-AES256-CBC-SHA384:PSK-AES256-GCM-SHA384';
const IDENTITY = 'phong-hop-so-app';

/** The shared secret as configured must be long enough to resist guessing. */
export const MIN_SECRET_LENGTH = 24;

/** The key both ends use: derived, so the configured text is never sent nor used raw. */
function keyOf(secret: string): Buffer {
  if (secret.length < MIN_SECRET_LENGTH) throw new Error(`the media node secret must have at least ${MIN_SECRET_LENGTH} characters`);
  return createHmac('sha256', secret).update('phong-hop-so media node link v1').digest();
}

export function pskServerOptions(secret: string): tls.TlsOptions {
  const key = keyOf(secret);
  return {
    ciphers: CIPHERS,
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.2',
    pskIdentityHint: 'phong-hop-so-media-node',
    pskCallback: (_socket, identity) => (identity === IDENTITY ? key : null),
  };
}

export function pskClientOptions(secret: string): tls.ConnectionOptions {
  const key = keyOf(secret);
  return {
    ciphers: CIPHERS,
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.2',
    // no certificate: the key proves who is on the other end
    checkServerIdentity: () => undefined,
    pskCallback: () => ({ psk: key, identity: IDENTITY }),
  };
}
