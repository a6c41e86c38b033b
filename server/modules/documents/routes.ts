/**
 * Documents over HTTP. Uploads are multipart (text fields first, then one
 * file), streamed to disk. Files are served with range requests, ETag and
 * revalidation on every request, so pdf.js can open page 1 without the whole
 * file and a revoked reader is stopped at their next request.
 */
import multipart from '@fastify/multipart';
import send from '@fastify/send';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import {
  DocumentParams,
  DocumentUpdate,
  DocumentUploadFields,
  DocumentVersionParams,
  RevocationBody,
  RevocationParams,
  SearchQuery,
} from '../../contract/documents.ts';
import { MeetingParams } from '../../contract/meetings.ts';
import { compileValidator } from '../../contract/validation.ts';
import { AppError } from '../../errors.ts';
import { requireUser } from '../../plugins/session.ts';
import { stampWatermark } from '../../lib/pdf/watermark.ts';
import type { DocumentService, IncomingFile } from './service.ts';

const uploadFields = compileValidator(DocumentUploadFields);

/** Reads the text fields, then hands over the file stream (which must come last). */
async function readUpload(request: FastifyRequest, wantFields: boolean): Promise<{ fields: DocumentUploadFields | undefined; file: IncomingFile }> {
  const raw: Record<string, string> = {};
  for await (const part of request.parts()) {
    if (part.type === 'field') {
      if (typeof part.value === 'string') raw[part.fieldname] = part.value;
      continue;
    }
    let fields: DocumentUploadFields | undefined;
    if (wantFields) {
      const checked = uploadFields.check(raw);
      if (!checked.ok) {
        part.file.resume(); // drain, so the client sees our 400 instead of a reset
        throw new AppError(400, 'validation', { issues: checked.issues });
      }
      fields = checked.value;
    }
    return { fields, file: { stream: part.file, filename: part.filename, truncated: () => part.file.truncated } };
  }
  throw new AppError(400, 'fileMissing', { field: 'file' });
}

function contentDisposition(kind: 'inline' | 'attachment', filename: string): string {
  const ascii = filename.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').replace(/[^\x20-\x7e]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

export function documentRoutes(service: DocumentService, uploadLimitBytes: number): FastifyPluginAsyncTypebox {
  return async (app) => {
    await app.register(multipart, { limits: { fileSize: uploadLimitBytes, files: 1, fields: 20, fieldSize: 64 * 1024, parts: 25 } });
    app.addHook('preHandler', requireUser);
    const me = (request: FastifyRequest) => request.session!.user;

    app.get('/meetings/:meetingId/documents', { schema: { params: MeetingParams } }, async (request) => ({
      documents: await service.list(me(request), request.params.meetingId),
    }));

    app.post('/meetings/:meetingId/documents', { schema: { params: MeetingParams } }, async (request, reply) => {
      if (!request.isMultipart()) throw new AppError(415, 'unsupportedMediaType');
      const { fields, file } = await readUpload(request, true);
      const document = await service.create(me(request), request.params.meetingId, fields!, file);
      return reply.status(201).send({ document });
    });

    app.get('/documents/:documentId', { schema: { params: DocumentParams } }, async (request) => ({
      document: await service.get(me(request), request.params.documentId),
    }));

    app.patch('/documents/:documentId', { schema: { params: DocumentParams, body: DocumentUpdate } }, async (request) => ({
      document: await service.update(me(request), request.params.documentId, request.body),
    }));

    app.get('/documents/:documentId/versions', { schema: { params: DocumentParams } }, async (request) => ({
      versions: await service.versions(me(request), request.params.documentId),
    }));

    app.post('/documents/:documentId/versions', { schema: { params: DocumentParams } }, async (request, reply) => {
      if (!request.isMultipart()) throw new AppError(415, 'unsupportedMediaType');
      const { file } = await readUpload(request, false);
      return reply.status(201).send({ document: await service.addVersion(me(request), request.params.documentId, file) });
    });

    const serve = (purpose: 'view' | 'download') => async (request: FastifyRequest<{ Params: { documentId: string; version: number } }>, reply: import('fastify').FastifyReply) => {
      const file = await service.file(me(request), request.params.documentId, request.params.version, purpose);
      const result = await send(request.raw, file.path, { acceptRanges: true, etag: true, lastModified: false, cacheControl: false });
      if (result.type === 'error') {
        if (result.statusCode !== 416) throw new AppError(404, 'versionNotFound');
        // Range outside the file: say so, with its real length, as RFC 9110 asks.
        return reply.status(416).headers(result.headers).send();
      }
      reply.status(result.statusCode);
      for (const [name, value] of Object.entries(result.headers)) if (value !== undefined) reply.header(name, value);
      reply.header('content-type', 'application/pdf');
      reply.header('content-disposition', contentDisposition(purpose === 'view' ? 'inline' : 'attachment', file.filename));
      // Revalidate every time so a revocation takes effect at once; confidential files are never stored by the browser.
      reply.header('cache-control', file.viewOnly ? 'private, no-store' : 'private, no-cache');
      reply.header('x-content-type-options', 'nosniff');
      return reply.send(result.stream);
    };

    app.get('/documents/:documentId/versions/:version/file', { schema: { params: DocumentVersionParams } }, serve('view'));
    app.get('/documents/:documentId/versions/:version/download', { schema: { params: DocumentVersionParams } }, serve('download'));

    /** The print/export path: always stamped with the reader's name and the time. */
    app.get('/documents/:documentId/versions/:version/export', { schema: { params: DocumentVersionParams } }, async (request, reply) => {
      const user = me(request);
      const file = await service.file(user, request.params.documentId, request.params.version, 'view');
      const { readFile } = await import('node:fs/promises');
      const stamped = await stampWatermark(await readFile(file.path), [
        user.fullName,
        new Date().toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' }),
      ]);
      request.log.info({ documentId: request.params.documentId, version: request.params.version, userId: user.id }, 'document exported with watermark');
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', contentDisposition('attachment', file.filename))
        .header('cache-control', 'private, no-store')
        .send(Buffer.from(stamped));
    });

    app.get('/documents/:documentId/versions/:version/thumbnail', { schema: { params: DocumentVersionParams } }, async (request, reply) => {
      const thumb = await service.thumbnail(me(request), request.params.documentId, request.params.version);
      const result = await send(request.raw, thumb, { etag: true, lastModified: false, cacheControl: false });
      if (result.type === 'error') throw new AppError(404, 'versionNotFound');
      reply.status(result.statusCode);
      for (const [name, value] of Object.entries(result.headers)) if (value !== undefined) reply.header(name, value);
      return reply.header('content-type', 'image/png').header('cache-control', 'private, no-cache').send(result.stream);
    });

    app.post('/documents/:documentId/revocations', { schema: { params: DocumentParams, body: RevocationBody } }, async (request, reply) => {
      await service.revoke(me(request), request.params.documentId, request.body.userId);
      return reply.status(204).send();
    });
    app.delete('/documents/:documentId/revocations/:userId', { schema: { params: RevocationParams } }, async (request, reply) => {
      await service.restore(me(request), request.params.documentId, request.params.userId);
      return reply.status(204).send();
    });

    app.get('/search', { schema: { querystring: SearchQuery } }, async (request) => ({ hits: await service.search(me(request), request.query) }));
  };
}
