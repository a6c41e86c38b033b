/**
 * Typed calls of the meeting's outcome: issuing an approved record document,
 * the issued documents, their signatures' report, and signing (multipart:
 * the keystore file and its passphrase, sent for this one signing).
 */
import type { IssuedDocumentDto } from '$contract/official-docs-api.ts';
import type { RecordDocumentKind } from '$contract/record.ts';
import type { IssuedSignaturesEnvelope, TrustedRootDto } from '$contract/signing.ts';
import { api, apiUrl, ApiError, reportUnauthenticated, toApiError } from './client.ts';
import { i18n } from '$lib/i18n/locale.svelte.ts';

const docs = (meetingId: string) => `/meetings/${meetingId}/official-documents`;

async function sign(meetingId: string, issuedId: string, keystore: File | null, passphrase: string): Promise<{ document: IssuedDocumentDto }> {
  const form = new FormData();
  form.append('passphrase', passphrase);
  if (keystore !== null) form.append('keystore', keystore, keystore.name);
  let response: Response;
  try {
    response = await fetch(apiUrl(`${docs(meetingId)}/${issuedId}/signatures`), {
      method: 'POST',
      body: form,
      credentials: 'same-origin',
      headers: { accept: 'application/json', 'accept-language': i18n.current },
    });
  } catch {
    throw new ApiError(0, { code: 'network', message: i18n.m.errors.network });
  }
  const payload: unknown = await response.json().catch(() => undefined);
  if (response.ok) return payload as { document: IssuedDocumentDto };
  if (response.status === 401) reportUnauthenticated();
  throw toApiError(response.status, payload);
}

export const outcomeApi = {
  issue: (meetingId: string, kind: RecordDocumentKind, issuerCode: string) =>
    api.post<{ document: IssuedDocumentDto }>(`/meetings/${meetingId}/record/drafts/${kind}/issue`, { issuerCode }),
  list: (meetingId: string) => api.get<{ documents: IssuedDocumentDto[] }>(docs(meetingId)),
  signatures: (meetingId: string, issuedId: string) => api.get<IssuedSignaturesEnvelope>(`${docs(meetingId)}/${issuedId}/signatures`),
  sign,
  pdfUrl: (meetingId: string, issuedId: string) => apiUrl(`${docs(meetingId)}/${issuedId}/pdf`),
};

/** The admin's trusted roots. */
export const trustedRootsApi = {
  list: () => api.get<{ roots: TrustedRootDto[] }>('/admin/trusted-roots'),
  add: (pem: string) => api.post<{ root: TrustedRootDto }>('/admin/trusted-roots', { pem }),
  remove: (id: string) => api.delete(`/admin/trusted-roots/${id}`),
};
