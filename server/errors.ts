/**
 * Errors that services throw on purpose. The error handler turns them into a
 * 4xx with a translated message; anything else becomes an opaque 500.
 */
import type { ValidationIssue } from './contract/validation.ts';
import type { ErrorKey } from './i18n/messages.ts';

export class AppError extends Error {
  readonly status: number;
  readonly key: ErrorKey;
  readonly params: Record<string, string | number>;
  readonly issues: ValidationIssue[] | undefined;
  readonly field: string | undefined;
  /** headers the answer carries (e.g. Retry-After on a 503) */
  readonly headers: Record<string, string> | undefined;

  constructor(
    status: number,
    key: ErrorKey,
    options: { params?: Record<string, string | number>; issues?: ValidationIssue[]; field?: string; headers?: Record<string, string> } = {},
  ) {
    super(key);
    this.name = 'AppError';
    this.status = status;
    this.key = key;
    this.params = options.params ?? {};
    this.issues = options.issues;
    this.field = options.field ?? options.issues?.[0]?.field;
    this.headers = options.headers;
  }
}
