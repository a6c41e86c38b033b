/**
 * Appends to, reads and checks the audit trail. Appends are serialised by a
 * transaction-scoped advisory lock, so concurrent writers (in this process or
 * in others sharing the database) extend one chain instead of forking it.
 */
import { and, asc, desc, eq, gt, gte, lte, sql, type SQL } from 'drizzle-orm';
import type { AuditDetails, AuditEntryDto, AuditPage, AuditQuery, AuditRecord, AuditVerification } from '../../contract/audit.ts';
import type { Db } from '../../db/client.ts';
import { auditLog } from '../../db/schema/audit.ts';
import { chainHash, GENESIS_HASH } from './chain.ts';

/** Arbitrary, fixed for this application (beside db/migrate.ts's LOCKS). */
const AUDIT_APPEND_LOCK = 7_340_010;
const BATCH = 1000;
/** The most rows one CSV export carries; narrow the filter for more. */
export const EXPORT_LIMIT = 100_000;


type Row = typeof auditLog.$inferSelect;

/** No NUL (jsonb and text refuse it) and no unbounded strings from a client (a tried username). */
const clean = (value: string | null | undefined, max = 200): string | null =>
  value === null || value === undefined ? null : value.replace(/\p{Cc}/gu, ' ').slice(0, max);

function cleanDetails(details: AuditDetails = {}): AuditDetails {
  const out: AuditDetails = {};
  for (const [key, value] of Object.entries(details).slice(0, 20)) out[clean(key, 60)!] = typeof value === 'string' ? clean(value) : value;
  return out;
}

function toDto(row: Row): AuditEntryDto {
  return {
    seq: row.seq,
    at: row.at.toISOString(),
    actorId: row.actorId,
    actorName: row.actorName,
    action: row.action,
    meetingId: row.meetingId,
    targetType: row.targetType,
    targetId: row.targetId,
    address: row.address,
    details: row.details,
    hash: row.hash,
  };
}

export class AuditService {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async record(entry: AuditRecord): Promise<number> {
    return this.#db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_APPEND_LOCK})`);
      const [last] = await tx.select({ seq: auditLog.seq, hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.seq)).limit(1);
      const fields = {
        seq: (last?.seq ?? 0) + 1,
        at: new Date(),
        actorId: entry.actorId,
        actorName: clean(entry.actorName),
        action: entry.action,
        meetingId: entry.meetingId ?? null,
        targetType: clean(entry.targetType),
        targetId: clean(entry.targetId),
        address: clean(entry.address, 100),
        details: cleanDetails(entry.details),
      };
      const prevHash = last?.hash ?? GENESIS_HASH;
      await tx.insert(auditLog).values({ ...fields, prevHash, hash: chainHash(prevHash, fields) });
      return fields.seq;
    });
  }

  #where(query: AuditQuery): SQL | undefined {
    const conditions: SQL[] = [];
    if (query.from !== undefined) conditions.push(gte(auditLog.at, new Date(query.from)));
    if (query.to !== undefined) conditions.push(lte(auditLog.at, new Date(query.to)));
    if (query.actorId !== undefined) conditions.push(eq(auditLog.actorId, query.actorId));
    if (query.action !== undefined) conditions.push(eq(auditLog.action, query.action));
    if (query.meetingId !== undefined) conditions.push(eq(auditLog.meetingId, query.meetingId));
    return conditions.length === 0 ? undefined : and(...conditions);
  }

  async list(query: AuditQuery): Promise<AuditPage> {
    const where = this.#where(query);
    const rows = await this.#db
      .select()
      .from(auditLog)
      .where(where)
      .orderBy(desc(auditLog.seq))
      .limit(query.limit ?? 100)
      .offset(query.offset ?? 0);
    const [count] = await this.#db.select({ total: sql<number>`count(*)::int` }).from(auditLog).where(where);
    return { entries: rows.map(toDto), total: count?.total ?? 0 };
  }

  /** The filtered rows, oldest first, in pages (for the CSV export). */
  async *rows(query: AuditQuery): AsyncGenerator<AuditEntryDto> {
    const where = this.#where(query);
    let after = 0;
    let sent = 0;
    while (sent < EXPORT_LIMIT) {
      const rows = await this.#db
        .select()
        .from(auditLog)
        .where(and(gt(auditLog.seq, after), where))
        .orderBy(asc(auditLog.seq))
        .limit(Math.min(BATCH, EXPORT_LIMIT - sent));
      for (const row of rows) yield toDto(row);
      if (rows.length < BATCH) return;
      after = rows.at(-1)!.seq;
      sent += rows.length;
    }
  }

  /** Recomputes the whole chain, oldest first; names the first row where it breaks. */
  async verify(): Promise<AuditVerification> {
    let prev: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH };
    let checked = 0;
    for (;;) {
      const rows = await this.#db.select().from(auditLog).where(gt(auditLog.seq, prev.seq)).orderBy(asc(auditLog.seq)).limit(BATCH);
      for (const row of rows) {
        // A changed row fails its own hash; one whose hash was recomputed breaks the next row's link.
        const reason = row.seq !== prev.seq + 1 ? 'gap' : row.hash !== chainHash(row.prevHash, row) ? 'hash' : row.prevHash !== prev.hash ? 'link' : undefined;
        if (reason !== undefined) {
          return { ok: false, checked, head: null, broken: { seq: row.seq, at: row.at.toISOString(), action: row.action, reason } };
        }
        prev = { seq: row.seq, hash: row.hash };
        checked += 1;
      }
      if (rows.length < BATCH) return { ok: true, checked, head: checked === 0 ? null : prev.hash, broken: null };
    }
  }
}
