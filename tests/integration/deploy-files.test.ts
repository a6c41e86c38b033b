/**
 * The deployable image, proved without a Docker engine (there is none here):
 * the Dockerfile's worker stage is run as written, with the same build script
 * on this machine (its cache makes that quick once `npm test` has built the
 * worker), the binary it installs needs no library the app stage does not
 * install, and docker-compose.yml publishes the conference media ports the
 * app's configuration uses, requires the announced address, and names only
 * files and build contexts that exist.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

type Stage = { name: string; lines: string[] };

/** The Dockerfile as stages of logical lines (continuations joined). */
function dockerStages(file: string): Stage[] {
  const logical = readFileSync(file, 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of logical) {
    const from = /^FROM\s+\S+(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) stages.push({ name: from[1] ?? String(stages.length), lines: [] });
    else stages.at(-1)?.lines.push(line);
  }
  return stages;
}

const stageNamed = (stages: Stage[], name: string): Stage => {
  const stage = stages.find((s) => s.name === name);
  if (!stage) throw new Error(`Dockerfile has no stage "${name}"`);
  return stage;
};

/** Packages an `apt-get install` in this stage names. */
const aptPackages = (stage: Stage): string[] =>
  stage.lines
    .filter((line) => line.startsWith('RUN') && line.includes('apt-get install'))
    .flatMap((line) => (line.split('apt-get install')[1] ?? '').split('&&')[0]!.split(/\s+/))
    .filter((word) => word !== '' && !word.startsWith('-'));

const temporary: string[] = [];
afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

describe('Dockerfile', () => {
  const stages = dockerStages(path.join(ROOT, 'Dockerfile'));

  it("builds the worker with the project's offline build script, and the app stage runs that binary with every library it links", () => {
    const worker = stageNamed(stages, 'worker');
    const runs = worker.lines.filter((line) => line.startsWith('RUN ')).map((line) => line.slice(4));
    const build = runs.find((command) => command.includes('scripts/mediasoup-worker/build.sh'));
    expect(build, 'the worker stage runs scripts/mediasoup-worker/build.sh').toBeDefined();

    // The stage's file system, as its COPY lines make it: mediasoup's package and the build script folder.
    const stageRoot = mkdtempSync(path.join(os.tmpdir(), 'phs-image-'));
    temporary.push(stageRoot);
    const workdir = path.join(stageRoot, 'build');
    cpSync(path.join(ROOT, 'scripts', 'mediasoup-worker'), path.join(workdir, 'scripts', 'mediasoup-worker'), { recursive: true });
    execFileSync('mkdir', ['-p', path.join(workdir, 'node_modules')]);
    symlinkSync(path.join(ROOT, 'node_modules', 'mediasoup'), path.join(workdir, 'node_modules', 'mediasoup'));
    const opt = path.join(stageRoot, 'opt');
    const command = build!.replaceAll('/build/', `${workdir}/`).replaceAll('/opt/', `${opt}/`);
    execFileSync('bash', ['-euo', 'pipefail', '-c', command], { cwd: workdir, stdio: ['ignore', 'ignore', 'pipe'], timeout: 15 * 60_000 });

    const binary = path.join(opt, 'phong-hop-so', 'mediasoup-worker');
    expect(statSync(binary).mode & 0o111).not.toBe(0);
    const app = stageNamed(stages, 'app');
    expect(app.lines.join('\n')).toContain('COPY --from=worker /opt/phong-hop-so/mediasoup-worker /opt/phong-hop-so/mediasoup-worker');
    expect(app.lines.find((line) => line.startsWith('ENV'))).toContain('MEDIASOUP_WORKER_BIN=/opt/phong-hop-so/mediasoup-worker');

    // Every shared library the worker links comes from a Debian package the app stage installs (or the base image has).
    const base = new Set(['libc6', 'libgcc-s1', 'libstdc++6', 'zlib1g']);
    const installed = new Set([...aptPackages(app), ...base]);
    const libraries = execFileSync('ldd', [binary], { encoding: 'utf8' })
      .split('\n')
      .map((line) => /=>\s+(\/\S+)/.exec(line)?.[1])
      .filter((lib): lib is string => lib !== undefined);
    expect(libraries.some((lib) => lib.includes('libuv'))).toBe(true);
    expect(libraries.some((lib) => /libsrtp2|libnss3/.test(lib)), 'libsrtp2 is linked in statically, with OpenSSL').toBe(false);
    for (const lib of libraries) {
      const owner = execFileSync('dpkg', ['-S', fsRealPath(lib)], { encoding: 'utf8' }).split(':')[0]!;
      expect(installed, `${lib} (${owner})`).toContain(owner);
    }
    // ffmpeg records conferences; the app stage has it.
    expect(aptPackages(app)).toContain('ffmpeg');
  }, 16 * 60_000);

  it("keeps mediasoup's install script from downloading anything", () => {
    const deps = stageNamed(stages, 'deps');
    expect(deps.lines.find((line) => line.includes('npm install'))).toMatch(/MEDIASOUP_WORKER_BIN=\S+ npm install/);
  });
});

