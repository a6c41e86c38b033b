/** Annotations over the socket: saved as you draw, acknowledged with the stored revision. */
import type { FastifyInstance } from 'fastify';
import { AnnotationListQuery, AnnotationRef, AnnotationUpsert } from '../../contract/annotations.ts';
import { socketHandler } from '../../realtime/handler.ts';
import type { AppSocket } from '../../realtime/socket-server.ts';
import type { AnnotationService } from './service.ts';

export function annotationHandlers(app: FastifyInstance, annotations: AnnotationService) {
  return (socket: AppSocket): void => {
    const on = socket.on.bind(socket) as (event: string, listener: (payload: unknown, ack: unknown) => void) => void;
    on('annotation:upsert', socketHandler(socket, app.log, AnnotationUpsert, (input) => annotations.upsert(socket.data.user, input)));
    on('annotation:delete', socketHandler(socket, app.log, AnnotationRef, ({ id }) => annotations.remove(socket.data.user, id)));
    on('annotation:list', socketHandler(socket, app.log, AnnotationListQuery, ({ documentId, version }) => annotations.list(socket.data.user, documentId, version)));
  };
}
