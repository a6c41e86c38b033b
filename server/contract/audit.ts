/**
 * The audit trail's API: what an administrator can filter, what a row looks
 * like, and what the chain check answers.
 */
import Type, { type Static } from 'typebox';
import { FileBody, Nullable, Uuid } from './common.ts';

/** Years 1900–2199 only: a year-0 date would reach PostgreSQL as an error. */
const DateTime = Type.String({ format: 'date-time', maxLength: 40, pattern: '^(19|2[01])[0-9]{2}-' });

/** Every action the trail records (who records which: server/modules/audit/index.ts). */
export const AUDIT_ACTIONS = [
  'auth.login',
  'auth.loginFailed',
  'auth.loginThrottled',
  'auth.logout',
  'auth.logoutEverywhere',
  'user.created',
  'user.updated',
  'user.passwordReset',
  'unit.created',
  'unit.updated',
  'document.read',
  'document.downloaded',
  'document.exported',
  'document.revoked',
  'document.restored',
  'poll.opened',
  'poll.closed',
  'poll.published',
  'poll.cancelled',
  'poll.paperCounts',
  'attendance.proxy',
  'conference.chair',
  'display.paired',
  'display.moved',
  'display.unpaired',
  'audit.exported',
  'audit.verified',
  'record.issued',
  'record.signed',
  'trustedRoot.added',
  'trustedRoot.removed',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export type AuditDetails = Record<string, string | number | boolean | null>;

/** What a module tells the trail (the 'audit' domain event); a request's or socket's user and address when it has them. */
export type AuditRecord = {
  action: AuditAction;
  actorId: string | null;
  actorName?: string | null;
  address?: string | null;
  meetingId?: string | null;
  targetType?: string | null;
  targetId?: string | null;
  details?: AuditDetails;
};

/** Filters of the admin screen; every one optional, all combined with AND. */
export const AuditQuery = Type.Object(
  {
    from: Type.Optional(DateTime),
    to: Type.Optional(DateTime),
    actorId: Type.Optional(Uuid),
    action: Type.Optional(Type.Enum(AUDIT_ACTIONS)),
    meetingId: Type.Optional(Uuid),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_147_483_647 })),
  },
  { additionalProperties: false },
);
export type AuditQuery = Static<typeof AuditQuery>;

export const AuditEntryDto = Type.Object({
  seq: Type.Integer(),
  at: Type.String(),
  actorId: Nullable(Type.String()),
  actorName: Nullable(Type.String()),
  action: Type.String(),
  meetingId: Nullable(Type.String()),
  targetType: Nullable(Type.String()),
  targetId: Nullable(Type.String()),
  address: Nullable(Type.String()),
  details: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()])),
  hash: Type.String(),
});
export type AuditEntryDto = Static<typeof AuditEntryDto>;

export const AuditPage = Type.Object({ entries: Type.Array(AuditEntryDto), total: Type.Integer() });
export type AuditPage = Static<typeof AuditPage>;

/** The chain check: `ok`, or the first row where it breaks and why. */
export const AuditVerification = Type.Object({
  ok: Type.Boolean(),
  checked: Type.Integer(),
  /** hash of the last row: note it somewhere else to detect a rewrite of the whole chain later */
  head: Nullable(Type.String()),
  broken: Nullable(
    Type.Object({
      seq: Type.Integer(),
      at: Type.String(),
      action: Type.String(),
      /** hash: this row was changed; link: the row before it was rewritten (hash recomputed) or one was inserted; gap: rows before it were removed */
      reason: Type.Union([Type.Literal('hash'), Type.Literal('link'), Type.Literal('gap')]),
    }),
  ),
});
export type AuditVerification = Static<typeof AuditVerification>;

/** The filtered trail as a spreadsheet (UTF-8 CSV). */
export const AuditCsv = FileBody('text/csv');
