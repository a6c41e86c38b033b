/** One message to the SMTP server with nodemailer, from the stored settings. */
import nodemailer from 'nodemailer';
import type { ClaimedJob } from './queue.ts';
import type { SmtpSettings } from './settings.ts';

const TIMEOUT_MS = 15_000;

export async function sendJob(settings: SmtpSettings, job: ClaimedJob): Promise<void> {
  const transport = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.security === 'tls',
    requireTLS: settings.security === 'starttls',
    ignoreTLS: settings.security === 'none',
    ...(settings.username === null ? {} : { auth: { user: settings.username, pass: settings.password ?? '' } }),
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
  });
  try {
    await transport.sendMail({
      from: { name: settings.fromName, address: settings.fromAddress },
      to: job.toAddress,
      subject: job.subject,
      text: job.textBody,
      ...(job.htmlBody === null ? {} : { html: job.htmlBody }),
      // the same Message-ID on every attempt: a resend after an unknown outcome is the same message
      messageId: job.messageId,
      headers: { 'X-PHS-Mail-Job': job.id },
      attachments: job.attachments.map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType })),
    });
  } finally {
    transport.close();
  }
}
