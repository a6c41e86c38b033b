/**
 * Issue 11, acceptance 3: the authorization matrix. Every REST route and
 * socket event of `app.catalog`, called by each kind of caller (admin, the
 * meeting's secretariat, a commune's secretariat, chair, delegate, guest, a
 * hall endpoint's account, a paired display, nobody) on their own meeting and
 * document and on a foreign one, with a valid request, answers as the one
 * table (`tests/helpers/authorization-table.ts`) says. Every cell where a
 * caller reads or changes what it should not is listed, and there must be
 * none; so must every cell where a caller is refused what the table grants.
 *
 * Each caller starts on new meetings, goes through every socket event (the
 * meeting closed last) and then every route: what a chair or a secretary
 * changes (a closed poll, a revoked reader) never changes another's cells.
 */
import fc from 'fast-check';
import { io, type Socket } from 'socket.io-client';
import type { TSchema } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACK_TIMEOUT_MS, type Ack } from '../../server/contract/realtime.ts';
import { compileValidator } from '../../server/contract/validation.ts';
import { CALLERS, DISPLAY_EVENT_RULES, EVENT_RULES, expected, observedAck, observedRest, ROUTE_RULES, SCOPES, type Caller, type Expectation, type Outcome, type Rule, type Scope } from '../helpers/authorization-table.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { validArbitrary } from '../helpers/fuzz.ts';
import { setUpMatrixWorld, type MatrixWorld } from '../helpers/authorization-world.ts';
import { startTestServer, type TestClient, type TestServer } from '../helpers/server.ts';
import { connectSocket, connected, type ClientSocket } from '../helpers/socket.ts';

type Cell = { caller: Caller; scope: Scope; call: string; rule: Rule; expected: Expectation; observed: Outcome; answer: string };

/** Replaces every id field in `value` with the one of this scope, so a call names the meeting, document or poll meant. */
function pin(value: unknown, ids: Readonly<Record<string, string | number>>, touched: { any: boolean }): unknown {
  if (Array.isArray(value)) return value.map((item) => pin(item, ids, touched));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (OMITTED.has(key)) continue;
    if (key in ids && (typeof item === 'string' || typeof item === 'number')) {
      out[key] = ids[key];
      touched.any ||= SCOPED_FIELDS.has(key);
    } else out[key] = pin(item, ids, touched);
  }
  return out;
}
/** Fields whose value differs between the own and the foreign scope. */
const SCOPED_FIELDS = new Set(['meetingId', 'documentId', 'pollId', 'endpointId', 'organizerUnitId']);
/** Optional fields left out: voting for someone else (a proxy) is another matter than voting. */
const OMITTED = new Set(['voterUserId']);

/** A value of the schema that the server's own validator accepts, its ids pinned (several seeds, the first that validates). */
function validInput(schema: TSchema | undefined, ids: Readonly<Record<string, string | number>>, seed: number, touched: { any: boolean }): unknown {
  if (schema === undefined) return undefined;
  const validator = compileValidator(schema);
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const [sample] = fc.sample(validArbitrary(schema as Parameters<typeof validArbitrary>[0]), { numRuns: 1, seed: seed + attempt * 7919 });
    const pinned = pin(sample, ids, touched);
    if (validator.check(pinned).ok) return pinned;
  }
  throw new Error(`no valid input found for ${JSON.stringify(schema).slice(0, 200)}`);
}

const fillPath = (url: string, params: unknown) =>
  url.replace(/:([A-Za-z]+)/g, (_m, name: string) => encodeURIComponent(String((params as Record<string, unknown> | undefined)?.[name] ?? '')));
const queryString = (query: unknown) =>
  query === undefined ? '' : `?${new URLSearchParams(Object.entries(query as Record<string, unknown>).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString()}`;

/** One request as this client's browser would send it; the status and the error code, if any. */
async function send(client: TestClient, method: string, path: string, body: unknown): Promise<{ status: number; code: string | undefined }> {
  const headers: Record<string, string> = {};
  if (client.cookies.size > 0) headers.cookie = client.cookieHeader;
  if (method !== 'GET' && client.origin !== undefined) headers.origin = client.origin;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(client.baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), redirect: 'manual' });
  const text = (response.headers.get('content-type') ?? '').includes('json') ? await response.text() : (await response.arrayBuffer(), '');
  const code = text === '' ? undefined : (JSON.parse(text) as { error?: { code?: string } }).error?.code;
  return { status: response.status, code };
}

