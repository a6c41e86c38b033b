import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PdfFile } from '../../contract/common.ts';
import { MeetingParams } from '../../contract/meetings.ts';
import {
  PaperCounts,
  PollCreate,
  PollEnvelope,
  PollListEnvelope,
  PollOpen,
  PollParams,
  PublicVotesEnvelope,
  PublishedBallotsEnvelope,
  ResultCsv,
} from '../../contract/votes.ts';
import { auditSuccessfulRoutes } from '../../plugins/audit-request.ts';
import { requireUser } from '../../plugins/session.ts';
import { resultCsv } from './export.ts';
import { resultPdf } from './result-pdf.ts';
import type { VoteService } from './service.ts';

export function voteRoutes(votes: VoteService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('preHandler', requireUser);
    const poll = { type: 'poll', param: 'pollId' };
    auditSuccessfulRoutes(app, {
      'POST /meetings/:meetingId/polls/:pollId/open': { action: 'poll.opened', target: poll },
      'POST /meetings/:meetingId/polls/:pollId/close': { action: 'poll.closed', target: poll },
      'POST /meetings/:meetingId/polls/:pollId/publish': { action: 'poll.published', target: poll },
      'POST /meetings/:meetingId/polls/:pollId/cancel': { action: 'poll.cancelled', target: poll },
      'PUT /meetings/:meetingId/polls/:pollId/paper': { action: 'poll.paperCounts', target: poll },
    });
    const me = (request: { session: { user: Parameters<VoteService['get']>[0] } | null }) => request.session!.user;

    app.get('/meetings/:meetingId/polls', { schema: { params: MeetingParams, response: { 200: PollListEnvelope } } }, async (request) => ({ polls: await votes.list(me(request), request.params.meetingId) }));
    app.post('/meetings/:meetingId/polls', { schema: { params: MeetingParams, body: PollCreate, response: { 201: PollEnvelope } } }, async (request, reply) =>
      reply.status(201).send({ poll: await votes.create(me(request), request.params.meetingId, request.body) }),
    );
    app.get('/meetings/:meetingId/polls/:pollId', { schema: { params: PollParams, response: { 200: PollEnvelope } } }, async (request) => ({ poll: await votes.get(me(request), request.params.meetingId, request.params.pollId) }));
    app.post('/meetings/:meetingId/polls/:pollId/open', { schema: { params: PollParams, body: PollOpen, response: { 200: PollEnvelope } } }, async (request) => ({
      poll: await votes.open(me(request), request.params.meetingId, request.params.pollId, request.body.quorumOverrideReason),
    }));
    app.post('/meetings/:meetingId/polls/:pollId/close', { schema: { params: PollParams, response: { 200: PollEnvelope } } }, async (request) => ({ poll: await votes.close(me(request), request.params.meetingId, request.params.pollId) }));
    app.post('/meetings/:meetingId/polls/:pollId/publish', { schema: { params: PollParams, response: { 200: PollEnvelope } } }, async (request) => ({ poll: await votes.publish(me(request), request.params.meetingId, request.params.pollId) }));
    app.post('/meetings/:meetingId/polls/:pollId/cancel', { schema: { params: PollParams, response: { 200: PollEnvelope } } }, async (request) => ({ poll: await votes.cancel(me(request), request.params.meetingId, request.params.pollId) }));
    app.post('/meetings/:meetingId/polls/:pollId/runoff', { schema: { params: PollParams, response: { 201: PollEnvelope } } }, async (request, reply) =>
      reply.status(201).send({ poll: await votes.runoff(me(request), request.params.meetingId, request.params.pollId) }),
    );
    app.put('/meetings/:meetingId/polls/:pollId/paper', { schema: { params: PollParams, body: PaperCounts, response: { 200: PollEnvelope } } }, async (request) => ({
      poll: await votes.enterPaperCounts(me(request), request.params.meetingId, request.params.pollId, request.body),
    }));
    app.get('/meetings/:meetingId/polls/:pollId/ballots', { schema: { params: PollParams, response: { 200: PublishedBallotsEnvelope } } }, async (request) => ({
      ballots: await votes.publishedBallots(me(request), request.params.meetingId, request.params.pollId),
    }));
    app.get('/meetings/:meetingId/polls/:pollId/votes', { schema: { params: PollParams, response: { 200: PublicVotesEnvelope } } }, async (request) => ({
      votes: await votes.publicVotes(me(request), request.params.meetingId, request.params.pollId),
    }));
    app.get('/meetings/:meetingId/polls/:pollId/result.csv', { schema: { params: PollParams, response: { 200: ResultCsv } } }, async (request, reply) => {
      const poll = await votes.get(me(request), request.params.meetingId, request.params.pollId);
      return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="ket-qua-bieu-quyet.csv"').send(resultCsv(poll));
    });
    app.get('/meetings/:meetingId/polls/:pollId/result.pdf', { schema: { params: PollParams, response: { 200: PdfFile } } }, async (request, reply) => {
      const sheet = await votes.resultSheet(me(request), request.params.meetingId, request.params.pollId);
      const pdf = await resultPdf(sheet.poll, sheet.meeting, sheet.result);
      return reply.header('content-type', 'application/pdf').header('content-disposition', 'attachment; filename="ket-qua-bieu-quyet.pdf"').send(Buffer.from(pdf));
    });
  };
}
