/**
 * Documents over HTTP. Uploads are multipart (text fields first, then one
 * file), streamed to disk. Files are served with range requests, ETag and
 * revalidation on every request, so pdf.js can open page 1 without the whole
 * file and a revoked reader is stopped at their next request. A confidential
 * document reaches a reader only as their stamped copy (its own bytes, cached,
 * so ranges work the same); the original only the secretariat.
 */
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  DocumentEnvelope,
  DocumentListEnvelope,
  DocumentParams,
  DocumentUpdate,
  DocumentUploadFields,
  DocumentVersionParams,
  DocumentSignaturesEnvelope,
  DocumentVersionsEnvelope,
  PngFile,
  RevocationBody,
  RevocationParams,
  SearchEnvelope,
  SearchQuery,
} from '../../contract/documents.ts';
import { NoContent, PdfFile } from '../../contract/common.ts';
import { MeetingParams } from '../../contract/meetings.ts';
import { compileValidator } from '../../contract/validation.ts';
import { AppError } from '../../errors.ts';
import { sendFile } from '../../lib/http/send-file.ts';
import { auditSuccessfulRoutes } from '../../plugins/audit-request.ts';
import { requireUser } from '../../plugins/session.ts';
import { accelRedirect, type FileDelivery } from './file-delivery.ts';
import { ReadOrder } from './read-order.ts';
import type { DocumentService, IncomingFile } from './service.ts';

const uploadFields = compileValidator(DocumentUploadFields);

/** Errors of a client's broken multipart body (no boundary, bare LF line breaks, cut off): its fault, answered 400. */
const brokenUploads = new WeakSet<object>();
const uploadBroken = () => new AppError(400, 'uploadMalformed');

/** Whether an error (or what caused it) came from reading the client's multipart body. */
function fromBrokenUpload(error: unknown): boolean {
  for (let current: unknown = error; typeof current === 'object' && current !== null; current = (current as { cause?: unknown }).cause) {
    if (brokenUploads.has(current)) return true;
  }
  return false;
}

/** Reads the text fields, then hands over the file stream (which must come last). */
async function readUpload(request: FastifyRequest, wantFields: boolean): Promise<{ fields: DocumentUploadFields | undefined; file: IncomingFile }> {
  const raw: Record<string, string> = {};
  try {
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
      // A body cut off while the file streams fails in the upload pipeline: remember that error as the client's.
      part.file.once('error', (error: unknown) => {
        if (typeof error === 'object' && error !== null) brokenUploads.add(error);
      });
      // When the database was slow to answer before this, the cut-off body may have failed the stream already.
      if (part.file.errored !== null) brokenUploads.add(part.file.errored);
      return { fields, file: { stream: part.file, filename: part.filename, truncated: () => part.file.truncated } };
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw uploadBroken();
  }
  throw new AppError(400, 'fileMissing', { field: 'file' });
}

/** Runs an upload; a failure caused by the client's broken body becomes a 400. */
async function receiving<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof AppError) && fromBrokenUpload(error)) throw uploadBroken();
    throw error;
  }
}

/** A stored file, whole (200) or the range asked for (206). */
const fileResponses = { 200: PdfFile, 206: PdfFile };

