/**
 * The mail module's service: the queue's public face (enqueue, for other
 * modules and the lead's minutes delivery), the SMTP settings, the list of
 * what was sent and failed (scoped like the meeting it belongs to), and the
 * meeting announcements (invitation on publication, changes of time or place,
 * reminders before the meeting).
 */
import { eq } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.ts';
import type { Db, Executor } from '../../db/client.ts';
import { mailMeetingAnnouncements } from '../../db/schema/mail.ts';
import type { SessionUser } from '../../contract/identity.ts';
import type { MailJobDto, MailJobList, MailJobListQuery, SmtpSettingsDto, SmtpSettingsInput } from '../../contract/mail.ts';
import { AppError } from '../../errors.ts';
import type { MeetingService } from '../meetings/index.ts';
import type { UserService } from '../users/index.ts';
import { meetingEvent, meetingLink, meetingMail, type AnnouncedMeeting, type MailKind } from './invitation-mail.ts';
import { MailQueue, type ClaimedJob, type EnqueueMail } from './queue.ts';
import { sendJob } from './sender.ts';
import { MailSettingsStore } from './settings.ts';
import { MailWorker } from './worker.ts';

export type MailDeps = { meetings: MeetingService; users: Pick<UserService, 'get'> };

const LIST_LIMIT = 100;

export class MailService {
  readonly queue: MailQueue;
  readonly settings: MailSettingsStore;
  readonly worker: MailWorker;
  readonly #db: Db;
  readonly #config: Config;
  readonly #deps: MailDeps;
  readonly #log: FastifyBaseLogger;
  readonly #domain: string;

  constructor(db: Db, config: Config, deps: MailDeps, log: FastifyBaseLogger) {
    this.#db = db;
    this.#config = config;
    this.#deps = deps;
    this.#log = log;
    this.#domain = config.publicUrl.hostname || 'phong-hop-so';
    this.queue = new MailQueue(db, this.#domain, config.mail);
    this.settings = new MailSettingsStore(db);
    this.worker = new MailWorker({ queue: this.queue, settings: this.settings, log, pollMs: config.mail.pollMs, send: sendJob, veto: (job) => this.#veto(job) });
  }

  /**
   * Queues one e-mail; it is sent by a worker of any process, retried until it goes or fails for good. Returns the
   * job's id (null: its dedupe key was already queued). `executor`: the caller's transaction, so the e-mail exists
   * exactly when what it announces does.
   */
  async enqueue(mail: EnqueueMail, executor?: Executor): Promise<string | null> {
    const id = await this.queue.enqueue(mail, executor);
    // Inside a caller's transaction the job shows once it commits: the poke then finds nothing, the next poll it.
    this.worker.poke();
    return id;
  }

  // — settings (admin) —

  showSettings(): Promise<SmtpSettingsDto | null> {
    return this.settings.show();
  }

  async saveSettings(input: SmtpSettingsInput): Promise<SmtpSettingsDto> {
    const saved = await this.settings.save(input);
    this.worker.poke();
    return saved;
  }

  // — what was sent and what failed —

  /** Everything (admin). */
  async listAll(query: MailJobListQuery): Promise<MailJobList> {
    const page = await this.queue.list({ ...(query.status === undefined ? {} : { status: query.status }), limit: query.limit ?? LIST_LIMIT });
    return { ...page, configured: (await this.settings.read()) !== null };
  }

  /** One meeting's e-mails, for its secretariat. */
  async listOfMeeting(user: SessionUser, meetingId: string, query: MailJobListQuery): Promise<MailJobList> {
    await this.#assertManages(user, meetingId);
    const page = await this.queue.list({ meetingIds: [meetingId], ...(query.status === undefined ? {} : { status: query.status }), limit: query.limit ?? LIST_LIMIT });
    return { ...page, configured: (await this.settings.read()) !== null };
  }

  /** Queues a failed job again; `meetingId` given: only a job of that meeting, by its secretariat. */
  async retry(user: SessionUser, jobId: string, meetingId?: string): Promise<MailJobDto> {
    if (meetingId !== undefined) await this.#assertManages(user, meetingId);
    const job = await this.queue.byId(jobId);
    if (job === null || (meetingId !== undefined && job.meetingId !== meetingId)) throw new AppError(404, 'notFound');
    const retried = await this.queue.retry(jobId);
    if (retried === null) throw new AppError(409, 'mailNotFailed');
    this.worker.poke();
    return retried;
  }

  /** The meeting's secretariat (or an admin); a participant is refused, anyone else does not see the meeting at all. */
  async #assertManages(user: SessionUser, meetingId: string): Promise<void> {
    const access = await this.#deps.meetings.access(user, meetingId);
    if (!access.canManage) throw new AppError(403, 'forbidden');
  }

  // — meeting announcements —

  /** Publication: the invitation with its calendar event to every participant with an address, and the reminders. */
  async announcePublished(meetingId: string): Promise<void> {
    const meeting = await this.#deps.meetings.byId(meetingId);
    if (meeting === null) return;
    const announced = { id: meeting.id, title: meeting.title, startsAt: meeting.startsAt, endsAt: meeting.endsAt, location: meeting.location };
    await this.#db
      .insert(mailMeetingAnnouncements)
      .values({ meetingId, sequence: 0, startsAt: meeting.startsAt, endsAt: meeting.endsAt, location: meeting.location })
      .onConflictDoNothing();
    await this.#announce('invitation', announced, 0);
    await this.#scheduleReminders(announced);
  }

  /** A change of a published meeting: if its time or place differs from what was announced, a new SEQUENCE goes out and reminders move. */
  async announceIfMoved(meetingId: string): Promise<void> {
    const meeting = await this.#deps.meetings.byId(meetingId);
    if (meeting === null || meeting.status === 'draft' || meeting.status === 'closed') return;
    const moved = await this.#db.transaction(async (tx) => {
      const [last] = await tx.select().from(mailMeetingAnnouncements).where(eq(mailMeetingAnnouncements.meetingId, meetingId)).for('update');
      if (last === undefined) return null;
      const same = last.startsAt.getTime() === meeting.startsAt.getTime() && (last.endsAt?.getTime() ?? null) === (meeting.endsAt?.getTime() ?? null) && last.location === meeting.location;
      if (same) return null;
      const sequence = last.sequence + 1;
      await tx.update(mailMeetingAnnouncements).set({ sequence, startsAt: meeting.startsAt, endsAt: meeting.endsAt, location: meeting.location }).where(eq(mailMeetingAnnouncements.meetingId, meetingId));
      return { sequence, startMoved: last.startsAt.getTime() !== meeting.startsAt.getTime() };
    });
    if (moved === null) return;
    const announced = { id: meeting.id, title: meeting.title, startsAt: meeting.startsAt, endsAt: meeting.endsAt, location: meeting.location };
    await this.#announce('update', announced, moved.sequence);
    if (!moved.startMoved) return;
    await this.queue.cancelQueued(meetingId, 'reminder', 'meeting moved');
    await this.#scheduleReminders(announced);
  }

