/** The admin's trusted roots: list, add (PEM), remove. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { NoContent } from '../../contract/common.ts';
import { TrustedRootAdd, TrustedRootEnvelope, TrustedRootListEnvelope, TrustedRootParams } from '../../contract/signing.ts';
import { auditSuccessfulRoutes } from '../../plugins/audit-request.ts';
import { requireRole } from '../../plugins/session.ts';
import type { TrustedRoots } from './trusted-roots.ts';

export function trustedRootRoutes(roots: TrustedRoots): FastifyPluginAsyncTypebox {
  return async (app) => {
    const admin = requireRole('admin');
    auditSuccessfulRoutes(app, {
      'POST /admin/trusted-roots': { action: 'trustedRoot.added' },
      'DELETE /admin/trusted-roots/:id': { action: 'trustedRoot.removed', target: { type: 'trustedRoot', param: 'id' } },
    });
    app.get('/admin/trusted-roots', { preHandler: admin, schema: { response: { 200: TrustedRootListEnvelope } } }, async () => ({ roots: await roots.list() }));
    app.post('/admin/trusted-roots', { preHandler: admin, schema: { body: TrustedRootAdd, response: { 201: TrustedRootEnvelope } } }, async (request, reply) =>
      reply.status(201).send({ root: await roots.add(request.session!.user, request.body.pem) }),
    );
    app.delete('/admin/trusted-roots/:id', { preHandler: admin, schema: { params: TrustedRootParams, response: { 204: NoContent } } }, async (request, reply) => {
      await roots.remove(request.params.id);
      return reply.status(204).send();
    });
  };
}
