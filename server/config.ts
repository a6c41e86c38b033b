/**
 * Every setting comes from the environment, is validated once at start-up and
 * is then passed around as a frozen object. A bad value stops the process with
 * a message that names the variable, before anything else happens.
 */
import { isIP } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export type Config = Readonly<{
  port: number;
  host: string;
  dataDir: string;
  /** Unset means: run the embedded PostgreSQL (PGlite) under dataDir. */
  databaseUrl: string | undefined;
  /** Set when several app processes share live state through Redis (Socket.io adapter). */
  redisUrl: string | undefined;
  /** base64 of 32 bytes sealing secret ballots; unset: a key file under DATA_DIR/keys (one process only) */
  ballotKey: string | undefined;
  publicUrl: URL;
  /** Sliding session lifetime, in milliseconds. */
  sessionLifetimeMs: number;
  uploadLimitBytes: number;
  /** Document bytes: streamed by the app (`direct`), or handed to nginx by X-Accel-Redirect to `fileAccelPrefix`, an internal location mapped onto DATA_DIR (`x-accel`). */
  fileDelivery: 'direct' | 'x-accel';
  fileAccelPrefix: string;
  /** How long a granted document read is remembered per session and version (0: never); at most 1000 so a revocation elsewhere takes effect within a second. */
  documentAccessCacheMs: number;
  /** Bytes of shared (unstamped) document files held in memory for readers in direct delivery (0: always read from disk). */
  documentMemoryBytes: number;
  /** threads of the PDF worker pool, and how many PDF jobs may wait before callers get 503 */
  pdfWorkers: number;
  pdfQueueLimit: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Seed the demo province and users when the database is empty: by default only with the embedded database; a real one (DATABASE_URL) only with DEMO_DATA=true. */
  demoData: boolean;
  /** Which unit tree the demo seeds: communes directly under the province (today's Vietnam, since 1 July 2025) or under districts. */
  demoStructure: DemoStructure;
  /** Failed logins allowed per account, and per client address, within loginWindowMs. */
  loginMaxFailuresPerAccount: number;
  loginMaxFailuresPerAddress: number;
  loginWindowMs: number;
  /** REST calls per minute: per logged-in user, and per client address without a session (document bytes are not counted; a congress hall logs 1,600 tablets in from one NAT address). */
  rateLimitPerUser: number;
  rateLimitPerAddress: number;
  /** Socket.io connections one user may hold open at once (tablet, console, second device, reconnects). */
  maxSocketsPerUser: number;
  /**
   * Which X-Forwarded-For entries to believe: false (none), a number of proxy
   * hops in front of the app, or the proxies' addresses/CIDRs. Never `true`,
   * which would believe whatever a client writes into the header.
   */
  trustProxy: TrustProxy;
  /** Built SvelteKit app (adapter-node output); absent in API-only tests. */
  webBuildDir: string;
  shutdownTimeoutMs: number;
  /** Video conference media (mediasoup), see README "Configuration" (MEDIA_*). */
  media: MediaSettings;
  /** Conference recording (RECORDING_*): where files go, the free-space floor, the ffmpeg binaries. */
  recording: RecordingSettings;
  /** The e-mail queue (MAIL_*): how often a worker looks for due jobs, how long a claimed job is held before another process may take it, back-off and attempts. */
  mail: MailSettings;
  /** Digital signatures (SIGNING_*): a remote CSC signing service and an RFC 3161 timestamp authority, each optional. */
  signing: SigningSettings;
}>;

export type SigningSettings = Readonly<{
  /** SIGNING_CSC_URL (+ _USERNAME, _PASSWORD, _CREDENTIAL_ID, _TIMEOUT_MS): signing goes through this service instead of a keystore upload */
  csc?: Readonly<{ baseUrl: string; username: string; password: string; credentialId?: string; timeoutMs: number }>;
  /** SIGNING_TSA_URL: every signature carries a timestamp from this authority (PAdES-B-T) */
  timestampUrl?: string;
}>;

