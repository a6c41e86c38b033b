import { readFile } from 'node:fs/promises';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DraftCommentCreate, DraftCommentParams, DraftCommentQuery, DraftCommentUpdate } from '../../contract/annotations.ts';
import { DocumentParams, DocumentVersionParams } from '../../contract/documents.ts';
import { requireUser } from '../../plugins/session.ts';
import type { DocumentService } from '../documents/service.ts';
import { stampWatermark } from '../../lib/pdf/watermark.ts';
import type { DraftCommentService } from './comments.ts';
import { drawAnnotations } from './export.ts';
import type { AnnotationService } from './service.ts';

export function annotationRoutes(annotations: AnnotationService, comments: DraftCommentService, documents: DocumentService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('preHandler', requireUser);

    app.get('/documents/:documentId/versions/:version/annotations', { schema: { params: DocumentVersionParams } }, async (request) => ({
      annotations: await annotations.list(request.session!.user, request.params.documentId, request.params.version),
    }));

    /** The document with the reader's own notes; confidential ones also carry the reader's stamp. */
    app.get('/documents/:documentId/versions/:version/annotated', { schema: { params: DocumentVersionParams } }, async (request, reply) => {
      const user = request.session!.user;
      const version = await documents.readableVersion(user, request.params.documentId, request.params.version);
      const mine = await annotations.list(user, request.params.documentId, request.params.version);
      let pdf = await drawAnnotations(await readFile(version.path), mine);
      if (version.viewOnly) pdf = await stampWatermark(pdf, [user.fullName, new Date().toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' })]);
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', `attachment; filename="ghi-chu.pdf"`)
        .header('cache-control', 'private, no-store')
        .send(Buffer.from(pdf));
    });

    app.get('/documents/:documentId/comments', { schema: { params: DocumentParams, querystring: DraftCommentQuery } }, async (request) => ({
      comments: await comments.list(request.session!.user, request.params.documentId, request.query),
    }));
    app.post('/documents/:documentId/comments', { schema: { params: DocumentParams, body: DraftCommentCreate } }, async (request, reply) =>
      reply.status(201).send({ comment: await comments.create(request.session!.user, request.params.documentId, request.body) }),
    );
    app.patch('/documents/:documentId/comments/:commentId', { schema: { params: DraftCommentParams, body: DraftCommentUpdate } }, async (request) => ({
      comment: await comments.setHandled(request.session!.user, request.params.documentId, request.params.commentId, request.body.handled),
    }));
  };
}
