/**
 * The annotations module: a delegate's private ink, highlights and notes
 * (live on their own devices, carried to a document's new version) and
 * comments on drafts for the secretariat. Owns the annotations and
 * draft_comments tables; reads documents through the documents module and
 * authors' names through the users module.
 */
import { rooms } from '../../contract/realtime.ts';
import { defineModule } from '../module.ts';
import { DraftCommentService } from './comments.ts';
import { annotationRoutes } from './routes.ts';
import { AnnotationService, type AnnotationDocuments, type AnnotationUsers } from './service.ts';
import { annotationSockets } from './sockets.ts';

export type AnnotationsModule = { annotations: AnnotationService; comments: DraftCommentService };

export const annotationsModule = defineModule<{ documents: AnnotationDocuments; users: AnnotationUsers }, AnnotationsModule>({
  name: 'annotations',
  create: ({ db, events }, { documents, users }) => ({
    annotations: new AnnotationService(db, documents, events),
    comments: new DraftCommentService(db, documents, users),
  }),
  routes: ({ annotations, comments }) => annotationRoutes(annotations, comments),
  sockets: ({ annotations }) => annotationSockets(annotations),
  subscribe: ({ annotations }, { events, io, log }) => {
    // Notes on the old version follow the document to its new one.
    events.on('document.versionAdded', ({ documentId, fromVersion, toVersion }) => {
      annotations
        .carryOver(documentId, fromVersion, toVersion)
        .then((result) => log.info({ documentId, toVersion, ...result }, 'annotations carried over'))
        .catch((error: unknown) => log.error({ err: error, documentId }, 'carrying annotations over failed'));
    });
    // The same user's other devices follow.
    events.on('annotations.changed', ({ userId, annotation }) => io.to(rooms.user(userId)).emit('annotation:changed', annotation));
  },
});
