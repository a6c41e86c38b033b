import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { MeetingParams } from '../../contract/meetings.ts';
import { PaperCounts, PollCreate, PollOpen, PollParams } from '../../contract/votes.ts';
import { requireUser } from '../../plugins/session.ts';
import { resultCsv } from './export.ts';
import { resultPdf } from './result-pdf.ts';
import type { VoteService } from './service.ts';

export function voteRoutes(votes: VoteService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('preHandler', requireUser);
    const me = (request: { session: { user: Parameters<VoteService['get']>[0] } | null }) => request.session!.user;

    app.get('/meetings/:meetingId/polls', { schema: { params: MeetingParams } }, async (request) => ({ polls: await votes.list(me(request), request.params.meetingId) }));
    app.post('/meetings/:meetingId/polls', { schema: { params: MeetingParams, body: PollCreate } }, async (request, reply) =>
      reply.status(201).send({ poll: await votes.create(me(request), request.params.meetingId, request.body) }),
    );
    app.get('/meetings/:meetingId/polls/:pollId', { schema: { params: PollParams } }, async (request) => ({ poll: await votes.get(me(request), request.params.meetingId, request.params.pollId) }));
    app.post('/meetings/:meetingId/polls/:pollId/open', { schema: { params: PollParams, body: PollOpen } }, async (request) => ({
      poll: await votes.open(me(request), request.params.meetingId, request.params.pollId, request.body.quorumOverrideReason),
    }));
    app.post('/meetings/:meetingId/polls/:pollId/close', { schema: { params: PollParams } }, async (request) => ({ poll: await votes.close(me(request), request.params.meetingId, request.params.pollId) }));
    app.post('/meetings/:meetingId/polls/:pollId/publish', { schema: { params: PollParams } }, async (request) => ({ poll: await votes.publish(me(request), request.params.meetingId, request.params.pollId) }));
    app.post('/meetings/:meetingId/polls/:pollId/cancel', { schema: { params: PollParams } }, async (request) => ({ poll: await votes.cancel(me(request), request.params.meetingId, request.params.pollId) }));
    app.post('/meetings/:meetingId/polls/:pollId/runoff', { schema: { params: PollParams } }, async (request, reply) =>
      reply.status(201).send({ poll: await votes.runoff(me(request), request.params.meetingId, request.params.pollId) }),
    );
    app.put('/meetings/:meetingId/polls/:pollId/paper', { schema: { params: PollParams, body: PaperCounts } }, async (request) => ({
      poll: await votes.enterPaperCounts(me(request), request.params.meetingId, request.params.pollId, request.body),
    }));
    app.get('/meetings/:meetingId/polls/:pollId/ballots', { schema: { params: PollParams } }, async (request) => ({
      ballots: await votes.publishedBallots(me(request), request.params.meetingId, request.params.pollId),
    }));
    app.get('/meetings/:meetingId/polls/:pollId/votes', { schema: { params: PollParams } }, async (request) => ({
      votes: await votes.publicVotes(me(request), request.params.meetingId, request.params.pollId),
    }));
    app.get('/meetings/:meetingId/polls/:pollId/result.csv', { schema: { params: PollParams } }, async (request, reply) => {
      const poll = await votes.get(me(request), request.params.meetingId, request.params.pollId);
      return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="ket-qua-bieu-quyet.csv"').send(resultCsv(poll));
    });
    app.get('/meetings/:meetingId/polls/:pollId/result.pdf', { schema: { params: PollParams } }, async (request, reply) => {
      const sheet = await votes.resultSheet(me(request), request.params.meetingId, request.params.pollId);
      const pdf = await resultPdf(sheet.poll, sheet.meeting, sheet.result);
      return reply.header('content-type', 'application/pdf').header('content-disposition', 'attachment; filename="ket-qua-bieu-quyet.pdf"').send(Buffer.from(pdf));
    });
  };
}
