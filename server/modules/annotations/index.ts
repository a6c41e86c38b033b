/**
 * The annotations module: a delegate's private ink, highlights and notes
 * (live on their own devices, carried to a document's new version) and
 * comments on drafts for the secretariat. Owns the annotations and
 * draft_comments tables.
 */
import { rooms } from '../../contract/realtime.ts';
import type { DocumentService } from '../documents/service.ts';
import { defineModule } from '../module.ts';
import { DraftCommentService } from './comments.ts';
import { annotationRoutes } from './routes.ts';
import { AnnotationService } from './service.ts';
import { annotationSockets } from './sockets.ts';

export type AnnotationsModule = { annotations: AnnotationService; comments: DraftCommentService; documents: DocumentService };

export const annotationsModule = defineModule<{ documents: DocumentService }, AnnotationsModule>({
  name: 'annotations',
  create: ({ db, events }, { documents }) => ({
    annotations: new AnnotationService(db, documents, events),
    comments: new DraftCommentService(db, documents),
    documents,
  }),
  routes: ({ annotations, comments, documents }) => annotationRoutes(annotations, comments, documents),
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
