import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AttendanceCsv,
  ItemConclusionUpdate,
  ItemNoteUpdate,
  RecordDocumentEnvelope,
  RecordDocumentParams,
  RecordEnvelope,
  RecordItemEnvelope,
  RecordItemParams,
  RecordParams,
  RecordPreviewEnvelope,
  RecordTaskEnvelope,
  RecordTaskParams,
  RecordTasksEnvelope,
  RecordUnitsEnvelope,
  RecordVersionEnvelope,
  RecordVersionParams,
  RecordVersionSave,
  TaskStatusUpdate,
} from '../../contract/record.ts';
import { PdfFile } from '../../contract/common.ts';
import { attendanceCsv, attendancePdf } from './attendance-report.ts';
import { requireUser } from '../../plugins/session.ts';
import type { RecordService } from './service.ts';

export function recordRoutes(record: RecordService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('preHandler', requireUser);
    const base = '/meetings/:meetingId/record';

    app.get(base, { schema: { params: RecordParams, response: { 200: RecordEnvelope } } }, async (request) => ({
      items: await record.items(request.session!.user, request.params.meetingId),
    }));
    app.put(`${base}/items/:itemId/note`, { schema: { params: RecordItemParams, body: ItemNoteUpdate, response: { 200: RecordItemEnvelope } } }, async (request) => ({
      item: await record.saveNote(request.session!.user, request.params.meetingId, request.params.itemId, request.body),
    }));
    app.put(`${base}/items/:itemId/conclusion`, { schema: { params: RecordItemParams, body: ItemConclusionUpdate, response: { 200: RecordItemEnvelope } } }, async (request) => ({
      item: await record.saveConclusion(request.session!.user, request.params.meetingId, request.params.itemId, request.body),
    }));
    app.get(`${base}/units`, { schema: { params: RecordParams, response: { 200: RecordUnitsEnvelope } } }, async (request) => ({
      units: await record.taskUnits(request.session!.user, request.params.meetingId),
    }));
    app.get(`${base}/tasks`, { schema: { params: RecordParams, response: { 200: RecordTasksEnvelope } } }, async (request) => ({
      tasks: await record.tasks(request.session!.user, request.params.meetingId),
    }));
    app.patch(`${base}/tasks/:taskId`, { schema: { params: RecordTaskParams, body: TaskStatusUpdate, response: { 200: RecordTaskEnvelope } } }, async (request) => ({
      task: await record.setTaskStatus(request.session!.user, request.params.meetingId, request.params.taskId, request.body.status),
    }));

    // The attendance report, beside each poll's result sheet on the record page.
    app.get(`${base}/attendance.csv`, { schema: { params: RecordParams, response: { 200: AttendanceCsv } } }, async (request, reply) => {
      const facts = await record.attendanceFacts(request.session!.user, request.params.meetingId);
      return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="diem-danh.csv"').send(attendanceCsv(facts));
    });
    app.get(`${base}/attendance.pdf`, { schema: { params: RecordParams, response: { 200: PdfFile } } }, async (request, reply) => {
      const pdf = await attendancePdf(await record.attendanceFacts(request.session!.user, request.params.meetingId));
      return reply.header('content-type', 'application/pdf').header('content-disposition', 'attachment; filename="diem-danh.pdf"').send(Buffer.from(pdf));
    });

    app.get(`${base}/drafts/:kind`, { schema: { params: RecordDocumentParams, response: { 200: RecordDocumentEnvelope } } }, async (request) =>
      record.document(request.session!.user, request.params.meetingId, request.params.kind),
    );
    app.get(`${base}/drafts/:kind/preview`, { schema: { params: RecordDocumentParams, response: { 200: RecordPreviewEnvelope } } }, async (request) => ({
      content: await record.preview(request.session!.user, request.params.meetingId, request.params.kind),
    }));
    app.get(`${base}/drafts/:kind/approved`, { schema: { params: RecordDocumentParams, response: { 200: RecordVersionEnvelope } } }, async (request) => ({
      document: await record.approved(request.session!.user, request.params.meetingId, request.params.kind),
    }));
    app.get(`${base}/drafts/:kind/versions/:version`, { schema: { params: RecordVersionParams, response: { 200: RecordVersionEnvelope } } }, async (request) => ({
      document: await record.version(request.session!.user, request.params.meetingId, request.params.kind, request.params.version),
    }));
    app.post(`${base}/drafts/:kind/build`, { schema: { params: RecordDocumentParams, response: { 201: RecordVersionEnvelope } } }, async (request, reply) =>
      reply.status(201).send({ document: await record.build(request.session!.user, request.params.meetingId, request.params.kind) }),
    );
    app.post(`${base}/drafts/:kind/versions`, { schema: { params: RecordDocumentParams, body: RecordVersionSave, response: { 201: RecordVersionEnvelope } } }, async (request, reply) =>
      reply.status(201).send({ document: await record.save(request.session!.user, request.params.meetingId, request.params.kind, request.body) }),
    );
    app.post(`${base}/drafts/:kind/versions/:version/approve`, { schema: { params: RecordVersionParams, response: { 200: RecordVersionEnvelope } } }, async (request) => ({
      document: await record.approve(request.session!.user, request.params.meetingId, request.params.kind, request.params.version),
    }));
  };
}
