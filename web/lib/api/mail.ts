/** Typed calls of the mail API for the admin: the SMTP settings (password write-only) and the e-mail queue. */
import type { MailJobDto, MailJobList, MailJobStatus, SmtpSettingsEnvelope, SmtpSettingsInput } from '$contract/mail.ts';
import { api } from './client.ts';

export const mailApi = {
  settings: () => api.get<SmtpSettingsEnvelope>('/mail/settings'),
  saveSettings: (body: SmtpSettingsInput) => api.put<SmtpSettingsEnvelope>('/mail/settings', body),
  jobs: (status: MailJobStatus | null) => api.get<MailJobList>('/mail/jobs', { query: { status: status ?? undefined } }),
  retry: (id: string) => api.post<{ job: MailJobDto }>(`/mail/jobs/${id}/retry`),
};
