/**
 * Session tokens as the Lucia guide recommends: "<id>.<secret>", both random;
 * the database keeps the id and SHA-256(secret) only, so a leaked database
 * row cannot be replayed as a cookie. Secrets are compared in constant time.
 * The hash is Node's own (OpenSSL): a hall's first requests each check a
 * cookie, and a SHA-256 in JavaScript was ~2% of the app's thread then.
 */
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { createHash, getRandomValues, timingSafeEqual } from 'node:crypto';

function randomString(): string {
  const bytes = new Uint8Array(20); // 160 bits
  getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

export type NewSessionToken = { id: string; secretHash: Uint8Array; token: string };

export function generateSessionToken(): NewSessionToken {
  const id = randomString();
  const secret = randomString();
  return { id, secretHash: hashSecret(secret), token: `${id}.${secret}` };
}

export function hashSecret(secret: string): Uint8Array {
  return createHash('sha256').update(secret, 'utf8').digest();
}

const TOKEN = /^([a-z2-7]{32})\.([a-z2-7]{32})$/;

export function parseSessionToken(token: string): { id: string; secret: string } | undefined {
  const match = TOKEN.exec(token);
  if (match === null) return undefined;
  return { id: match[1] as string, secret: match[2] as string };
}

export function secretMatches(secret: string, storedHash: Uint8Array): boolean {
  const hash = hashSecret(secret);
  return hash.length === storedHash.length && timingSafeEqual(hash, storedHash);
}
