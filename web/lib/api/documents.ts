/**
 * Typed calls of the documents API (list, versions, upload with progress,
 * file addresses, search). Uploads go through
 * XMLHttpRequest because fetch reports no upload progress.
 */
import type {
  DocumentDto,
  DocumentEnvelope,
  DocumentListEnvelope,
  DocumentSignaturesEnvelope,
  DocumentUpdate,
  DocumentUploadFields,
  DocumentVersionDto,
  DocumentVersionsEnvelope,
  SearchEnvelope,
  SearchHit,
  SearchQuery,
} from '$contract/documents.ts';
import type { SignatureReportDto } from '$contract/signing.ts';
import { i18n } from '$lib/i18n/locale.svelte.ts';
import { API_BASE, ApiError, api, reportUnauthenticated, toApiError } from './client.ts';

const d = (id: string) => `/documents/${encodeURIComponent(id)}`;

export const documentsApi = {
  list: async (meetingId: string): Promise<DocumentDto[]> =>
    (await api.get<DocumentListEnvelope>(`/meetings/${encodeURIComponent(meetingId)}/documents`)).documents,
  get: async (id: string, signal?: AbortSignal): Promise<DocumentDto> =>
    (await api.get<DocumentEnvelope>(d(id), signal ? { signal } : {})).document,
  update: async (id: string, body: DocumentUpdate): Promise<DocumentDto> => (await api.patch<DocumentEnvelope>(d(id), body)).document,
  versions: async (id: string): Promise<DocumentVersionDto[]> => (await api.get<DocumentVersionsEnvelope>(`${d(id)}/versions`)).versions,
  /** the version's digital signatures as the server verified them (empty: not signed) */
  signatures: async (id: string, version: number, signal?: AbortSignal): Promise<SignatureReportDto[]> =>
    (await api.get<DocumentSignaturesEnvelope>(`${d(id)}/versions/${version}/signatures`, signal ? { signal } : {})).signatures,
  revoke: (id: string, userId: string) => api.post<void>(`${d(id)}/revocations`, { userId }),
  restore: (id: string, userId: string) => api.delete(`${d(id)}/revocations/${encodeURIComponent(userId)}`),
};

/** Where the bytes of one version live (same origin, so the session cookie goes along). */
export const documentFiles = {
  /** inline, with range requests: what pdf.js opens */
  view: (id: string, version: number) => `${API_BASE}${d(id)}/versions/${version}/file`,
  /** attachment; refused (403) for view-only documents */
  download: (id: string, version: number) => `${API_BASE}${d(id)}/versions/${version}/download`,
  /** the print/export path: stamped with the reader's name and the time by the server */
  export: (id: string, version: number) => `${API_BASE}${d(id)}/versions/${version}/export`,
  thumbnail: (id: string, version: number) => `${API_BASE}${d(id)}/versions/${version}/thumbnail`,
};

export type UploadProgress = { loaded: number; total: number };

export type UploadHandle<T> = {
  /** Settles with the server's answer; rejects with ApiError, or DOMException('AbortError') after cancel(). */
  done: Promise<T>;
  cancel: () => void;
};

/**
 * Sends a multipart body with XMLHttpRequest and reports upload progress.
 * Text fields go first and the file last, as the server reads them in order.
 */
function sendMultipart<T>(path: string, fields: Record<string, string>, file: File, onprogress: (progress: UploadProgress) => void): UploadHandle<T> {
  const xhr = new XMLHttpRequest();
  const body = new FormData();
  for (const [key, value] of Object.entries(fields)) body.append(key, value);
  body.append('file', file, file.name);

  const done = new Promise<T>((resolve, reject) => {
    xhr.open('POST', `${API_BASE}${path}`);
    xhr.withCredentials = true;
    xhr.responseType = 'text';
    xhr.setRequestHeader('accept', 'application/json');
    xhr.setRequestHeader('accept-language', i18n.current);
    xhr.upload.onprogress = (event) => {
      onprogress({ loaded: event.loaded, total: event.lengthComputable ? event.total : file.size });
    };
    xhr.upload.onload = () => onprogress({ loaded: file.size, total: file.size });
    xhr.onload = () => {
      let payload: unknown;
      try {
        payload = xhr.responseText === '' ? undefined : JSON.parse(xhr.responseText);
      } catch {
        payload = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(payload as T);
        return;
      }
      if (xhr.status === 401) reportUnauthenticated();
      reject(toApiError(xhr.status, payload));
    };
    xhr.onerror = () => reject(new ApiError(0, { code: 'network', message: i18n.m.errors.network }));
    xhr.onabort = () => reject(new DOMException('Upload cancelled', 'AbortError'));
    xhr.send(body);
  });
  return { done, cancel: () => xhr.abort() };
}

export type UploadFields = DocumentUploadFields;

export const uploadsApi = {
  /** A new document of a meeting (optionally under an agenda item). */
  create: (meetingId: string, fields: UploadFields, file: File, onprogress: (progress: UploadProgress) => void): UploadHandle<DocumentEnvelope> => {
    const text: Record<string, string> = { title: fields.title, kind: fields.kind };
    if (fields.confidentiality !== undefined) text.confidentiality = fields.confidentiality;
    if (fields.audience !== undefined) text.audience = fields.audience;
    if (fields.agendaItemId !== undefined) text.agendaItemId = fields.agendaItemId;
    if (fields.readerIds !== undefined) text.readerIds = fields.readerIds;
    return sendMultipart(`/meetings/${encodeURIComponent(meetingId)}/documents`, text, file, onprogress);
  },
  /** A new version of an existing document (the file only). */
  version: (documentId: string, file: File, onprogress: (progress: UploadProgress) => void): UploadHandle<DocumentEnvelope> =>
    sendMultipart(`${d(documentId)}/versions`, {}, file, onprogress),
};

export const searchApi = {
  search: async (query: SearchQuery, signal?: AbortSignal): Promise<SearchHit[]> =>
    (await api.get<SearchEnvelope>('/search', { query, ...(signal ? { signal } : {}) })).hits,
};
