/** Annotations over the socket: saved as you draw, acknowledged with the stored revision. */
import { AnnotationListQuery, AnnotationRef, AnnotationUpsert } from '../../contract/annotations.ts';
import type { UserSocketTable } from '../module.ts';
import type { AnnotationService } from './service.ts';

export function annotationSockets(annotations: AnnotationService): UserSocketTable {
  return {
    'annotation:upsert': { schema: AnnotationUpsert, run: (input, socket) => annotations.upsert(socket.data.user, input) },
    'annotation:delete': { schema: AnnotationRef, run: ({ id }, socket) => annotations.remove(socket.data.user, id) },
    'annotation:list': { schema: AnnotationListQuery, run: ({ documentId, version }, socket) => annotations.list(socket.data.user, documentId, version) },
  };
}
