import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AnnotationListEnvelope,
  DraftCommentCreate,
  DraftCommentEnvelope,
  DraftCommentListEnvelope,
  DraftCommentParams,
  DraftCommentQuery,
  DraftCommentUpdate,
} from '../../contract/annotations.ts';
import { PdfFile } from '../../contract/common.ts';
import { DocumentParams, DocumentVersionParams } from '../../contract/documents.ts';
import { requireUser } from '../../plugins/session.ts';
import type { DraftCommentService } from './comments.ts';
import type { AnnotationService } from './service.ts';

export function annotationRoutes(annotations: AnnotationService, comments: DraftCommentService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('preHandler', requireUser);

    app.get('/documents/:documentId/versions/:version/annotations', { schema: { params: DocumentVersionParams, response: { 200: AnnotationListEnvelope } } }, async (request) => ({
      annotations: await annotations.list(request.session!.user, request.params.documentId, request.params.version),
    }));

    /** The document with the reader's own notes; confidential ones also carry the reader's stamp. */
    app.get('/documents/:documentId/versions/:version/annotated', { schema: { params: DocumentVersionParams, response: { 200: PdfFile } } }, async (request, reply) => {
      const file = await annotations.annotated(request.session!.user, request.params.documentId, request.params.version);
      const { size } = await file.stat();
      return reply
        .header('content-type', 'application/pdf')
        .header('content-length', size)
        .header('content-disposition', `attachment; filename="ghi-chu.pdf"`)
        .header('cache-control', 'private, no-store')
        .send(file.createReadStream());
    });

    app.get('/documents/:documentId/comments', { schema: { params: DocumentParams, querystring: DraftCommentQuery, response: { 200: DraftCommentListEnvelope } } }, async (request) => ({
      comments: await comments.list(request.session!.user, request.params.documentId, request.query),
    }));
    app.post('/documents/:documentId/comments', { schema: { params: DocumentParams, body: DraftCommentCreate, response: { 201: DraftCommentEnvelope } } }, async (request, reply) =>
      reply.status(201).send({ comment: await comments.create(request.session!.user, request.params.documentId, request.body) }),
    );
    app.patch(
      '/documents/:documentId/comments/:commentId',
      { schema: { params: DraftCommentParams, body: DraftCommentUpdate, response: { 200: DraftCommentEnvelope } } },
      async (request) => ({
        comment: await comments.setHandled(request.session!.user, request.params.documentId, request.params.commentId, request.body.handled),
      }),
    );
  };
}