function contentDisposition(kind: 'inline' | 'attachment', filename: string): string {
  const ascii = filename.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').replace(/[^\x20-\x7e]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/** Reads of 512 KiB: a 30 MB PDF in 60 reads instead of 480 (the default is 64 KiB). */
const READ_CHUNK_BYTES = 512 * 1024;

export function documentRoutes(service: DocumentService, uploadLimitBytes: number, delivery: FileDelivery = { mode: 'direct' }): FastifyPluginAsyncTypebox {
  return async (app) => {
    await app.register(multipart, { limits: { fileSize: uploadLimitBytes, files: 1, fields: 20, fieldSize: 64 * 1024, parts: 25 } });
    app.addHook('preHandler', requireUser);
    const me = (request: FastifyRequest) => request.session!.user;
    auditSuccessfulRoutes(app, {
      'POST /documents/:documentId/revocations': { action: 'document.revoked', target: { type: 'document', param: 'documentId' } },
      'DELETE /documents/:documentId/revocations/:userId': { action: 'document.restored', target: { type: 'document', param: 'documentId' } },
    });

    app.get('/meetings/:meetingId/documents', { schema: { params: MeetingParams, response: { 200: DocumentListEnvelope } } }, async (request) => ({
      documents: await service.list(me(request), request.params.meetingId),
    }));

    app.post('/meetings/:meetingId/documents', { schema: { params: MeetingParams, response: { 201: DocumentEnvelope } } }, async (request, reply) => {
      if (!request.isMultipart()) throw new AppError(415, 'unsupportedMediaType');
      const document = await receiving(async () => {
        const { fields, file } = await readUpload(request, true);
        return service.create(me(request), request.params.meetingId, fields!, file);
      });
      return reply.status(201).send({ document });
    });

    app.get('/documents/:documentId', { schema: { params: DocumentParams, response: { 200: DocumentEnvelope } } }, async (request) => ({
      document: await service.get(me(request), request.params.documentId),
    }));

    app.patch('/documents/:documentId', { schema: { params: DocumentParams, body: DocumentUpdate, response: { 200: DocumentEnvelope } } }, async (request) => ({
      document: await service.update(me(request), request.params.documentId, request.body),
    }));

    app.get('/documents/:documentId/versions', { schema: { params: DocumentParams, response: { 200: DocumentVersionsEnvelope } } }, async (request) => ({
      versions: await service.versions(me(request), request.params.documentId),
    }));

    app.post('/documents/:documentId/versions', { schema: { params: DocumentParams, response: { 201: DocumentEnvelope } } }, async (request, reply) => {
      if (!request.isMultipart()) throw new AppError(415, 'unsupportedMediaType');
      const document = await receiving(async () => service.addVersion(me(request), request.params.documentId, (await readUpload(request, false)).file));
      return reply.status(201).send({ document });
    });

    // One per process: the cores and the event loop it shares out are this process's.
    const readOrder = new ReadOrder();
    const serve = (purpose: 'view' | 'download' | 'export') => async (request: FastifyRequest<{ Params: { documentId: string; version: number } }>, reply: FastifyReply) => {
      const { documentId, version } = request.params;
      // A hall's first pages before anyone's megabytes (read-order.ts).
      await readOrder.admit(request.headers.range, reply.raw);
      const session = request.session!;
      let file = await service.servedFile(session.id, session.user, documentId, version, purpose);
      // A confidential file's first request (pdf.js then reads it in ranges) goes on the audit trail.
      if (file.viewOnly && !/^bytes=(?!0-)/.test(request.headers.range ?? '')) request.audit(purpose === 'view' ? 'document.read' : purpose === 'export' ? 'document.exported' : 'document.downloaded', { targetType: 'document', targetId: documentId, details: { version } });
      const headers = (served: typeof file) => ({
        'content-type': 'application/pdf',
        'content-disposition': contentDisposition(purpose === 'view' ? 'inline' : 'attachment', served.filename),
        // Revalidate every time so a revocation takes effect at once; confidential files are never stored by the browser.
        'cache-control': served.viewOnly || served.stamped ? 'private, no-store' : 'private, no-cache',
        'x-content-type-options': 'nosniff',
      });
      // Production behind nginx: authorised here, the bytes (ranges, ETag) sent by nginx from its internal location.
      if (delivery.mode === 'x-accel') return reply.status(200).headers({ ...headers(file), 'x-accel-redirect': accelRedirect(delivery, file.path) }).send('');
      const options = (served: typeof file) => ({
        ranges: true,
        highWaterMark: READ_CHUNK_BYTES,
        notFound: () => new AppError(404, 'versionNotFound'),
        headers: headers(served),
        // Shared originals are read by the whole hall; a stamped copy has one reader, so it stays on disk.
        ...(served.stamped || delivery.memory === undefined ? {} : { memory: delivery.memory }),
      });
      try {
        return await sendFile(request, reply, file.path, options(file));
      } catch (error) {
        if (!(error instanceof AppError) || error.status !== 404) throw error;
        // A remembered stamped copy may have been swept since: ask again, once.
        file = await service.servedFile(session.id, session.user, documentId, version, purpose, true);
        return sendFile(request, reply, file.path, options(file));
      }
    };

    app.get('/documents/:documentId/versions/:version/file', { schema: { params: DocumentVersionParams, response: fileResponses } }, serve('view'));
    app.get('/documents/:documentId/versions/:version/download', { schema: { params: DocumentVersionParams, response: fileResponses } }, serve('download'));
    /** The print/export path: always the reader's stamped copy (name, unit, time), made in the worker pool. */
    app.get('/documents/:documentId/versions/:version/export', { schema: { params: DocumentVersionParams, response: fileResponses } }, serve('export'));

    app.get('/documents/:documentId/versions/:version/signatures', { schema: { params: DocumentVersionParams, response: { 200: DocumentSignaturesEnvelope } } }, async (request) => ({
      signatures: await service.signatures(me(request), request.params.documentId, request.params.version),
    }));
    app.get('/documents/:documentId/versions/:version/thumbnail', { schema: { params: DocumentVersionParams, response: { 200: PngFile } } }, async (request, reply) => {
      const thumb = await service.thumbnail(me(request), request.params.documentId, request.params.version);
      return sendFile(request, reply, thumb.path, {
        ranges: false,
        notFound: () => new AppError(404, 'versionNotFound'),
        headers: { 'content-type': 'image/png', 'cache-control': thumb.viewOnly ? 'private, no-store' : 'private, no-cache' },
      });
    });

    app.post('/documents/:documentId/revocations', { schema: { params: DocumentParams, body: RevocationBody, response: { 204: NoContent } } }, async (request, reply) => {
      await service.revoke(me(request), request.params.documentId, request.body.userId);
      return reply.status(204).send();
    });
    app.delete('/documents/:documentId/revocations/:userId', { schema: { params: RevocationParams, response: { 204: NoContent } } }, async (request, reply) => {
      await service.restore(me(request), request.params.documentId, request.params.userId);
      return reply.status(204).send();
    });

    app.get('/search', { schema: { querystring: SearchQuery, response: { 200: SearchEnvelope } } }, async (request) => ({ hits: await service.search(me(request), request.query) }));
  };
}
