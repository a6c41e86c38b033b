/**
 * Seals a secret ballot while its poll is open: AES-256-GCM under the poll's
 * own key (ballot-keys.ts), which is destroyed when the poll closes.
 *
 * Every seal of one poll has the same length, whatever was chosen: the
 * plaintext is a fixed-size binary record, never JSON. A motion's choice is
 * one byte (yes/no/abstain); an election's is a bitmap with one bit per
 * candidate, so approving nobody, one name or every name takes the same
 * bytes. Someone who reads `poll_voters` while the poll is open (a database
 * administrator, a replica, a backup, a statement log) learns who voted and
 * nothing about how.
 */
import { createCipheriv, createDecipheriv, randomBytes, type KeyObject } from 'node:crypto';
import { decodeBase32IgnorePadding, encodeBase32UpperCaseNoPadding } from '@oslojs/encoding';
import { MOTION_OPTIONS, type MotionOption } from '../../contract/votes.ts';

export type Choice = MotionOption | string[];
/** What a seal holds: the choice and the voter's receipt (counted receipts are published at close). */
export type SealedBallot = { choice: Choice; receipt: string };
/**
 * A ballot to seal. Its receipt as text, or as the 10 bytes that text
 * encodes: a vote storm decodes each voter's receipt once when the poll's
 * facts are read (open-poll.ts), not once per ballot.
 */
export type BallotToSeal = { choice: Choice; receipt: string | Uint8Array };

const FORMAT = 1;
const RECEIPT_BYTES = 10; // 16 base32 characters, 80 bits
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** What the codec needs to know of the poll: its kind and, for an election, the candidate ids in ballot order. */
export type BallotShape = { kind: 'motion' } | { kind: 'election'; candidateIds: readonly string[] };

function bodyBytes(shape: BallotShape): number {
  return shape.kind === 'motion' ? 1 : Math.max(1, Math.ceil(shape.candidateIds.length / 8));
}

/** The plaintext length of every ballot of a poll of this shape. */
export function recordLength(shape: BallotShape): number {
  return 1 + RECEIPT_BYTES + bodyBytes(shape);
}

export function receiptBytes(receipt: string | Uint8Array): Uint8Array {
  const bytes = typeof receipt === 'string' ? decodeBase32IgnorePadding(receipt) : receipt;
  if (bytes.length !== RECEIPT_BYTES) throw new Error('malformed receipt');
  return bytes;
}

export function encodeReceipt(bytes: Uint8Array): string {
  return encodeBase32UpperCaseNoPadding(bytes.subarray(0, RECEIPT_BYTES));
}

/** The fixed-size record of one ballot. */
export function encodeBallot(shape: BallotShape, ballot: BallotToSeal): Buffer {
  const record = Buffer.alloc(recordLength(shape));
  record[0] = FORMAT;
  record.set(receiptBytes(ballot.receipt), 1);
  const body = 1 + RECEIPT_BYTES;
  if (shape.kind === 'motion') {
    const index = MOTION_OPTIONS.indexOf(ballot.choice as MotionOption);
    if (typeof ballot.choice !== 'string' || index < 0) throw new Error('not a motion choice');
    record[body] = index;
    return record;
  }
  if (!Array.isArray(ballot.choice)) throw new Error('not an election choice');
  for (const id of ballot.choice) {
    const index = shape.candidateIds.indexOf(id);
    if (index < 0) throw new Error('unknown candidate');
    record[body + (index >> 3)]! |= 1 << (index & 7);
  }
  return record;
}

export function decodeBallot(shape: BallotShape, record: Buffer): SealedBallot {
  if (record.length !== recordLength(shape) || record[0] !== FORMAT) throw new Error('malformed ballot record');
  const receipt = encodeReceipt(record.subarray(1, 1 + RECEIPT_BYTES));
  const body = 1 + RECEIPT_BYTES;
  if (shape.kind === 'motion') {
    const choice = MOTION_OPTIONS[record[body]!];
    if (choice === undefined) throw new Error('malformed motion choice');
    return { choice, receipt };
  }
  // Candidates in the poll's order, as a tablet sends them.
  const choice = shape.candidateIds.filter((_, index) => (record[body + (index >> 3)]! & (1 << (index & 7))) !== 0);
  return { choice, receipt };
}

/**
 * `context` (the poll id) is authenticated, so a seal cannot be moved to
 * another poll. `key` as a KeyObject when sealing many (a vote storm's batch):
 * a raw key is turned into one on every call, which costs twice the sealing.
 * `iv`: fresh random bytes for this seal only (a batch draws them for all its
 * seals at once, see ivsFor); never reused under one key.
 */
export function seal(key: Buffer | KeyObject, shape: BallotShape, ballot: BallotToSeal, context: string, iv: Uint8Array = randomBytes(IV_BYTES)): string {
  if (iv.length !== IV_BYTES) throw new Error('a seal takes a 12-byte IV');
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(encodeBallot(shape, ballot)), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

/** Fresh random IVs for `count` seals, drawn in one call (one call per seal costs more than the sealing). */
export function ivsFor(count: number): (index: number) => Uint8Array {
  const bytes = randomBytes(IV_BYTES * count);
  return (index) => bytes.subarray(IV_BYTES * index, IV_BYTES * (index + 1));
}

export function unseal(key: Buffer, shape: BallotShape, sealed: string, context: string): SealedBallot {
  const raw = Buffer.from(sealed, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return decodeBallot(shape, Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]));
}
