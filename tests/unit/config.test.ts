import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.ts';

describe('configuration', () => {
  it('has working defaults with an empty environment', () => {
    const config = loadConfig({}, '/srv/phs');
    expect(config.port).toBe(3000);
    expect(config.dataDir).toBe('/srv/phs/data');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.publicUrl.href).toBe('http://localhost:3000/');
    expect(config.sessionLifetimeMs).toBe(7 * 24 * 3_600_000);
    expect(config.uploadLimitBytes).toBe(200 * 1024 * 1024);
  });

  it.each([
    ['PORT', 'abc', /PORT must be a whole number/],
    ['PORT', '70000', /PORT must be between 0 and 65535/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL must start with postgres:\/\/ or postgresql:\/\//],
    ['PUBLIC_URL', 'not a url', /PUBLIC_URL must be a URL/],
    ['SESSION_LIFETIME_HOURS', '0', /SESSION_LIFETIME_HOURS must be between/],
    ['UPLOAD_LIMIT_MB', '-5', /UPLOAD_LIMIT_MB must be a whole number/],
    ['DEMO_DATA', 'maybe', /DEMO_DATA must be true or false/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL must be one of/],
  ])('names the bad variable %s=%s', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('marks cookies secure when PUBLIC_URL is https', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://hop.hoabinh.gov.vn' }).publicUrl.protocol).toBe('https:');
  });

  it('reads TRUST_PROXY as a hop count or proxy addresses, and refuses true', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '0' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.5, 10.0.1.0/24,::1' }).trustProxy).toEqual(['10.0.0.5', '10.0.1.0/24', '::1']);
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY may not be true/);
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.5/40' })).toThrow(/TRUST_PROXY must be/);
    expect(() => loadConfig({ TRUST_PROXY: 'nginx' })).toThrow(/TRUST_PROXY must be/);
  });

  it('reads the remote signing service and the timestamp authority, both optional', () => {
    expect(loadConfig({}).signing).toEqual({});
    const signing = loadConfig({ SIGNING_CSC_URL: 'https://ky.example.vn/csc/v2', SIGNING_CSC_USERNAME: 'vp', SIGNING_CSC_PASSWORD: 'bí mật', SIGNING_TSA_URL: 'http://tsa.example.vn/' }).signing;
    expect(signing).toEqual({ csc: { baseUrl: 'https://ky.example.vn/csc/v2', username: 'vp', password: 'bí mật', timeoutMs: 120_000 }, timestampUrl: 'http://tsa.example.vn/' });
    expect(() => loadConfig({ SIGNING_CSC_URL: 'ftp://ky.example.vn' })).toThrow(/SIGNING_CSC_URL/);
    expect(() => loadConfig({ SIGNING_CSC_URL: 'https://ky.example.vn', SIGNING_CSC_TIMEOUT_MS: 'mãi' })).toThrow(/SIGNING_CSC_TIMEOUT_MS/);
  });
});
