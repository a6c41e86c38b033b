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
    expect(config.documentMemoryBytes).toBe(256 * 1024 * 1024);
  });

  it('reads the memory for shared document files, 0 turning it off', () => {
    expect(loadConfig({ DOCUMENT_MEMORY_MB: '0' }).documentMemoryBytes).toBe(0);
    expect(loadConfig({ DOCUMENT_MEMORY_MB: '1024' }).documentMemoryBytes).toBe(1024 * 1024 * 1024);
    expect(() => loadConfig({ DOCUMENT_MEMORY_MB: 'lots' })).toThrow(/DOCUMENT_MEMORY_MB must be a whole number/);
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

describe('media nodes in the configuration', () => {
  const base = { MEDIA_NODE_SECRET: 'a secret of at least twenty-four characters' };

  it('runs no media node but its own by default', () => {
    const { nodes } = loadConfig({}, '/srv/phs').media;
    expect(nodes).toMatchObject({ list: [], secret: undefined, localName: 'local', defaultNode: 'local', pipeIp: '127.0.0.1' });
    expect(nodes.units.size).toBe(0);
  });

  it('reads nodes, their workers, unit rules and the default node', () => {
    const { nodes } = loadConfig(
      { ...base, MEDIA_NODES: 'tinh=10.0.0.2:7100*2, vung-1=10.0.0.3:7100,vung-2=[fd00::4]:7200', MEDIA_NODE_UNITS: 'vung-1=HB-CP,HB-DB; vung-2=HB-TP', MEDIA_DEFAULT_NODE: 'tinh', MEDIA_PIPE_IP: '10.0.0.1' },
      '/srv/phs',
    ).media;
    expect(nodes.list).toEqual([
      { name: 'tinh', host: '10.0.0.2', port: 7100, workers: 2 },
      { name: 'vung-1', host: '10.0.0.3', port: 7100, workers: 1 },
      { name: 'vung-2', host: 'fd00::4', port: 7200, workers: 1 },
    ]);
    expect([...nodes.units]).toEqual([
      ['HB-CP', 'vung-1'],
      ['HB-DB', 'vung-1'],
      ['HB-TP', 'vung-2'],
    ]);
    expect(nodes.defaultNode).toBe('tinh');
    expect(nodes.pipeIp).toBe('10.0.0.1');
  });

  it.each([
    [{ MEDIA_NODES: 'vung-1=10.0.0.3:7100' }, 'MEDIA_NODE_SECRET'],
    [{ ...base, MEDIA_NODE_SECRET: 'too short' , MEDIA_NODES: 'vung-1=10.0.0.3:7100' }, 'MEDIA_NODE_SECRET'],
    [{ ...base, MEDIA_NODES: 'vung 1=10.0.0.3:7100' }, 'MEDIA_NODES'],
    [{ ...base, MEDIA_NODES: 'vung-1=10.0.0.3' }, 'MEDIA_NODES'],
    [{ ...base, MEDIA_NODES: 'vung-1=10.0.0.3:7100,vung-1=10.0.0.4:7100' }, 'MEDIA_NODES'],
    [{ ...base, MEDIA_NODES: 'local=10.0.0.3:7100' }, 'MEDIA_NODES'],
    [{ ...base, MEDIA_NODES: 'vung-1=10.0.0.3:7100*99' }, 'MEDIA_NODES'],
    [{ ...base, MEDIA_NODES: 'vung-1=10.0.0.3:7100', MEDIA_NODE_UNITS: 'vung-9=HB-CP' }, 'MEDIA_NODE_UNITS'],
    [{ ...base, MEDIA_NODES: 'vung-1=10.0.0.3:7100', MEDIA_DEFAULT_NODE: 'vung-9' }, 'MEDIA_DEFAULT_NODE'],
    [{ MEDIA_PIPE_IP: 'node.example' }, 'MEDIA_PIPE_IP'],
  ])('refuses %o, naming %s', (env, variable) => {
    expect(() => loadConfig(env, '/srv/phs')).toThrow(ConfigError);
    try {
      loadConfig(env, '/srv/phs');
    } catch (error) {
      expect((error as ConfigError).variable).toBe(variable);
    }
  });
});
