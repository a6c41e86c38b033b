/** Typed calls of the reports API (admins and the secretariat). */
import type { ReportQuery, ReportSummary } from '$contract/reports.ts';
import { api } from './client.ts';

export const reportsApi = {
  summary: (query: ReportQuery, signal?: AbortSignal) => api.get<ReportSummary>('/reports/summary', { query, ...(signal ? { signal } : {}) }),
};
