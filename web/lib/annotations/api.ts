/** REST calls of annotations and draft comments (the socket is preferred for annotations; this is the fallback). */
import type { AnnotationDto, AnnotationListEnvelope, DraftCommentCreate, DraftCommentDto, DraftCommentEnvelope, DraftCommentListEnvelope } from '$contract/annotations.ts';
import { API_BASE, api } from '$lib/api/client.ts';

const d = (id: string) => `/documents/${encodeURIComponent(id)}`;

export const annotationsApi = {
  list: async (documentId: string, version: number): Promise<AnnotationDto[]> =>
    (await api.get<AnnotationListEnvelope>(`${d(documentId)}/versions/${version}/annotations`)).annotations,
  /** The document with the reader's own notes drawn in (a download; the server stamps confidential ones). */
  exportHref: (documentId: string, version: number): string => `${API_BASE}${d(documentId)}/versions/${version}/annotated`,
};

export const commentsApi = {
  list: async (documentId: string, filter: { handled?: boolean; page?: number } = {}): Promise<DraftCommentDto[]> =>
    (await api.get<DraftCommentListEnvelope>(`${d(documentId)}/comments`, { query: filter })).comments,
  create: async (documentId: string, body: DraftCommentCreate): Promise<DraftCommentDto> =>
    (await api.post<DraftCommentEnvelope>(`${d(documentId)}/comments`, body)).comment,
  setHandled: async (documentId: string, commentId: string, handled: boolean): Promise<DraftCommentDto> =>
    (await api.patch<DraftCommentEnvelope>(`${d(documentId)}/comments/${encodeURIComponent(commentId)}`, { handled })).comment,
};
