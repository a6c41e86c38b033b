/**
 * The durable e-mail queue on the database. A job is written whole (body and
 * attachments) before anything is sent; workers in any number of processes
 * claim due jobs with FOR UPDATE SKIP LOCKED and hold them under a lease, so
 * two processes never send the same job, and a job whose sender died is taken
 * again once its lease runs out. The Message-ID is fixed at enqueue, so a
 * resend after an unknown outcome is recognisably the same message.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, count, desc, eq, inArray, isNotNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Db, Executor } from '../../db/client.ts';
import { mailAttachments, mailJobs } from '../../db/schema/mail.ts';
import type { MailJobDto, MailJobList, MailJobStatus } from '../../contract/mail.ts';

export type MailAttachment = { filename: string; content: Buffer; contentType: string };

export type EnqueueMail = {
  to: string;
  subject: string;
  text: string;
  html?: string;
  attachments?: MailAttachment[];
  meetingId?: string;
  kind: string;
  /** not before this instant (a reminder) */
  runAt?: Date;
  /** a job that must exist once: a second enqueue with the same key is ignored */
  dedupeKey?: string;
};

export type ClaimedJob = typeof mailJobs.$inferSelect & { attachments: MailAttachment[] };

export type RetryPolicy = { leaseMs: number; retryBaseMs: number; maxAttempts: number };

const MAX_ERROR_LENGTH = 500;

export class MailQueue {
  readonly #db: Db;
  readonly #domain: string;
  readonly #policy: RetryPolicy;

  constructor(db: Db, domain: string, policy: RetryPolicy) {
    this.#db = db;
    this.#domain = domain;
    this.#policy = policy;
  }

  /** Stores the message (in the caller's transaction when given); null when its dedupe key was already queued. */
  async enqueue(mail: EnqueueMail, executor: Executor = this.#db): Promise<string | null> {
    const write = async (tx: Executor) => {
      const id = randomUUID();
      const inserted = await tx
        .insert(mailJobs)
        .values({
          id,
          kind: mail.kind,
          meetingId: mail.meetingId ?? null,
          toAddress: mail.to,
          subject: mail.subject,
          textBody: mail.text,
          htmlBody: mail.html ?? null,
          messageId: `<${id}@${this.#domain}>`,
          dedupeKey: mail.dedupeKey ?? null,
          runAt: mail.runAt ?? new Date(),
        })
        .onConflictDoNothing()
        .returning({ id: mailJobs.id });
      if (inserted.length === 0) return null;
      const attachments = mail.attachments ?? [];
      if (attachments.length > 0) {
        await tx.insert(mailAttachments).values(attachments.map((a, position) => ({ jobId: id, position, filename: a.filename, contentType: a.contentType, content: a.content })));
      }
      return id;
    };
    // Job and attachments commit together: a job without its attachments is never visible to a worker.
    return executor === this.#db ? this.#db.transaction(write) : write(executor);
  }

