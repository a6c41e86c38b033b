import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Health } from '../../contract/system.ts';
import type { Database } from '../../db/client.ts';
import { APP_VERSION } from '../../version.ts';

const startedAt = Date.now();

/** What the system module asks of others: whether demo accounts are still usable (the auth module). */
export type SystemDeps = { database: Database; auth: { demoAccountsExist(): Promise<boolean> } };

/** Health for load balancers and `npm start`: is the database answering, which version runs, are demo accounts live. */
export const systemRoutes = ({ database, auth }: SystemDeps): FastifyPluginAsyncTypebox => async (app) => {
  app.get('/health', { schema: { response: { 200: Health, 503: Health } } }, async (_request, reply) => {
    const began = performance.now();
    let databaseOk = true;
    try {
      await database.sql`select 1`;
    } catch (error) {
      databaseOk = false;
      app.log.error({ err: error }, 'health check: database unreachable');
    }
    const latencyMs = Math.round((performance.now() - began) * 10) / 10;
    let demoAccounts = false;
    if (databaseOk) {
      try {
        demoAccounts = await auth.demoAccountsExist();
      } catch (error) {
        app.log.warn({ err: error }, 'health check: demo accounts unknown');
      }
    }
    return reply.status(databaseOk ? 200 : 503).send({
      status: databaseOk ? 'ok' : 'degraded',
      version: APP_VERSION,
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      database: { kind: database.kind, ok: databaseOk, latencyMs },
      demoAccounts,
    });
  });
};
