/**
 * A small typed JSON client for /api/v1. Same-origin cookies carry the
 * session. Every failure becomes an ApiError with the server's code and its
 * already-translated message; a 401 anywhere sends the person to the login
 * page (unless the caller asks to handle it).
 */
import type { ErrorBody, ServerIssue } from '$contract/errors.ts';

export type { ErrorBody, ServerIssue };
import { i18n } from '$lib/i18n/locale.svelte.ts';

export const API_BASE = '/api/v1';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  readonly issues: ServerIssue[];
  readonly requestId: string | undefined;

  /** `body` is the server's error, or one the client makes up (no request id then) */
  constructor(status: number, body: Omit<ErrorBody['error'], 'requestId'> & { requestId?: string }) {
    super(body.message);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code;
    this.field = body.field;
    this.issues = body.issues ?? [];
    this.requestId = body.requestId;
  }

  /** The session is gone; the client is already on its way to the login page. */
  get unauthenticated(): boolean {
    return this.status === 401;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/** A message fit to show a person, whatever was thrown. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return i18n.m.errors.unexpected;
}

type Unauthenticated = () => void;
let onUnauthenticated: Unauthenticated = () => {};

/** The session module registers what a 401 means (clear state, go to /login?next=…). */
export function setUnauthenticatedHandler(handler: Unauthenticated): void {
  onUnauthenticated = handler;
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export type RequestOptions = {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  query?: Query;
  signal?: AbortSignal;
  /** 'redirect' (default): a 401 ends the session on this device; 'throw': the caller deals with it. */
  on401?: 'redirect' | 'throw';
  /** SvelteKit's fetch inside load functions; window.fetch otherwise. */
  fetch?: typeof fetch;
};

/** The address of an API path with its query (empty values left out). */
export function apiUrl(path: string, query?: Query): string {
  return buildUrl(path, query);
}

/** For requests made outside `request()` (uploads with progress): a 401 ends the session the same way. */
export function reportUnauthenticated(): void {
  onUnauthenticated();
}

/** The ApiError for a non-2xx answer whose body was already read (or not JSON). */
export function toApiError(status: number, payload: unknown): ApiError {
  return isErrorBody(payload)
    ? new ApiError(status, payload.error)
    : new ApiError(status, { code: `http_${status}`, message: i18n.m.errors.unexpected });
}

function buildUrl(path: string, query: Query | undefined): string {
  const url = `${API_BASE}${path}`;
  if (query === undefined) return url;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text === '' ? url : `${url}?${text}`;
}

function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = (value as { error: unknown }).error;
  return typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string';
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? (options.body === undefined ? 'GET' : 'POST');
  // The server answers in the `lang` cookie's language, else Accept-Language: say the interface's language
  // so a browser set to English still gets Vietnamese messages on a Vietnamese screen (and the reverse).
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': i18n.current };
  const init: RequestInit = { method, headers, credentials: 'same-origin' };
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }
  if (options.signal !== undefined) init.signal = options.signal;

  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(buildUrl(path, options.query), init);
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, { code: 'network', message: i18n.m.errors.network });
  }

  if (response.status === 204) return undefined as T;

  let payload: unknown = undefined;
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('application/json')) {
    try {
      payload = await response.json();
    } catch {
      payload = undefined;
    }
  }

  if (response.ok) return payload as T;

  const error = toApiError(response.status, payload);
  if (response.status === 401 && (options.on401 ?? 'redirect') === 'redirect') onUnauthenticated();
  throw error;
}

export const api = {
  get: <T>(path: string, options: Omit<RequestOptions, 'method' | 'body'> = {}) => request<T>(path, { ...options, method: 'GET' }),
  post: <T>(path: string, body?: unknown, options: Omit<RequestOptions, 'method' | 'body'> = {}) =>
    request<T>(path, { ...options, method: 'POST', body: body ?? {} }),
  patch: <T>(path: string, body: unknown, options: Omit<RequestOptions, 'method' | 'body'> = {}) =>
    request<T>(path, { ...options, method: 'PATCH', body }),
  put: <T>(path: string, body: unknown, options: Omit<RequestOptions, 'method' | 'body'> = {}) =>
    request<T>(path, { ...options, method: 'PUT', body }),
  delete: <T = void>(path: string, options: Omit<RequestOptions, 'method' | 'body'> = {}) => request<T>(path, { ...options, method: 'DELETE' }),
};
