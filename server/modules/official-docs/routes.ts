import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { PdfFile } from '../../contract/common.ts';
import {
  DOCX_MEDIA_TYPE,
  DocxFile,
  IssuedDocumentEnvelope,
  IssuedDocumentListEnvelope,
  IssuedDocumentParams,
  OfficialDocumentIssue,
  OfficialDocumentMeetingParams,
  OfficialDocumentPreview,
} from '../../contract/official-docs-api.ts';
import { requireUser } from '../../plugins/session.ts';
import type { OfficialDocsService } from './service.ts';

function sendFile(reply: FastifyReply, bytes: Uint8Array, type: string, filename: string) {
  return reply
    .header('content-type', type)
    .header('content-length', bytes.byteLength)
    .header('content-disposition', `attachment; filename="${filename}"`)
    .header('cache-control', 'private, no-store')
    .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

/** "BB-UBND-07-2026.pdf": ASCII only, so the header needs no encoding. */
const fileName = (symbol: string, number: number, year: number, ext: string) =>
  `${symbol.replace(/Đ/g, 'D').replace(/[^A-Za-z0-9-]/g, '-')}-${String(number).padStart(2, '0')}-${year}.${ext}`;

export function officialDocRoutes(docs: OfficialDocsService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('preHandler', requireUser);
    const base = '/meetings/:meetingId/official-documents';

    app.post(`${base}/preview/pdf`, { schema: { params: OfficialDocumentMeetingParams, body: OfficialDocumentPreview, response: { 200: PdfFile } } }, async (request, reply) =>
      sendFile(reply, await docs.previewPdf(request.session!.user, request.params.meetingId, request.body.document), 'application/pdf', 'ban-nhap.pdf'),
    );
    app.post(`${base}/preview/docx`, { schema: { params: OfficialDocumentMeetingParams, body: OfficialDocumentPreview, response: { 200: DocxFile } } }, async (request, reply) =>
      sendFile(reply, await docs.previewDocx(request.session!.user, request.params.meetingId, request.body.document), DOCX_MEDIA_TYPE, 'ban-nhap.docx'),
    );

    app.post(base, { schema: { params: OfficialDocumentMeetingParams, body: OfficialDocumentIssue, response: { 201: IssuedDocumentEnvelope } } }, async (request, reply) =>
      reply.status(201).send({ document: await docs.issue(request.session!.user, request.params.meetingId, request.body) }),
    );
    app.get(base, { schema: { params: OfficialDocumentMeetingParams, response: { 200: IssuedDocumentListEnvelope } } }, async (request) => ({
      documents: await docs.list(request.session!.user, request.params.meetingId),
    }));

    app.get(`${base}/:issuedId/pdf`, { schema: { params: IssuedDocumentParams, response: { 200: PdfFile } } }, async (request, reply) => {
      const { document, pdf } = await docs.issuedPdf(request.session!.user, request.params.meetingId, request.params.issuedId);
      return sendFile(reply, pdf, 'application/pdf', fileName(document.symbol, document.number, document.year, 'pdf'));
    });
    app.get(`${base}/:issuedId/docx`, { schema: { params: IssuedDocumentParams, response: { 200: DocxFile } } }, async (request, reply) => {
      const { document, docx } = await docs.issuedDocx(request.session!.user, request.params.meetingId, request.params.issuedId);
      return sendFile(reply, docx, DOCX_MEDIA_TYPE, fileName(document.symbol, document.number, document.year, 'docx'));
    });
  };
}