/** dpkg knows the path under /usr/lib…, ldd may print the /lib… alias (merged /usr). */
function fsRealPath(lib: string): string {
  const real = execFileSync('readlink', ['-f', lib], { encoding: 'utf8' }).trim();
  for (const candidate of [real, real.replace(/^\/usr\//, '/'), lib]) {
    try {
      execFileSync('dpkg', ['-S', candidate], { stdio: 'ignore' });
      return candidate;
    } catch {
      // try the next spelling
    }
  }
  return real;
}

type ComposeService = {
  build?: string;
  image?: string;
  ports?: string[];
  environment?: Record<string, string | number>;
  volumes?: string[];
  profiles?: string[];
  network_mode?: string;
  command?: string[];
};
type Compose = { services: Record<string, ComposeService>; volumes?: Record<string, unknown> };

describe('docker-compose.yml', () => {
  const compose = parseYaml(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8')) as Compose;
  const app = compose.services.app!;

  /** Compose's `${NAME:-default}` / `${NAME:?message}` with the given values. */
  const substitute = (value: string | number, values: Record<string, string>): string =>
    String(value).replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_whole, name: string, kind: string | undefined, rest: string | undefined) => {
      if (values[name] !== undefined) return values[name];
      if (kind === '?') throw new Error(`${name} is required: ${rest}`);
      return rest ?? '';
    });

  it('gives the app a configuration it starts with: the media ports it uses published over UDP and TCP, the announced address and the ballot key required', () => {
    const environment = app.environment ?? {};
    const env = Object.fromEntries(Object.entries(environment).map(([key, value]) => [key, substitute(value, { MEDIA_ANNOUNCED_ADDRESS: '10.1.2.3', BALLOT_KEY: Buffer.alloc(32, 7).toString('base64') })]));
    const config = loadConfig({ ...env, DATABASE_URL: 'postgres://phs@db:5432/phs' });
    expect(config.media.announcedAddress).toBe('10.1.2.3');
    expect(() => substitute(environment.MEDIA_ANNOUNCED_ADDRESS!, {})).toThrow(/MEDIA_ANNOUNCED_ADDRESS is required/);
    expect(() => substitute(environment.BALLOT_KEY!, {})).toThrow(/BALLOT_KEY is required/);

    const first = Number(env.MEDIA_WEBRTC_PORT);
    const last = first + config.media.workers - 1;
    for (const protocol of ['udp', 'tcp']) {
      expect(app.ports).toContain(`${first}-${last}:${first}-${last}/${protocol}`);
    }
    const exposed = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    expect(exposed).toContain(`${first}-${last}/udp`);
    expect(exposed).toContain(`${first}-${last}/tcp`);
  });

  it('runs coturn from Debian with the configuration the project generates, only when asked for', () => {
    const coturn = compose.services.coturn!;
    expect(coturn.profiles).toEqual(['turn']);
    const dockerfile = readFileSync(path.join(ROOT, coturn.build!, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/apt-get install[^\n]*\bcoturn\b/);
    expect(coturn.volumes).toContain('./deploy/coturn/turnserver.conf:/etc/turnserver.conf:ro');
    const packageJson = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(packageJson.scripts['turn:config']).toBeDefined();
    const generated = execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'turn', 'coturn-config.ts')], {
      env: { ...process.env, TURN_SECRET: 'deployment-secret-0123456789' },
      encoding: 'utf8',
    });
    expect(generated).toContain('static-auth-secret=deployment-secret-0123456789');
    expect(generated).toContain('tls-listening-port=443');
  });

  it('runs an example media node from the same image, only when asked for, with the ports it uses published', () => {
    const node = compose.services['media-node']!;
    expect(node.profiles).toEqual(['media-node']);
    expect(node.build).toBe('.');
    const environment = Object.fromEntries(
      Object.entries(node.environment ?? {}).map(([key, value]) => [key, substitute(value, { MEDIA_NODE_SECRET: 'a secret of at least twenty-four characters', MEDIA_NODE_ANNOUNCED_ADDRESS: '10.20.0.5' })]),
    );
    expect(existsSync(path.join(ROOT, node.command![1]!))).toBe(true);
    const [first, last] = environment.MEDIA_NODE_WEBRTC_PORTS!.split('-');
    for (const protocol of ['udp', 'tcp']) expect(node.ports).toContain(`${first}-${last}:${first}-${last}/${protocol}`);
    expect(Number(last) - Number(first) + 1).toBeGreaterThanOrEqual(Number(environment.MEDIA_NODE_WORKERS));
    expect(node.ports).toContain(`${environment.MEDIA_NODE_PORT}:${environment.MEDIA_NODE_PORT}/tcp`);
    const [pipeFirst, pipeLast] = environment.MEDIA_NODE_RTC_PORTS!.split('-');
    expect(node.ports).toContain(`${pipeFirst}-${pipeLast}:${pipeFirst}-${pipeLast}/udp`);
    // the app's side of the same settings loads
    const appEnv = Object.fromEntries(
      Object.entries(app.environment ?? {}).map(([key, value]) => [
        key,
        substitute(value, { MEDIA_ANNOUNCED_ADDRESS: '10.1.2.3', BALLOT_KEY: Buffer.alloc(32, 7).toString('base64'), MEDIA_NODES: `${environment.MEDIA_NODE_NAME}=10.20.0.5:7100`, MEDIA_NODE_SECRET: environment.MEDIA_NODE_SECRET! }),
      ]),
    );
    expect(loadConfig({ ...appEnv, DATABASE_URL: 'postgres://phs@db:5432/phs' }).media.nodes.list).toEqual([{ name: 'vung-1', host: '10.20.0.5', port: 7100, workers: 1 }]);
  });

  it('starts the media node the compose file describes, and it refuses to start without its secret', () => {
    const node = compose.services['media-node']!;
    const environment = Object.fromEntries(Object.entries(node.environment ?? {}).map(([key, value]) => [key, substitute(value, {})]));
    const run = () => execFileSync(process.execPath, [path.join(ROOT, node.command![1]!)], { env: { PATH: process.env.PATH, ...environment }, encoding: 'utf8', stdio: 'pipe' });
    expect(run).toThrow(/MEDIA_NODE_SECRET must be set/);
  });

  it('names only build contexts, mounted files and volumes that exist', () => {
    const generatedOnSite = new Set(['./deploy/coturn/turnserver.conf', './deploy/coturn/certs', './deploy/nginx/certs']);
    for (const [name, service] of Object.entries(compose.services)) {
      if (service.build !== undefined) expect(existsSync(path.join(ROOT, service.build, 'Dockerfile')), `${name}: build context`).toBe(true);
      expect(service.build !== undefined || service.image !== undefined, `${name}: image or build`).toBe(true);
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (source.startsWith('./')) {
          expect(existsSync(path.join(ROOT, source)) || generatedOnSite.has(source), `${name}: ${source}`).toBe(true);
        } else {
          expect(Object.keys(compose.volumes ?? {}), `${name}: named volume ${source}`).toContain(source);
        }
      }
    }
  });
});
