/** The SMTP settings row: saved by the admin, read by the worker; the password never leaves through the API. */
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { mailSettings } from '../../db/schema/mail.ts';
import type { SmtpSettingsDto, SmtpSettingsInput } from '../../contract/mail.ts';

export type SmtpSettings = typeof mailSettings.$inferSelect;

export class MailSettingsStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async read(): Promise<SmtpSettings | null> {
    const [row] = await this.#db.select().from(mailSettings).where(eq(mailSettings.id, 1));
    return row ?? null;
  }

  async show(): Promise<SmtpSettingsDto | null> {
    const row = await this.read();
    return row === null ? null : toDto(row);
  }

  async save(input: SmtpSettingsInput): Promise<SmtpSettingsDto> {
    const values = {
      host: input.host,
      port: input.port,
      security: input.security,
      username: input.username,
      fromAddress: input.fromAddress,
      fromName: input.fromName,
      updatedAt: new Date(),
      // absent: keep the stored password (the form never sees it); null: remove it
      ...(input.password === undefined ? {} : { password: input.password }),
    };
    const [row] = await this.#db
      .insert(mailSettings)
      .values({ id: 1, ...values })
      .onConflictDoUpdate({ target: mailSettings.id, set: values })
      .returning();
    return toDto(row!);
  }
}

function toDto(row: SmtpSettings): SmtpSettingsDto {
  return {
    host: row.host,
    port: row.port,
    security: row.security,
    username: row.username,
    hasPassword: row.password !== null,
    fromAddress: row.fromAddress,
    fromName: row.fromName,
  };
}
