/**
 * The response check the test servers run (server/plugins/response-check.ts):
 * it is what makes every integration test also a test of its routes' response
 * schemas, so it must fail an answer the schema would change or does not
 * declare, and let an exact one through untouched.
 */
import Fastify, { type FastifyInstance, type FastifySchema } from 'fastify';
import Type from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { responseCheckPlugin } from '../../server/plugins/response-check.ts';

const Answer = Type.Object({ count: Type.Integer(), note: Type.Union([Type.String(), Type.Null()]) });

describe('response check', () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = Fastify({ logger: false });
    await app.register(responseCheckPlugin);
    // Typed loosely on purpose: these routes break their schema the ways a real route could.
    const schema: FastifySchema = { response: { 200: Answer } };
    app.get('/exact', { schema }, async () => ({ count: 3, note: null }));
    app.get('/extra-field', { schema }, async () => ({ count: 3, note: 'x', secretExtra: true }));
    app.get('/coerced', { schema }, async () => ({ count: 2.5, note: 'x' }));
    app.get('/undeclared-status', { schema }, async (_request, reply) => reply.status(201).send({ count: 1, note: null }));
    app.get('/error', { schema }, async (_request, reply) => reply.status(409).send({ error: { code: 'conflict' } }));
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
  });

  it('lets an answer its schema describes exactly through unchanged', async () => {
    const response = await app.inject({ method: 'GET', url: '/exact' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ count: 3, note: null });
  });

  it('fails an answer with a field the schema would drop', async () => {
    const response = await app.inject({ method: 'GET', url: '/extra-field' });
    expect(response.statusCode).toBe(500);
    expect(response.json<{ message: string }>().message).toMatch(/^response schema mismatch: GET \/extra-field 200/);
  });

  it('fails an answer the schema would coerce', async () => {
    expect((await app.inject({ method: 'GET', url: '/coerced' })).statusCode).toBe(500);
  });

  it('fails a success sent with a status the schema does not declare', async () => {
    expect((await app.inject({ method: 'GET', url: '/undeclared-status' })).statusCode).toBe(500);
  });

  it('leaves error answers alone (the error handler builds them from ErrorBody)', async () => {
    const response = await app.inject({ method: 'GET', url: '/error' });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toEqual({ error: { code: 'conflict' } });
  });
});
