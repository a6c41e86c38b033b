/**
 * Issue 10, acceptance 3: every REST route declares the schema of its success
 * answer, so the answer is typed and serialised from the contract (and the
 * web client reads its envelope types from the same schemas). Together with
 * the response check the test servers run (server/plugins/response-check.ts:
 * an answer with an undeclared status, or one the schema would change, fails
 * the request), every route is held to what its schema says.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

/** The catch-all routes that answer routeNotFound: no success to describe. */
const NOT_FOUND_ROUTES = new Set(['/api/v1/*', '/api/*']);

describe('response schemas', () => {
  let db: TestDatabase;
  let server: TestServer;

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db);
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('every API route declares a schema for a 2xx answer', () => {
    const routes = server.app.catalog.routes.filter((route) => route.url.startsWith('/api/') && !NOT_FOUND_ROUTES.has(route.url));
    // The whole API, not a stray few: a broken catalog would make this test pass on nothing.
    expect(routes.length).toBeGreaterThan(60);
    const missing = routes
      .filter((route) => !Object.keys(route.schema?.response ?? {}).some((status) => /^2(\d\d|xx)$/.test(status)))
      .map((route) => `${route.method} ${route.url}`);
    expect(missing).toEqual([]);
  });
});
