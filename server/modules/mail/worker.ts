/**
 * The loop that drains the queue in this process: every poll (and at once
 * when something is queued here), claim due jobs and send them. Without SMTP
 * settings nothing is claimed: mail waits, nothing else does.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { ClaimedJob, MailQueue } from './queue.ts';
import type { SmtpSettings, MailSettingsStore } from './settings.ts';

const BATCH = 10;

export type BeforeSend = (job: ClaimedJob) => Promise<string | null>;

export class MailWorker {
  readonly #queue: MailQueue;
  readonly #settings: MailSettingsStore;
  readonly #log: FastifyBaseLogger;
  readonly #pollMs: number;
  readonly #send: (settings: SmtpSettings, job: ClaimedJob) => Promise<void>;
  /** a reason not to send any more (e.g. the reminder's meeting ended), or null */
  readonly #veto: BeforeSend;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | null = null;
  #again = false;
  #stopped = false;

  constructor(options: { queue: MailQueue; settings: MailSettingsStore; log: FastifyBaseLogger; pollMs: number; send: MailWorker['send']; veto: BeforeSend }) {
    this.#queue = options.queue;
    this.#settings = options.settings;
    this.#log = options.log;
    this.#pollMs = options.pollMs;
    this.#send = options.send;
    this.#veto = options.veto;
  }

  get send(): (settings: SmtpSettings, job: ClaimedJob) => Promise<void> {
    return this.#send;
  }

  start(): void {
    this.#timer = setInterval(() => this.poke(), this.#pollMs);
    this.poke();
  }

  /** Runs a pass now (or right after the one under way). */
  poke(): void {
    if (this.#stopped) return;
    if (this.#running !== null) {
      this.#again = true;
      return;
    }
    this.#running = this.#drain()
      .catch((error: unknown) => this.#log.warn({ err: error }, 'mail queue pass failed'))
      .finally(() => {
        this.#running = null;
        if (this.#again) {
          this.#again = false;
          this.poke();
        }
      });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#running;
  }

  async #drain(): Promise<void> {
    while (!this.#stopped) {
      const settings = await this.#settings.read();
      if (settings === null) return;
      const jobs = await this.#queue.claim(BATCH);
      if (jobs.length === 0) return;
      await Promise.all(jobs.map((job) => this.#deliver(settings, job)));
    }
  }

  async #deliver(settings: SmtpSettings, job: ClaimedJob): Promise<void> {
    const veto = await this.#veto(job);
    if (veto !== null) {
      await this.#queue.cancel(job, veto);
      return;
    }
    try {
      await this.#send(settings, job);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.#log.warn({ jobId: job.id, attempt: job.attempts, reason: message }, 'e-mail not sent; it will be retried');
      await this.#queue.markFailed(job, message);
      return;
    }
    await this.#queue.markSent(job);
  }
}
