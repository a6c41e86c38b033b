/**
 * The secrets of a wall screen: the device token in its cookie (only the
 * hash is stored, so a database dump pairs nothing) and the short code it
 * shows for the secretary to confirm.
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { PAIRING_CODE_LENGTH } from '../../contract/display.ts';

/** 256 random bits, URL-safe, for the device cookie. */
export function newDeviceToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashDeviceToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Uniformly random among 10^6 six-digit codes (leading zeros kept). */
export function newPairingCode(): string {
  return String(randomInt(0, 10 ** PAIRING_CODE_LENGTH)).padStart(PAIRING_CODE_LENGTH, '0');
}