function signingSettings(env: Env): SigningSettings {
  const cscUrl = optionalText(env, 'SIGNING_CSC_URL');
  const tsaUrl = optionalText(env, 'SIGNING_TSA_URL');
  const credentialId = optionalText(env, 'SIGNING_CSC_CREDENTIAL_ID');
  return Object.freeze({
    ...(cscUrl === undefined
      ? {}
      : {
          csc: Object.freeze({
            baseUrl: url('SIGNING_CSC_URL', cscUrl, ['http:', 'https:']).href,
            username: text(env, 'SIGNING_CSC_USERNAME', ''),
            password: text(env, 'SIGNING_CSC_PASSWORD', ''),
            ...(credentialId === undefined ? {} : { credentialId }),
            timeoutMs: integer(env, 'SIGNING_CSC_TIMEOUT_MS', 120_000, 100, 600_000),
          }),
        }),
    ...(tsaUrl === undefined ? {} : { timestampUrl: url('SIGNING_TSA_URL', tsaUrl, ['http:', 'https:']).href }),
  });
}

export type MailSettings = Readonly<{ pollMs: number; leaseMs: number; retryBaseMs: number; maxAttempts: number; reminderLeadMinutes: readonly number[] }>;

/** MAIL_REMINDER_MINUTES: comma list of lead times before a meeting, e.g. "1440,60" (24 h and 1 h); empty: no reminders. */
function reminderLeads(env: Env): number[] {
  const raw = optionalText(env, 'MAIL_REMINDER_MINUTES') ?? '1440,60';
  const leads = raw.split(',').map((part) => part.trim()).filter((part) => part !== '');
  return leads.map((part) => {
    const minutes = Number(part);
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 60 * 24 * 30) throw new ConfigError('MAIL_REMINDER_MINUTES', `must be a comma list of minutes (1…43200), got "${raw}"`);
    return minutes;
  });
}

export const DEMO_STRUCTURES = ['two-level', 'three-level'] as const;
export type DemoStructure = (typeof DEMO_STRUCTURES)[number];

export type TrustProxy = false | number | readonly string[];

const CIDR = /^([^/]+)(?:\/(\d{1,3}))?$/;

