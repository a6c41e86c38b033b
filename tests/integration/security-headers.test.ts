/**
 * Security headers (issue 11, finding 12): every response (API answers,
 * errors, the web app) carries nosniff, same-origin referrer and opener
 * policies, no framing and the Permissions-Policy; the API's CSP is
 * `default-src 'none'`, while the web route leaves the CSP to SvelteKit
 * (never two); HSTS only when PUBLIC_URL is https. All fail on the old code,
 * which sent none of these.
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { API_CSP, PERMISSIONS_POLICY } from '../../server/plugins/security-headers.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { DEMO_PASSWORD, startTestServer, TestClient, type TestServer } from '../helpers/server.ts';

function expectCommonHeaders(headers: Headers): void {
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('referrer-policy')).toBe('same-origin');
  expect(headers.get('x-frame-options')).toBe('DENY');
  expect(headers.get('cross-origin-opener-policy')).toBe('same-origin');
  expect(headers.get('permissions-policy')).toBe(PERMISSIONS_POLICY);
  expect(headers.get('permissions-policy')).toContain('camera=(self)');
  expect(headers.get('strict-transport-security')).toBeNull(); // PUBLIC_URL is http here
}

describe('security headers', () => {
  let db: TestDatabase;
  let server: TestServer;

  beforeAll(async () => {
    db = await createTestDatabase();
    // web on, with no build: the placeholder page stands for the web route.
    const emptyBuild = await mkdtemp(path.join(os.tmpdir(), 'phs-no-build-'));
    server = await startTestServer(db, { WEB_BUILD_DIR: emptyBuild }, { web: true });
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('API answers, errors and logins carry them, with the API CSP and frame-ancestors none', async () => {
    const client = new TestClient(server.url);
    for (const response of [
      await client.get('/api/v1/health'),
      await client.get('/api/v1/auth/me'),
      await client.get('/api/v1/no-such-route'),
      await client.login('admin', 'sai-mat-khau'),
      await client.login('admin', DEMO_PASSWORD),
      await client.get('/api/v1/auth/me'),
    ]) {
      expectCommonHeaders(response.headers);
      expect(response.headers.get('content-security-policy')).toBe(API_CSP);
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    }
  });

  it('the web route gets them too, but no CSP from the server: SvelteKit owns the pages\' CSP', async () => {
    const response = await fetch(`${server.url}/login`);
    expectCommonHeaders(response.headers);
    expect(response.headers.get('content-security-policy')).toBeNull();
  });

  it('HSTS for a year only when PUBLIC_URL is https', async () => {
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: db.dataDir, ...(db.databaseUrl === undefined ? {} : { DATABASE_URL: db.databaseUrl }), DEMO_DATA: 'true', PUBLIC_URL: 'https://hop.hoabinh.gov.vn' });
    const app = await buildApp({ config, database: server.database, logger: false, web: false });
    try {
      const response = await app.inject({ method: 'GET', url: '/api/v1/health' });
      expect(response.headers['strict-transport-security']).toBe('max-age=31536000');
      expect(response.headers['x-frame-options']).toBe('DENY');
    } finally {
      await app.close();
    }
  });
});
