/**
 * The audit trail: one append-only, hash-chained row per security-relevant
 * action (owned by the audit module). Rows are never updated or deleted (a
 * trigger refuses it, migrations/*audit-append-only.sql); each row's hash
 * covers the previous row's hash, so a changed, removed or inserted row
 * breaks the chain at that row.
 */
import { bigint, index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { instant } from './columns.ts';

export const auditLog = pgTable(
  'audit_log',
  {
    /** 1, 2, 3 … without gaps: a missing number is a deleted row */
    seq: bigint('seq', { mode: 'number' }).primaryKey(),
    at: instant('at').notNull(),
    /** who acted; null for an anonymous attempt (a failed login) or the system */
    actorId: uuid('actor_id'),
    /** the actor's username as it was then (or the username tried, on a failed login) */
    actorName: text('actor_name'),
    action: text('action').notNull(),
    meetingId: uuid('meeting_id'),
    targetType: text('target_type'),
    targetId: text('target_id'),
    address: text('address'),
    /** small, flat facts about the action (ids, counts, names); never passwords, ballot choices or document text */
    details: jsonb('details').$type<Record<string, string | number | boolean | null>>().notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [
    index('audit_log_at_idx').on(t.at),
    index('audit_log_actor_idx').on(t.actorId, t.at),
    index('audit_log_meeting_idx').on(t.meetingId, t.at),
    index('audit_log_action_idx').on(t.action, t.at),
  ],
);