describe('authorization matrix', () => {
  let db: TestDatabase;
  let server: TestServer;
  let world: MatrixWorld;
  const cells: Cell[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db, {
      // The matrix makes thousands of calls: the limits (tested in limits.test.ts) would only hide what is behind them.
      RATE_LIMIT_PER_USER_PER_MINUTE: '1000000',
      RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '1000000',
      MAX_SOCKETS_PER_USER: '1000',
      MEDIA_WORKERS: '1',
      MEDIA_LISTEN_IP: '127.0.0.1',
      MEDIA_WEBRTC_PORT: '41000-41999',
    });
    world = await setUpMatrixWorld(server.url);
  }, 120_000);

  afterAll(async () => {
    world?.close();
    await server?.close();
    await db?.drop();
  });

  it('names a rule for every route and event', () => {
    const routes = server.app.catalog.routes.filter((r) => r.url.startsWith('/api/v1/') && !r.url.endsWith('*') && r.method !== 'HEAD').map((r) => `${r.method} ${r.url}`);
    expect(routes.filter((r) => ROUTE_RULES[r] === undefined)).toEqual([]);
    const events = server.app.catalog.socketEvents().map((e) => e.event);
    expect(events.filter((e) => EVENT_RULES[e] === undefined)).toEqual([]);
  });

  it('nobody connects a socket without a session, and a user cookie opens no display socket', async () => {
    await expect(connected(connectSocket(server.url))).rejects.toThrow(/unauthenticated/);
    const display = io(`${server.url}/display`, { path: '/socket.io', transports: ['websocket'], extraHeaders: { cookie: world.clients.get('chair')!.cookieHeader, origin: server.url }, reconnection: false, forceNew: true });
    await expect(connected(display)).rejects.toThrow(/displayUnpaired/);
    display.disconnect();
  });

  it(
    'every caller reads and changes only what the table allows them',
    async () => {
      const routes = server.app.catalog.routes.filter((r) => r.url.startsWith('/api/v1/') && r.method !== 'HEAD' && ROUTE_RULES[`${r.method} ${r.url}`] !== undefined);
      // The conference join comes last among the events (and a leave after it): before it nobody has a peer to act on.
      const events = server.app.catalog
        .socketEvents()
        .filter((e) => EVENT_RULES[e.event] !== undefined)
        .sort((a, b) => rank(a.event) - rank(b.event));
      let seed = 20261205;
      for (const caller of CALLERS) {
        await world.stage();
        const socket = world.sockets.get(caller);
        if (socket !== undefined) {
          for (const { event, schema } of events) {
            for (const scope of SCOPES) {
              seed += 1;
              const touched = { any: false };
              const payload = validInput(schema, world.ids(scope), seed, touched);
              if (scope === 'foreign' && !touched.any) continue;
              const answer = await ask(world.sockets.get(caller)!, event, payload);
              const rule = EVENT_RULES[event]!;
              cells.push({ caller, scope, call: event, rule, expected: expected(rule, caller, scope), observed: observedAck(answer), answer: answer.ok ? 'ok' : answer.error.code });
            }
          }
        }
        for (const route of routes) {
          const client = world.clients.get(caller)!;
          const call = `${route.method} ${route.url}`;
          const rule = ROUTE_RULES[call]!;
          for (const scope of SCOPES) {
            seed += 1;
            const ids = route.url.startsWith('/api/v1/units') ? { ...world.ids(scope), id: world.ids(scope).unitId! } : world.ids(scope);
            const touched = { any: false };
            const params = validInput(route.schema?.params, ids, seed, touched);
            const query = validInput(route.schema?.querystring, ids, seed + 1, touched);
            const body = validInput(route.schema?.body, ids, seed + 2, touched);
            if (scope === 'foreign' && !touched.any) continue; // nothing of a meeting named: one cell is enough
            const path = fillPath(route.url, params) + queryString(query);
            const answer = route.method === 'POST' && route.schema?.body === undefined && route.url.includes('ocument')
              ? await world.upload(client, path)
              : await send(client, route.method, path, route.method === 'GET' || route.method === 'DELETE' ? undefined : (body ?? {}));
            const observed = call === 'POST /api/v1/auth/login' && answer.code === 'loginFailed' ? 'allow' : observedRest(answer.status, answer.code);
            cells.push({ caller, scope, call, rule, expected: expected(rule, caller, scope), observed, answer: `${answer.status} ${answer.code ?? ''}` });
            if (route.url.startsWith('/api/v1/auth/logout')) await world.relogin(caller);
          }
        }
        const screen = world.displaySocket;
        if (caller === 'display' && screen !== undefined) {
          for (const [event, rule] of Object.entries(DISPLAY_EVENT_RULES)) {
            for (const scope of SCOPES) {
              const answer = await ask(screen, event, { meetingId: world.ids(scope).meetingId });
              cells.push({ caller, scope, call: `/display ${event}`, rule, expected: expected(rule, caller, scope), observed: observedAck(answer), answer: answer.ok ? 'ok' : answer.error.code });
            }
          }
        }
      }

      const leaks = cells.filter((c) => c.expected === 'deny' && c.observed === 'allow');
      const refusals = cells.filter((c) => c.expected === 'allow' && c.observed === 'deny');
      const line = (c: Cell) => `${c.caller.padEnd(16)} ${c.scope.padEnd(7)} ${c.call.padEnd(64)} ${c.rule.padEnd(11)} → ${c.answer}`;
      if (leaks.length > 0) console.log(`Cells where a caller reads or changes what it should not:\n${leaks.map(line).join('\n')}`);
      if (refusals.length > 0) console.log(`Cells where a caller is refused what the table grants:\n${refusals.map(line).join('\n')}`);
      expect(cells.length).toBeGreaterThan(1000);
      expect(leaks.map(line)).toEqual([]);
      expect(refusals.map(line)).toEqual([]);
    },
    10 * 60_000,
  );

  function rank(event: string): number {
    // Joining comes after every call on a peer; closing the meeting after everything else.
    return ({ 'conference:join': 1, 'conference:leave': 2, 'meeting:close': 3 } as Record<string, number>)[event] ?? 0;
  }

  /** The call's answer; a rate-limited call is sent again once the socket's budget has refilled (30 calls a second). */
  async function ask(socket: ClientSocket | Socket, event: string, payload: unknown): Promise<Ack<unknown>> {
    for (;;) {
      const caller = socket.timeout(ACK_TIMEOUT_MS) as unknown as { emitWithAck(event: string, payload: unknown): Promise<Ack<unknown>> };
      const answer = await caller.emitWithAck(event, payload).catch((error: unknown) => ({ ok: false as const, error: { code: 'no-answer', message: String(error) } }));
      if (answer.ok || answer.error.code !== 'rateLimited') return answer;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
});

