import type { AnnotationDto, AnnotationUpsert } from '$contract/annotations.ts';

/**
 * An upsert as the stored annotation it becomes, at `revision`: how the store
 * shows a change before the server has answered (and how the tests' fake
 * server stores one).
 */
export function upsertAsDto(annotation: AnnotationUpsert, revision: number): AnnotationDto {
  return {
    id: annotation.id,
    documentId: annotation.documentId,
    version: annotation.version,
    page: annotation.page,
    kind: annotation.kind,
    data: annotation.data,
    anchorText: annotation.anchorText ?? null,
    revision,
    deleted: false,
    updatedAt: new Date().toISOString(),
  };
}
