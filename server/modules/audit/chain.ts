/**
 * The hash chain: each row's hash is sha256(previous row's hash + the row in
 * a canonical form), so changing, removing or inserting any row changes
 * every hash after it. The canonical form is a JSON array in a fixed order
 * with the details' keys sorted, so it does not depend on how PostgreSQL's
 * jsonb happens to order them.
 */
import { createHash } from 'node:crypto';
import type { AuditDetails } from '../../contract/audit.ts';

export const GENESIS_HASH = '0'.repeat(64);

export type ChainedFields = {
  seq: number;
  at: Date;
  actorId: string | null;
  actorName: string | null;
  action: string;
  meetingId: string | null;
  targetType: string | null;
  targetId: string | null;
  address: string | null;
  details: AuditDetails;
};

function canonical(row: ChainedFields): string {
  const details = Object.keys(row.details)
    .sort()
    .map((key) => [key, row.details[key] ?? null]);
  return JSON.stringify([row.seq, row.at.toISOString(), row.actorId, row.actorName, row.action, row.meetingId, row.targetType, row.targetId, row.address, details]);
}

export function chainHash(prevHash: string, row: ChainedFields): string {
  return createHash('sha256').update(prevHash).update(canonical(row)).digest('hex');
}