/** TRUST_PROXY: unset/false/0, a hop count (1 = one nginx in front), or a comma list of proxy addresses or CIDRs. */
function trustProxy(env: Env): TrustProxy {
  const raw = optionalText(env, 'TRUST_PROXY');
  if (raw === undefined || ['false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  if (['true', 'yes', 'on'].includes(raw.toLowerCase())) {
    throw new ConfigError('TRUST_PROXY', 'may not be true: that believes any client-supplied X-Forwarded-For; give the number of proxies in front of the app (e.g. 1) or their addresses (e.g. 10.0.0.5,10.0.1.0/24)');
  }
  if (/^\d+$/.test(raw)) {
    const hops = integer(env, 'TRUST_PROXY', 0, 0, 10);
    return hops === 0 ? false : hops;
  }
  const list = raw.split(',').map((entry) => entry.trim());
  for (const entry of list) {
    const match = CIDR.exec(entry);
    const version = match === null ? 0 : isIP(match[1]!);
    const prefix = match?.[2] === undefined ? undefined : Number(match[2]);
    if (version === 0 || (prefix !== undefined && prefix > (version === 4 ? 32 : 128))) {
      throw new ConfigError('TRUST_PROXY', `must be false, a number of proxy hops, or a comma list of proxy addresses/CIDRs; "${entry}" is none of these`);
    }
  }
  return Object.freeze(list);
}

// --- RECORDING_* (conference recording) ---
export type RecordingSettings = Readonly<{
  /** RECORDING_DIR, default DATA_DIR/recordings */
  dir: string;
  /** RECORDING_MIN_FREE_MB: refuse to start below it, stop cleanly when free space reaches it */
  minFreeMb: number;
  /** RECORDING_DISK_CHECK_MS: how often free space is checked while recording */
  diskCheckMs: number;
  ffmpeg: string;
  ffprobe: string;
}>;

function recordingSettings(env: Env, cwd: string, dataDir: string): RecordingSettings {
  return Object.freeze({
    dir: path.resolve(cwd, optionalText(env, 'RECORDING_DIR') ?? path.join(dataDir, 'recordings')),
    minFreeMb: integer(env, 'RECORDING_MIN_FREE_MB', 2048, 0, 100_000_000),
    diskCheckMs: integer(env, 'RECORDING_DISK_CHECK_MS', 5_000, 100, 600_000),
    ffmpeg: text(env, 'FFMPEG_PATH', 'ffmpeg'),
    ffprobe: text(env, 'FFPROBE_PATH', 'ffprobe'),
  });
}

// --- MEDIA_* (video conference) ---
/** What the server passes to media/ (MediaService.start); the rest are media/'s defaults. */
export type MediaSettings = Readonly<{
  /** mediasoup worker processes; default: available cores */
  workers: number;
  listenIp: string;
  /** address put in ICE candidates; undefined: the first LAN address when listening on 0.0.0.0 */
  announcedAddress: string | undefined;
  /** UDP+TCP port of worker 0 (worker i uses port + i), or a range each socket takes a free port from */
  webRtcPort: number | Readonly<{ min: number; max: number }>;
  /** a peer with no connected transport for this long is removed */
  peerTimeoutMs: number;
  /** the deployment's own TURN relay (coturn, TURN REST API); undefined: none, ICE goes direct as before */
  turn: TurnSettings | undefined;
  /**
   * MEDIA_ALLOW_PLAIN_TRANSPORTS: peers may have PlainTransports (RTP gateways, RTP-level test
   * endpoints). No client call creates one; the recorder uses its own and does not need this.
   */
  allowPlainTransports: boolean;
  /** media nodes this app runs workers on besides its own (MEDIA_NODES, MEDIA_NODE_SECRET, MEDIA_NODE_UNITS) */
  nodes: MediaNodesSettings;
}>;

/** A media node as MEDIA_NODES names it: `name=host:port` or `name=host:port*workers`. */
export type MediaNodeSetting = Readonly<{ name: string; host: string; port: number; workers: number }>;

export type MediaNodesSettings = Readonly<{
  list: readonly MediaNodeSetting[];
  /** shared with every node (at least 24 characters); undefined when there are none */
  secret: string | undefined;
  /** unit code or id → node: a unit and everything under it go there (MEDIA_NODE_UNITS="vung-1=HB-CP,HB-DB;vung-2=HB-TP") */
  units: ReadonlyMap<string, string>;
  /** this process's own name as a media node (MEDIA_LOCAL_NODE, default "local") */
  localName: string;
  /** where unmapped peers go, and peers of a node that is down (MEDIA_DEFAULT_NODE, default the local node) */
  defaultNode: string;
  /** where this process's pipe transports listen: an address the nodes reach (MEDIA_PIPE_IP, default 127.0.0.1) */
  pipeIp: string;
}>;

const NODE_NAME = /^[A-Za-z0-9._-]{1,64}$/;

function mediaNodes(env: Env): MediaNodesSettings {
  const localName = text(env, 'MEDIA_LOCAL_NODE', 'local');
  if (!NODE_NAME.test(localName)) throw new ConfigError('MEDIA_LOCAL_NODE', `must be letters, digits, dot, dash or underscore, got "${localName}"`);
  const list: MediaNodeSetting[] = [];
  for (const entry of (optionalText(env, 'MEDIA_NODES') ?? '').split(',').map((e) => e.trim()).filter((e) => e !== '')) {
    const match = /^([A-Za-z0-9._-]{1,64})=([^\s:*]+|\[[0-9a-fA-F:]+\]):(\d{1,5})(?:\*(\d{1,2}))?$/.exec(entry);
    if (!match) throw new ConfigError('MEDIA_NODES', `entries look like name=host:port or name=host:port*workers, got "${entry}"`);
    const [, name, host, port, workers] = match as unknown as [string, string, string, string, string | undefined];
    if (name === localName || list.some((n) => n.name === name)) throw new ConfigError('MEDIA_NODES', `names a node twice: "${name}"`);
    const portNumber = Number(port);
    const workerCount = workers === undefined ? 1 : Number(workers);
    if (portNumber < 1 || portNumber > 65535) throw new ConfigError('MEDIA_NODES', `port out of range in "${entry}"`);
    if (workerCount < 1 || workerCount > 64) throw new ConfigError('MEDIA_NODES', `workers must be 1 to 64 in "${entry}"`);
    list.push(Object.freeze({ name, host: host.replace(/^\[|\]$/g, ''), port: portNumber, workers: workerCount }));
  }
  const secret = optionalText(env, 'MEDIA_NODE_SECRET');
  if (list.length > 0 && (secret === undefined || secret.length < 24)) {
    throw new ConfigError('MEDIA_NODE_SECRET', 'must be set (at least 24 characters, the same on every media node) when MEDIA_NODES is set');
  }
  const known = new Set([localName, ...list.map((n) => n.name)]);
  const units = new Map<string, string>();
  for (const rule of (optionalText(env, 'MEDIA_NODE_UNITS') ?? '').split(';').map((r) => r.trim()).filter((r) => r !== '')) {
    const [node, codes] = rule.split('=', 2).map((part) => part.trim()) as [string, string | undefined];
    if (!known.has(node) || codes === undefined || codes === '') {
      throw new ConfigError('MEDIA_NODE_UNITS', `rules look like node=UNIT-CODE,UNIT-CODE for a node in MEDIA_NODES, got "${rule}"`);
    }
    for (const code of codes.split(',').map((c) => c.trim()).filter((c) => c !== '')) units.set(code, node);
  }
  const defaultNode = text(env, 'MEDIA_DEFAULT_NODE', localName);
  if (!known.has(defaultNode)) throw new ConfigError('MEDIA_DEFAULT_NODE', `must be "${localName}" or a node in MEDIA_NODES, got "${defaultNode}"`);
  const pipeIp = text(env, 'MEDIA_PIPE_IP', '127.0.0.1');
  if (!isIP(pipeIp)) throw new ConfigError('MEDIA_PIPE_IP', `must be an IPv4 or IPv6 address, got "${pipeIp}"`);
  return Object.freeze({ list: Object.freeze(list), secret: list.length > 0 ? secret : undefined, units, localName, defaultNode, pipeIp });
}

/** TURN_URLS, TURN_SECRET (coturn's static-auth-secret), TURN_CREDENTIAL_TTL_SECONDS */
export type TurnSettings = Readonly<{ urls: readonly string[]; secret: string; credentialTtlSeconds: number }>;

const TURN_URL = /^turns?:[^\s?]+(\?transport=(udp|tcp))?$/;

function turnSettings(env: Env): TurnSettings | undefined {
  const rawUrls = optionalText(env, 'TURN_URLS');
  const secret = optionalText(env, 'TURN_SECRET');
  if (rawUrls === undefined) {
    if (secret !== undefined) throw new ConfigError('TURN_SECRET', 'is set but TURN_URLS is not: give the TURN server addresses too');
    return undefined;
  }
  const urls = rawUrls.split(',').map((url) => url.trim()).filter((url) => url !== '');
  for (const url of urls) {
    if (!TURN_URL.test(url)) throw new ConfigError('TURN_URLS', `must be a comma list of turn: or turns: URLs (e.g. turns:turn.tinh.gov.vn:443?transport=tcp), got "${url}"`);
  }
  if (urls.length === 0 || urls.length > 8) throw new ConfigError('TURN_URLS', 'must list 1 to 8 URLs');
  if (secret === undefined || secret.length < 16) throw new ConfigError('TURN_SECRET', 'must be set (at least 16 characters, the static-auth-secret of coturn) when TURN_URLS is set');
  return Object.freeze({ urls: Object.freeze(urls), secret, credentialTtlSeconds: integer(env, 'TURN_CREDENTIAL_TTL_SECONDS', 12 * 3600, 60, 7 * 24 * 3600) });
}

function mediaSettings(env: Env): MediaSettings {
  const rawPort = optionalText(env, 'MEDIA_WEBRTC_PORT') ?? '40000';
  const range = /^(\d+)-(\d+)$/.exec(rawPort);
  let webRtcPort: MediaSettings['webRtcPort'];
  if (range !== null) {
    const min = Number(range[1]);
    const max = Number(range[2]);
    if (min < 1024 || max > 65535 || max < min) throw new ConfigError('MEDIA_WEBRTC_PORT', `range must lie within 1024-65535, got "${rawPort}"`);
    webRtcPort = Object.freeze({ min, max });
  } else {
    webRtcPort = integer(env, 'MEDIA_WEBRTC_PORT', 40000, 1024, 65535);
  }
  const listenIp = text(env, 'MEDIA_LISTEN_IP', '0.0.0.0');
  if (!isIP(listenIp)) throw new ConfigError('MEDIA_LISTEN_IP', `must be an IPv4 or IPv6 address, got "${listenIp}"`);
  return Object.freeze({
    workers: integer(env, 'MEDIA_WORKERS', os.availableParallelism(), 1, 64),
    listenIp,
    announcedAddress: optionalText(env, 'MEDIA_ANNOUNCED_ADDRESS'),
    webRtcPort,
    peerTimeoutMs: integer(env, 'MEDIA_PEER_TIMEOUT_MS', 30_000, 1_000, 3_600_000),
    allowPlainTransports: boolean(env, 'MEDIA_ALLOW_PLAIN_TRANSPORTS', false),
    turn: turnSettings(env),
    nodes: mediaNodes(env),
  });
}
// --- end MEDIA_* ---

export class ConfigError extends Error {
  readonly variable: string;
  constructor(variable: string, problem: string) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}

type Env = Record<string, string | undefined>;

function text(env: Env, name: string, fallback: string): string {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? fallback : value;
}

function optionalText(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = optionalText(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = optionalText(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

function url(name: string, raw: string, protocols: string[]): URL {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be a URL, got "${raw}"`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must start with ${protocols.map((p) => `${p}//`).join(' or ')}, got "${raw}"`);
  }
  return parsed;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const host = text(env, 'HOST', '0.0.0.0');
  const dataDir = path.resolve(cwd, text(env, 'DATA_DIR', './data'));

  const databaseUrl = optionalText(env, 'DATABASE_URL');
  if (databaseUrl !== undefined) url('DATABASE_URL', databaseUrl, ['postgres:', 'postgresql:']);

  const redisUrl = optionalText(env, 'REDIS_URL');
  if (redisUrl !== undefined) url('REDIS_URL', redisUrl, ['redis:', 'rediss:']);

  const ballotKey = optionalText(env, 'BALLOT_KEY');
  if (ballotKey !== undefined && Buffer.from(ballotKey, 'base64').length !== 32) throw new ConfigError('BALLOT_KEY', 'must be 32 bytes in base64 (openssl rand -base64 32)');
  // Several processes each making their own key file would seal ballots the others cannot open.
  if (redisUrl !== undefined && ballotKey === undefined) {
    throw new ConfigError('BALLOT_KEY', 'must be set when REDIS_URL is set: every app process must seal secret ballots with the same key (openssl rand -base64 32, the same value for each process)');
  }

  const publicUrl = url('PUBLIC_URL', text(env, 'PUBLIC_URL', `http://localhost:${port || 3000}`), ['http:', 'https:']);

  const logLevel = text(env, 'LOG_LEVEL', 'info');
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }

  const fileDelivery = text(env, 'FILE_DELIVERY', 'direct');
  if (fileDelivery !== 'direct' && fileDelivery !== 'x-accel') throw new ConfigError('FILE_DELIVERY', `must be direct or x-accel, got "${fileDelivery}"`);
  const fileAccelPrefix = text(env, 'FILE_ACCEL_PREFIX', '/_protected-files/');
  if (!/^\/[A-Za-z0-9_\-/]*\/$/.test(fileAccelPrefix)) throw new ConfigError('FILE_ACCEL_PREFIX', `must be a path that starts and ends with "/", got "${fileAccelPrefix}"`);
  const demoStructure = text(env, 'DEMO_STRUCTURE', 'two-level');
  if (!(DEMO_STRUCTURES as readonly string[]).includes(demoStructure)) {
    throw new ConfigError('DEMO_STRUCTURE', `must be one of ${DEMO_STRUCTURES.join(', ')}, got "${demoStructure}"`);
  }

  return Object.freeze({
    port,
    host,
    dataDir,
    databaseUrl,
    redisUrl,
    ballotKey,
    publicUrl,
    sessionLifetimeMs: integer(env, 'SESSION_LIFETIME_HOURS', 7 * 24, 1, 24 * 365) * 3_600_000,
    uploadLimitBytes: integer(env, 'UPLOAD_LIMIT_MB', 200, 1, 10_240) * 1024 * 1024,
    fileDelivery,
    fileAccelPrefix,
    documentAccessCacheMs: integer(env, 'DOCUMENT_ACCESS_CACHE_MS', 500, 0, 1000),
    documentMemoryBytes: integer(env, 'DOCUMENT_MEMORY_MB', 256, 0, 65_536) * 1024 * 1024,
    pdfWorkers: integer(env, 'PDF_WORKERS', Math.max(1, os.availableParallelism() - 1), 1, 64),
    pdfQueueLimit: integer(env, 'PDF_QUEUE_LIMIT', 64, 1, 10_000),
    logLevel: logLevel as Config['logLevel'],
    demoData: boolean(env, 'DEMO_DATA', databaseUrl === undefined),
    demoStructure: demoStructure as DemoStructure,
    loginMaxFailuresPerAccount: integer(env, 'LOGIN_MAX_FAILURES_PER_ACCOUNT', 5, 1, 1000),
    loginMaxFailuresPerAddress: integer(env, 'LOGIN_MAX_FAILURES_PER_ADDRESS', 30, 1, 100_000),
    loginWindowMs: integer(env, 'LOGIN_WINDOW_MINUTES', 15, 1, 24 * 60) * 60_000,
    rateLimitPerUser: integer(env, 'RATE_LIMIT_PER_USER_PER_MINUTE', 1200, 10, 1_000_000),
    rateLimitPerAddress: integer(env, 'RATE_LIMIT_PER_ADDRESS_PER_MINUTE', 2000, 10, 1_000_000),
    maxSocketsPerUser: integer(env, 'MAX_SOCKETS_PER_USER', 12, 1, 1000),
    trustProxy: trustProxy(env),
    webBuildDir: path.resolve(cwd, text(env, 'WEB_BUILD_DIR', './build')),
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 100, 120_000),
    media: mediaSettings(env),
    recording: recordingSettings(env, cwd, dataDir),
    mail: Object.freeze({
      pollMs: integer(env, 'MAIL_POLL_MS', 2_000, 20, 600_000),
      leaseMs: integer(env, 'MAIL_LEASE_MS', 120_000, 200, 3_600_000),
      retryBaseMs: integer(env, 'MAIL_RETRY_BASE_MS', 30_000, 10, 3_600_000),
      maxAttempts: integer(env, 'MAIL_MAX_ATTEMPTS', 8, 1, 100),
      reminderLeadMinutes: Object.freeze(reminderLeads(env)),
    }),
    signing: signingSettings(env),
  });
}
