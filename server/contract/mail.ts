/**
 * Shapes of the mail API: the SMTP settings (the password is write-only and
 * never part of an answer) and the queue of e-mails (what was sent, what
 * waits, what failed) with retry of a failed one.
 */
import Type, { type Static } from 'typebox';
import { Nullable, Uuid } from './common.ts';

export const SmtpSecurity = Type.Union([Type.Literal('none'), Type.Literal('starttls'), Type.Literal('tls')]);
export type SmtpSecurity = Static<typeof SmtpSecurity>;

const Host = Type.String({ minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9.:\\-\\[\\]]+$' });
const Address = Type.String({ maxLength: 254, format: 'email' });

/** What the admin saves. `password` absent: keep the stored one; null: remove it. */
export const SmtpSettingsInput = Type.Object(
  {
    host: Host,
    port: Type.Integer({ minimum: 1, maximum: 65535 }),
    security: SmtpSecurity,
    username: Nullable(Type.String({ minLength: 1, maxLength: 254 })),
    password: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 1024 }))),
    fromAddress: Address,
    fromName: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);
export type SmtpSettingsInput = Static<typeof SmtpSettingsInput>;

/** What the API shows: everything but the password, and whether one is stored. */
export const SmtpSettingsDto = Type.Object({
  host: Type.String(),
  port: Type.Integer(),
  security: SmtpSecurity,
  username: Nullable(Type.String()),
  hasPassword: Type.Boolean(),
  fromAddress: Type.String(),
  fromName: Type.String(),
});
export type SmtpSettingsDto = Static<typeof SmtpSettingsDto>;

/** null: not configured yet (mail waits in the queue). */
export const SmtpSettingsEnvelope = Type.Object({ settings: Nullable(SmtpSettingsDto) });
export type SmtpSettingsEnvelope = Static<typeof SmtpSettingsEnvelope>;

export const MailJobStatus = Type.Union([Type.Literal('queued'), Type.Literal('sending'), Type.Literal('sent'), Type.Literal('failed'), Type.Literal('cancelled')]);
export type MailJobStatus = Static<typeof MailJobStatus>;

export const MailJobDto = Type.Object({
  id: Uuid,
  kind: Type.String(),
  meetingId: Nullable(Uuid),
  to: Type.String(),
  subject: Type.String(),
  status: MailJobStatus,
  attempts: Type.Integer(),
  runAt: Type.String(),
  lastError: Nullable(Type.String()),
  sentAt: Nullable(Type.String()),
  createdAt: Type.String(),
  attachments: Type.Array(Type.String()),
});
export type MailJobDto = Static<typeof MailJobDto>;

export const MailJobListQuery = Type.Object(
  {
    status: Type.Optional(MailJobStatus),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);
export type MailJobListQuery = Static<typeof MailJobListQuery>;

/** The newest jobs, and how many of the selection are in each status (the counts ignore `limit`). */
export const MailJobList = Type.Object({
  jobs: Type.Array(MailJobDto),
  counts: Type.Object({ queued: Type.Integer(), sending: Type.Integer(), sent: Type.Integer(), failed: Type.Integer(), cancelled: Type.Integer() }),
  /** whether SMTP is configured: without it, jobs wait */
  configured: Type.Boolean(),
});
export type MailJobList = Static<typeof MailJobList>;

export const MailJobParams = Type.Object({ id: Uuid }, { additionalProperties: false });
export const MeetingMailParams = Type.Object({ meetingId: Uuid }, { additionalProperties: false });
export const MeetingMailJobParams = Type.Object({ meetingId: Uuid, jobId: Uuid }, { additionalProperties: false });
export const MailJobEnvelope = Type.Object({ job: MailJobDto });
export type MailJobEnvelope = Static<typeof MailJobEnvelope>;
