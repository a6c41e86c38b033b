/**
 * Issue 11, findings 3 and 12: a seal's length says nothing about the choice,
 * errors reach the log without the statement's parameters, and several
 * processes without a shared ballot key are refused.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.ts';
import { safeError } from '../../server/lib/log-redaction.ts';
import { encodeReceipt, ivsFor, receiptBytes, seal, unseal, type BallotShape } from '../../server/modules/votes/sealing.ts';

describe('sealed ballots', () => {
  const key = randomBytes(32);
  const pollId = randomUUID();
  const receipt = encodeReceipt(randomBytes(10));

  it('every motion choice seals to the same length and opens to what was sealed', () => {
    const shape: BallotShape = { kind: 'motion' };
    const seals = (['yes', 'no', 'abstain'] as const).map((choice) => seal(key, shape, { choice, receipt }, pollId));
    expect(new Set(seals.map((s) => s.length)).size).toBe(1);
    expect(unseal(key, shape, seals[2]!, pollId)).toEqual({ choice: 'abstain', receipt });
  });

  it('an election ballot with no, one, some or every name seals to the same length', () => {
    const candidateIds = Array.from({ length: 17 }, () => randomUUID());
    const shape: BallotShape = { kind: 'election', candidateIds };
    const choices = [[], candidateIds.slice(0, 1), candidateIds.slice(3, 9), candidateIds];
    const seals = choices.map((choice) => seal(key, shape, { choice, receipt }, pollId));
    expect(new Set(seals.map((s) => s.length)).size).toBe(1);
    expect(unseal(key, shape, seals[2]!, pollId).choice).toEqual(candidateIds.slice(3, 9));
  });

  it('a seal opens only with its key and in its poll', () => {
    const shape: BallotShape = { kind: 'motion' };
    const sealed = seal(key, shape, { choice: 'yes', receipt }, pollId);
    expect(() => unseal(randomBytes(32), shape, sealed, pollId)).toThrow();
    expect(() => unseal(key, shape, sealed, randomUUID())).toThrow();
  });

  it('a receipt given as its bytes (as a vote storm gives it) seals the same record as its text, and a wrong length is refused', () => {
    const shape: BallotShape = { kind: 'motion' };
    const bytes = receiptBytes(receipt);
    const sealed = seal(key, shape, { choice: 'no', receipt: bytes }, pollId);
    expect(unseal(key, shape, sealed, pollId)).toEqual({ choice: 'no', receipt });
    expect(sealed.length).toBe(seal(key, shape, { choice: 'no', receipt }, pollId).length);
    expect(() => seal(key, shape, { choice: 'no', receipt: bytes.subarray(0, 9) }, pollId)).toThrow('malformed receipt');
  });

  it("a batch's IVs, drawn at once, are each 12 fresh bytes: no two seals of the batch share one, and each opens", () => {
    const shape: BallotShape = { kind: 'motion' };
    const iv = ivsFor(500);
    const seals = Array.from({ length: 500 }, (_, i) => seal(key, shape, { choice: 'yes', receipt }, pollId, iv(i)));
    // The IV is the seal's first 12 bytes: all different, so two equal choices never give equal seals.
    expect(new Set(seals.map((s) => Buffer.from(s, 'base64').subarray(0, 12).toString('hex'))).size).toBe(500);
    expect(new Set(seals).size).toBe(500);
    expect(unseal(key, shape, seals[499]!, pollId)).toEqual({ choice: 'yes', receipt });
    expect(() => seal(key, shape, { choice: 'yes', receipt }, pollId, new Uint8Array(8))).toThrow();
  });
});

describe('errors in the log', () => {
  it('a failed query is logged with its statement, never its parameters or row values', () => {
    const voter = randomUUID();
    const sealed = randomBytes(40).toString('base64');
    const cause = Object.assign(new Error('duplicate key value violates unique constraint "poll_voters_pkey"'), {
      code: '23505',
      severity: 'ERROR',
      detail: `Key (poll_id, voter_user_id)=(x, ${voter}) already exists.`,
      where: `unnamed portal parameter $5 = '${sealed}'`,
    });
    const error = new DrizzleQueryError('insert into "poll_voters" values ($1, $2, $3, $4, $5)', [randomUUID(), voter, voter, 'key', sealed], cause);
    const logged = JSON.stringify(safeError(error));
    expect(logged).toContain('insert into \\"poll_voters\\"');
    expect(logged).toContain('23505');
    expect(logged).not.toContain(voter);
    expect(logged).not.toContain(sealed);
  });
});

describe('ballot key configuration', () => {
  it('refuses several processes (REDIS_URL) without a shared BALLOT_KEY', () => {
    expect(() => loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(ConfigError);
    expect(() => loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(/BALLOT_KEY must be set when REDIS_URL is set/);
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', BALLOT_KEY: randomBytes(32).toString('base64') }).ballotKey).toBeDefined();
  });
});
