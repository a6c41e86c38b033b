/** Typed calls of the audit trail API (administrators only). */
import type { AuditPage, AuditQuery, AuditVerification } from '$contract/audit.ts';
import { api, apiUrl } from './client.ts';

export const auditApi = {
  list: (query: AuditQuery, signal?: AbortSignal) => api.get<AuditPage>('/audit', { query, ...(signal ? { signal } : {}) }),
  verify: () => api.post<AuditVerification>('/audit/verify'),
  /** The CSV export of the same filters, as a link the browser downloads. */
  exportUrl: (query: Omit<AuditQuery, 'limit' | 'offset'>) => apiUrl('/audit/export.csv', query),
};
