/**
 * The outcome routes: issue an approved record document, sign an issued
 * document (multipart: the keystore file and its passphrase, both for this
 * one signing; no parts when the remote service signs), and its signatures'
 * report. The passphrase is read into memory for the call and never logged.
 */
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { IssuedDocumentEnvelope, IssuedDocumentParams } from '../../contract/official-docs-api.ts';
import { RecordDocumentParams } from '../../contract/record.ts';
import { IssuedSignaturesEnvelope, RecordIssue } from '../../contract/signing.ts';
import { AppError } from '../../errors.ts';
import { auditSuccessfulRoutes } from '../../plugins/audit-request.ts';
import { requireUser } from '../../plugins/session.ts';
import type { OutcomeService, SigningInput } from './service.ts';

/** A PKCS#12 keystore is a few kilobytes; a megabyte is generous and bounds what is held in memory. */
const KEYSTORE_LIMIT_BYTES = 1024 * 1024;

async function readSigningInput(request: FastifyRequest): Promise<SigningInput> {
  if (!request.isMultipart()) return {};
  const input: SigningInput = {};
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      const bytes = await part.toBuffer();
      if (part.file.truncated) throw new AppError(413, 'bodyTooLarge');
      if (part.fieldname === 'keystore') input.keystore = new Uint8Array(bytes);
    } else if (part.fieldname === 'passphrase' && typeof part.value === 'string') {
      input.passphrase = part.value;
    }
  }
  return input;
}

export function outcomeRoutes(outcome: OutcomeService): FastifyPluginAsyncTypebox {
  return async (app) => {
    await app.register(multipart, { limits: { fileSize: KEYSTORE_LIMIT_BYTES, files: 1, fields: 4, fieldSize: 4 * 1024, parts: 6 } });
    app.addHook('preHandler', requireUser);
    // on the trail: who issued and who signed (never the passphrase: it is not a route parameter)
    auditSuccessfulRoutes(app, {
      'POST /meetings/:meetingId/record/drafts/:kind/issue': { action: 'record.issued' },
      'POST /meetings/:meetingId/official-documents/:issuedId/signatures': { action: 'record.signed', target: { type: 'issuedDocument', param: 'issuedId' } },
    });

    app.post('/meetings/:meetingId/record/drafts/:kind/issue', { schema: { params: RecordDocumentParams, body: RecordIssue, response: { 201: IssuedDocumentEnvelope } } }, async (request, reply) =>
      reply.status(201).send({ document: await outcome.issue(request.session!.user, request.params.meetingId, request.params.kind, request.body) }),
    );

    const signatures = '/meetings/:meetingId/official-documents/:issuedId/signatures';
    app.get(signatures, { schema: { params: IssuedDocumentParams, response: { 200: IssuedSignaturesEnvelope } } }, async (request) =>
      outcome.signatures(request.session!.user, request.params.meetingId, request.params.issuedId),
    );
    app.post(signatures, { schema: { params: IssuedDocumentParams, response: { 201: IssuedDocumentEnvelope } } }, async (request, reply) => {
      await outcome.assertMaySign(request.session!.user, request.params.meetingId);
      const input = await readSigningInput(request);
      return reply.status(201).send({ document: await outcome.sign(request.session!.user, request.params.meetingId, request.params.issuedId, input) });
    });
  };
}