  /** Takes up to `limit` due jobs (queued and due, or 'sending' with a lapsed lease) for this process. */
  async claim(limit: number): Promise<ClaimedJob[]> {
    const now = new Date();
    const claimed = await this.#db.transaction(async (tx) => {
      const due = await tx
        .select({ id: mailJobs.id })
        .from(mailJobs)
        .where(or(and(eq(mailJobs.status, 'queued'), lte(mailJobs.runAt, now)), and(eq(mailJobs.status, 'sending'), isNotNull(mailJobs.leaseUntil), lt(mailJobs.leaseUntil, now))))
        .orderBy(asc(mailJobs.runAt))
        .limit(limit)
        .for('update', { skipLocked: true });
      if (due.length === 0) return [];
      return tx
        .update(mailJobs)
        .set({ status: 'sending', leaseUntil: new Date(now.getTime() + this.#policy.leaseMs), attempts: sql`${mailJobs.attempts} + 1` })
        .where(inArray(
          mailJobs.id,
          due.map((row) => row.id),
        ))
        .returning();
    });
    if (claimed.length === 0) return [];
    const files = await this.#db
      .select()
      .from(mailAttachments)
      .where(inArray(mailAttachments.jobId, claimed.map((job) => job.id)))
      .orderBy(asc(mailAttachments.position));
    return claimed.map((job) => ({
      ...job,
      attachments: files.filter((f) => f.jobId === job.id).map((f) => ({ filename: f.filename, contentType: f.contentType, content: f.content })),
    }));
  }

  /** The SMTP server took it. Only the holder of the lease marks it (a job re-taken by another process is theirs now). */
  async markSent(job: ClaimedJob): Promise<void> {
    await this.#db
      .update(mailJobs)
      .set({ status: 'sent', sentAt: new Date(), leaseUntil: null, lastError: null })
      .where(and(eq(mailJobs.id, job.id), eq(mailJobs.status, 'sending'), eq(mailJobs.attempts, job.attempts)));
  }

  /** A failed attempt: back off exponentially, or give up after the last attempt. */
  async markFailed(job: ClaimedJob, error: string): Promise<void> {
    const giveUp = job.attempts >= this.#policy.maxAttempts;
    const delay = this.#policy.retryBaseMs * 2 ** Math.min(job.attempts - 1, 16);
    await this.#db
      .update(mailJobs)
      .set({ status: giveUp ? 'failed' : 'queued', runAt: new Date(Date.now() + delay), leaseUntil: null, lastError: error.slice(0, MAX_ERROR_LENGTH) })
      .where(and(eq(mailJobs.id, job.id), eq(mailJobs.status, 'sending'), eq(mailJobs.attempts, job.attempts)));
  }

  /** The job must not go out any more (a reminder of a meeting that moved or ended). */
  async cancel(job: ClaimedJob, reason: string): Promise<void> {
    await this.#db
      .update(mailJobs)
      .set({ status: 'cancelled', leaseUntil: null, lastError: reason })
      .where(and(eq(mailJobs.id, job.id), eq(mailJobs.status, 'sending'), eq(mailJobs.attempts, job.attempts)));
  }

  /** Queued reminders of a meeting (a change of time queues new ones). */
  async cancelQueued(meetingId: string, kind: string, reason: string): Promise<void> {
    await this.#db
      .update(mailJobs)
      .set({ status: 'cancelled', lastError: reason })
      .where(and(eq(mailJobs.meetingId, meetingId), eq(mailJobs.kind, kind), eq(mailJobs.status, 'queued')));
  }

  /** A failed job is queued again now, with a fresh count of attempts. */
  async retry(id: string): Promise<MailJobDto | null> {
    const [row] = await this.#db
      .update(mailJobs)
      .set({ status: 'queued', attempts: 0, runAt: new Date(), lastError: null })
      .where(and(eq(mailJobs.id, id), eq(mailJobs.status, 'failed')))
      .returning();
    return row === undefined ? null : (await this.#withAttachmentNames([row]))[0]!;
  }

  async byId(id: string): Promise<typeof mailJobs.$inferSelect | null> {
    const [row] = await this.#db.select().from(mailJobs).where(eq(mailJobs.id, id));
    return row ?? null;
  }

  async list(filter: { meetingIds?: readonly string[]; status?: MailJobStatus; limit: number }): Promise<Omit<MailJobList, 'configured'>> {
    const conditions: SQL[] = [];
    if (filter.meetingIds !== undefined) {
      if (filter.meetingIds.length === 0) return { jobs: [], counts: { queued: 0, sending: 0, sent: 0, failed: 0, cancelled: 0 } };
      conditions.push(inArray(mailJobs.meetingId, [...filter.meetingIds]));
    }
    const scope = conditions.length === 0 ? undefined : and(...conditions);
    const rows = await this.#db
      .select()
      .from(mailJobs)
      .where(filter.status === undefined ? scope : and(scope, eq(mailJobs.status, filter.status)))
      .orderBy(desc(mailJobs.createdAt), desc(mailJobs.id))
      .limit(filter.limit);
    const tallies = await this.#db.select({ status: mailJobs.status, n: count() }).from(mailJobs).where(scope).groupBy(mailJobs.status);
    const counts = { queued: 0, sending: 0, sent: 0, failed: 0, cancelled: 0 };
    for (const tally of tallies) counts[tally.status] = tally.n;
    return { jobs: await this.#withAttachmentNames(rows), counts };
  }

  async #withAttachmentNames(rows: (typeof mailJobs.$inferSelect)[]): Promise<MailJobDto[]> {
    const names =
      rows.length === 0
        ? []
        : await this.#db
            .select({ jobId: mailAttachments.jobId, filename: mailAttachments.filename })
            .from(mailAttachments)
            .where(inArray(mailAttachments.jobId, rows.map((row) => row.id)))
            .orderBy(asc(mailAttachments.position));
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      meetingId: row.meetingId,
      to: row.toAddress,
      subject: row.subject,
      status: row.status,
      attempts: row.attempts,
      runAt: row.runAt.toISOString(),
      lastError: row.lastError,
      sentAt: row.sentAt?.toISOString() ?? null,
      createdAt: row.createdAt.toISOString(),
      attachments: names.filter((n) => n.jobId === row.id).map((n) => n.filename),
    }));
  }
}