  async #announce(kind: MailKind, meeting: AnnouncedMeeting, sequence: number): Promise<void> {
    const link = meetingLink(this.#config.publicUrl, meeting.id);
    const settings = await this.settings.read();
    const organizer = settings === null ? null : { name: settings.fromName, email: settings.fromAddress };
    const event = meetingEvent(meeting, sequence, link, this.#domain, organizer);
    for (const { userId, fullName, email } of await this.#recipients(meeting.id)) {
      const words = meetingMail(kind, meeting, fullName, link);
      await this.queue.enqueue({ kind, meetingId: meeting.id, to: email, ...words, attachments: [event], dedupeKey: `${kind}:${meeting.id}:${userId}:${sequence}` });
    }
    this.worker.poke();
  }

  async #scheduleReminders(meeting: AnnouncedMeeting): Promise<void> {
    const link = meetingLink(this.#config.publicUrl, meeting.id);
    const now = Date.now();
    for (const { userId, fullName, email } of await this.#recipients(meeting.id)) {
      for (const minutes of this.#config.mail.reminderLeadMinutes) {
        const runAt = new Date(meeting.startsAt.getTime() - minutes * 60_000);
        if (runAt.getTime() <= now) continue; // too late for this one: the invitation said it all
        const words = meetingMail('reminder', meeting, fullName, link);
        await this.queue.enqueue({ kind: 'reminder', meetingId: meeting.id, to: email, ...words, runAt, dedupeKey: `reminder:${meeting.id}:${userId}:${meeting.startsAt.toISOString()}:${minutes}` });
      }
    }
  }

  async #recipients(meetingId: string): Promise<{ userId: string; fullName: string; email: string }[]> {
    const roster = await this.#deps.meetings.roster(meetingId);
    const people: { userId: string; fullName: string; email: string }[] = [];
    for (const participant of roster) {
      const user = await this.#deps.users.get(participant.userId);
      if (user.active && user.email !== null && user.email !== '') people.push({ userId: user.id, fullName: user.fullName, email: user.email });
    }
    return people;
  }

  /** A reminder of a meeting that is over, or was moved since it was queued, does not go out. */
  async #veto(job: ClaimedJob): Promise<string | null> {
    if (job.kind !== 'reminder' || job.meetingId === null) return null;
    const meeting = await this.#deps.meetings.byId(job.meetingId);
    if (meeting === null || meeting.status === 'closed' || meeting.status === 'draft') return 'meeting no longer planned';
    if (meeting.startsAt.getTime() <= Date.now()) return 'meeting already started';
    if (job.dedupeKey !== null && !job.dedupeKey.includes(meeting.startsAt.toISOString())) return 'meeting moved';
    return null;
  }

  logFailure(what: string, error: unknown): void {
    this.#log.error({ err: error }, what);
  }
}
