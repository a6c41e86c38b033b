/**
 * Starts the real app (real Fastify, real Socket.io, real database) on an
 * ephemeral port, the way main.ts does, and gives tests a small HTTP client
 * that keeps cookies like a browser.
 */
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.ts';
import { prepareDatabase } from '../../server/bootstrap.ts';
import { loadConfig, type Config } from '../../server/config.ts';
import type { Database } from '../../server/db/client.ts';
import type { TestDatabase } from './database.ts';

export type TestServer = {
  app: FastifyInstance;
  database: Database;
  config: Config;
  url: string;
  /** every log line the server wrote, parsed */
  logs: Record<string, unknown>[];
  close(): Promise<void>;
};

/**
 * `port` 0 picks a free one; a restart test passes the old port so browsers reconnect to the same address.
 * `host`: the address to listen on and to put in `url` (a browser in another network namespace reaches the app there).
 */
export async function startTestServer(db: TestDatabase, env: Record<string, string> = {}, options: { web?: boolean; port?: number; host?: string } = {}): Promise<TestServer> {
  const host = options.host ?? '127.0.0.1';
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: db.dataDir,
    ...(db.databaseUrl === undefined ? {} : { DATABASE_URL: db.databaseUrl }),
    LOG_LEVEL: 'info',
    DEMO_DATA: 'true',
    // The tests were written against the three-level demo (districts and their endpoints); demo-data.test.ts covers both.
    DEMO_STRUCTURE: 'three-level',
    ...env,
  });
  const logs: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const { database } = await prepareDatabase(config);
  // A start-up check that refuses (e.g. a missing ballot key) leaves the database closed, as main.ts does.
  const app = await buildApp({ config, database, logger: { level: config.logLevel, stream }, web: options.web ?? false, checkResponses: true }).catch(async (error: unknown) => {
    await database.close();
    throw error;
  });
  await app.listen({ port: options.port ?? 0, host });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('server did not bind a TCP port');
  let closed = false;
  return {
    app,
    database,
    config,
    url: `http://${host}:${address.port}`,
    logs,
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      await database.close();
    },
  };
}

export type JsonResponse<T = Record<string, unknown>> = { status: number; body: T; headers: Headers };

/** A client with its own cookie jar, like one browser. */
export class TestClient {
  baseUrl: string;
  cookies = new Map<string, string>();
  /** Origin header sent on writes, as a browser on our own page would */
  origin: string | undefined;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl;
    this.origin = baseUrl;
  }

  get cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  async request<T = Record<string, unknown>>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<JsonResponse<T>> {
    const init: RequestInit = { method, headers: { ...headers }, redirect: 'manual' };
    const h = init.headers as Record<string, string>;
    if (this.cookies.size > 0) h.cookie = this.cookieHeader;
    if (body !== undefined) {
      h['content-type'] = 'application/json';
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
    }
    if (method !== 'GET' && this.origin !== undefined && h.origin === undefined) h.origin = this.origin;
    const response = await fetch(this.baseUrl + path, init);
    for (const setCookie of response.headers.getSetCookie()) {
      const [pair] = setCookie.split(';');
      const [name, ...rest] = (pair ?? '').split('=');
      const value = rest.join('=');
      const expired = /expires=Thu, 01 Jan 1970/i.test(setCookie) || value === '';
      if (name === undefined) continue;
      if (expired) this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value);
    }
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: (text === '' ? {} : JSON.parse(text)) as T };
  }

  /** A multipart upload, as a browser's FormData would send it. */
  async upload<T = Record<string, unknown>>(path: string, fields: Record<string, string>, file?: { bytes: Uint8Array; filename: string; type?: string }): Promise<JsonResponse<T>> {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    if (file !== undefined) form.append('file', new Blob([new Uint8Array(file.bytes)], { type: file.type ?? 'application/pdf' }), file.filename);
    const headers: Record<string, string> = { cookie: this.cookieHeader };
    if (this.origin !== undefined) headers.origin = this.origin;
    const response = await fetch(this.baseUrl + path, { method: 'POST', body: form, headers });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: (text === '' ? {} : JSON.parse(text)) as T };
  }

  /** A raw GET that returns bytes (documents, thumbnails). */
  async fetchRaw(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(this.baseUrl + path, { headers: { cookie: this.cookieHeader, ...headers } });
  }

  get<T = Record<string, unknown>>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = Record<string, unknown>>(path: string, body?: unknown) {
    return this.request<T>('POST', path, body ?? {});
  }
  patch<T = Record<string, unknown>>(path: string, body: unknown) {
    return this.request<T>('PATCH', path, body);
  }

  async login(username: string, password: string): Promise<JsonResponse> {
    return this.post('/api/v1/auth/login', { username, password });
  }
}

export { DEMO_PASSWORD } from '../../server/db/seed/demo-data.ts';
