/**
 * Session tokens as the Lucia guide recommends: "<id>.<secret>", both random;
 * the database keeps the id and SHA-256(secret) only, so a leaked database
 * row cannot be replayed as a cookie. Secrets are compared in constant time.
 */
import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { getRandomValues } from 'node:crypto';

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
  return sha256(new TextEncoder().encode(secret));
}

const TOKEN = /^([a-z2-7]{32})\.([a-z2-7]{32})$/;

export function parseSessionToken(token: string): { id: string; secret: string } | undefined {
  const match = TOKEN.exec(token);
  if (match === null) return undefined;
  return { id: match[1] as string, secret: match[2] as string };
}

export function secretMatches(secret: string, storedHash: Uint8Array): boolean {
  const hash = hashSecret(secret);
  return hash.length === storedHash.length && constantTimeEqual(hash, storedHash);
}
