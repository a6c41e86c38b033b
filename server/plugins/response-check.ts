/**
 * A check for tests, off in production: every JSON answer of a route must be
 * declared in its response schema, for the status it is sent with, and the
 * schema must not change it. Fastify serialises with fast-json-stringify,
 * which silently drops a property the schema does not name and coerces a
 * value to the declared type; a DTO that grows a field its schema lacks would
 * then lose it on the wire without any type error. Here such an answer fails
 * the request (a 500 logged as "response schema mismatch"), so the test that
 * makes the call fails.
 *
 * Error answers (4xx, 5xx) are built by the error handler from ErrorBody and
 * sent through JSON.stringify; only successes are held to a route's schema.
 */
import { isDeepStrictEqual } from 'node:util';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export const responseCheckPlugin = fp(async (app: FastifyInstance) => {
  app.addHook('preSerialization', async (request, reply, payload: unknown) => {
    const status = reply.statusCode;
    if (status < 200 || status >= 300 || reply.routeOptions.url === undefined) return payload;
    const route = `${request.method} ${reply.routeOptions.url}`;
    const serialize = reply.getSerializationFunction(String(status));
    if (serialize === undefined) throw new Error(`response schema mismatch: ${route} answered ${status}, which its schema does not declare`);
    // Fastify runs this hook only for payloads it serialises (objects and arrays), never strings, buffers or streams.
    const sent: unknown = JSON.parse(serialize(payload as Record<string, unknown>));
    const plain: unknown = JSON.parse(JSON.stringify(payload));
    if (!isDeepStrictEqual(sent, plain)) {
      throw new Error(`response schema mismatch: ${route} ${status} would send ${JSON.stringify(sent)} instead of ${JSON.stringify(plain)}`);
    }
    return payload;
  });
});
