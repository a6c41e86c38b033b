/**
 * Builds the Fastify instance: cross-cutting plugins, the Socket.io server,
 * then the domain modules in dependency order (each one's routes under
 * /api/v1, its socket handlers and its subscriptions; see server/README.md),
 * then the web app. No listening here: main.ts and the tests decide where it
 * listens.
 */
import { safeErrorSerializers } from './lib/log-redaction.ts';
import cookie from '@fastify/cookie';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { TSchema } from 'typebox';
import type { Config } from './config.ts';
import type { Database } from './db/client.ts';
import { DomainEvents } from './events.ts';
import { annotationsModule } from './modules/annotations/index.ts';
import { auditModule } from './modules/audit/index.ts';
import { authModule } from './modules/auth/index.ts';
import { conferenceModule } from './modules/conference/index.ts';
import { displayModule } from './modules/display/index.ts';
import { officialDocsModule } from './modules/official-docs/index.ts';
import { documentsModule } from './modules/documents/index.ts';
import { mailModule } from './modules/mail/index.ts';
import { liveModule } from './modules/live/index.ts';
import { ModuleLoader } from './modules/loader.ts';
import { meetingsModule } from './modules/meetings/index.ts';
import { notificationsModule } from './modules/notifications/index.ts';
import { reportsModule } from './modules/reports/index.ts';
import { systemModule } from './modules/system/index.ts';
import { unitsModule } from './modules/units/index.ts';
import { usersModule } from './modules/users/index.ts';
import { votesModule } from './modules/votes/index.ts';
import { recordModule } from './modules/record/index.ts';
import { outcomeModule } from './modules/outcome/index.ts';
import { signaturesModule } from './modules/signatures/index.ts';
import { auditRequestPlugin } from './plugins/audit-request.ts';
import { authGatePlugin } from './plugins/auth-gate.ts';
import { apiNotFound, errorsPlugin } from './plugins/errors.ts';
import { originCheckPlugin } from './plugins/origin-check.ts';
import { rateLimitPlugin } from './plugins/rate-limit.ts';
import { responseCheckPlugin } from './plugins/response-check.ts';
import { securityHeadersPlugin } from './plugins/security-headers.ts';
import { sessionPlugin } from './plugins/session.ts';
import { boundedValidatorCompiler } from './plugins/validator-compiler.ts';
import { webPlugin } from './plugins/web.ts';
import { createSocketServer } from './realtime/socket-server.ts';
import './types.ts';

export type BuildOptions = {
  config: Config;
  database: Database;
  /** pino options, or false for silence (tests) */
  logger?: FastifyServerOptions['logger'];
  /** serve the built web app (off in API-only tests) */
  web?: boolean;
  /** fail any success answer its route's response schema does not describe exactly (tests; see plugins/response-check.ts) */
  checkResponses?: boolean;
};

async function loadModules(loader: ModuleLoader, database: Database) {
  const audit = await loader.load(auditModule, {});
  const auth = await loader.load(authModule, {});
  const system = await loader.load(systemModule, { database, auth });
  const units = await loader.load(unitsModule, {});
  const users = await loader.load(usersModule, { auth: auth.credentials });
  const notifications = await loader.load(notificationsModule, {});
  const meetings = await loader.load(meetingsModule, { users, units });
  const signatures = await loader.load(signaturesModule, {});
  const documents = await loader.load(documentsModule, { meetings, notifications, units, signatures });
  const live = await loader.load(liveModule, { meetings, users, documents });
  const annotations = await loader.load(annotationsModule, { documents, users });
  const votes = await loader.load(votesModule, { meetings, live, users });
  const conference = await loader.load(conferenceModule, { meetings, users, units, live });
  const display = await loader.load(displayModule, { live, votes, meetings, documents, users, auth, conference });
  const reports = await loader.load(reportsModule, { meetings, documents, live, users, units });
  const officialDocs = await loader.load(officialDocsModule, { meetings });
  const record = await loader.load(recordModule, { meetings, live, votes, documents, users, units });
  const mail = await loader.load(mailModule, { meetings, users });
  const outcome = await loader.load(outcomeModule, { meetings, record, officialDocs, signatures, mail, users });
  return { audit, system, auth, units, users, notifications, meetings, documents, live, annotations, votes, conference, display, reports, officialDocs, record, mail, signatures, outcome };
}

/** Every module's API, as the app loaded it (tests and benchmarks reach in through this). */
export type LoadedModules = Awaited<ReturnType<typeof loadModules>>;

/** A route's method, URL pattern, request schemas and response schemas by status. */
export type CatalogRoute = {
  method: string;
  url: string;
  schema: { body?: TSchema; querystring?: TSchema; params?: TSchema; response?: Record<string, TSchema> } | undefined;
};

declare module 'fastify' {
  interface FastifyInstance {
    modules: LoadedModules;
    catalog: { routes: readonly CatalogRoute[]; socketEvents(): { event: string; schema: TSchema }[] };
  }
}

/** A hop count or the proxies' addresses (config.ts refuses `true`), in the shape Fastify's types take. */
function fastifyTrustProxy(trust: Config['trustProxy']): FastifyServerOptions['trustProxy'] {
  if (typeof trust === 'number') return (_address: string, hop: number) => hop < trust;
  return trust === false ? false : [...trust];
}

/** Errors reach the log without query parameters or row values (server/lib/log-redaction.ts). */
function withSafeErrors(logger: FastifyServerOptions['logger']): FastifyServerOptions['logger'] {
  return typeof logger === 'object' && logger !== null ? { ...logger, serializers: { ...logger.serializers, ...safeErrorSerializers } } : logger;
}

export async function buildApp(options: BuildOptions): Promise<FastifyInstance> {
  const { config, database } = options;
  const app = Fastify({
    logger: withSafeErrors(options.logger ?? { level: config.logLevel }),
    trustProxy: fastifyTrustProxy(config.trustProxy),
    bodyLimit: 1024 * 1024, // JSON bodies; document uploads stream with their own limit
    genReqId: () => crypto.randomUUID(),
    return503OnClosing: true,
  })
    .setValidatorCompiler(boundedValidatorCompiler)
    .withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('config', config);
  // Every route as registered, for the fuzzer and the authorization matrix (tests/): the API's whole surface.
  const routes: CatalogRoute[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url, schema: route.schema as CatalogRoute['schema'] });
  });
  await app.register(securityHeadersPlugin);
  await app.register(cookie);
  await app.register(errorsPlugin);
  if (options.checkResponses === true) await app.register(responseCheckPlugin);

  const sockets = await createSocketServer(app);
  const events = new DomainEvents();
  const loader = new ModuleLoader({ config, db: database.db, events, log: app.log, io: sockets.io, parseCookie: (header) => app.parseCookie(header) }, sockets.router);
  const modules = await loadModules(loader, database);
  sockets.authenticate(modules.auth.service);
  app.decorate('modules', modules);
  app.decorate('catalog', { routes, socketEvents: () => sockets.router.entries() });

  await app.register(
    async (api) => {
      await api.register(originCheckPlugin);
      await api.register(sessionPlugin, { auth: modules.auth.service });
      await api.register(auditRequestPlugin, { events });
      await api.register(authGatePlugin);
      await api.register(rateLimitPlugin);
      for (const routes of loader.routes) await api.register(routes);
      api.all('/*', apiNotFound);
    },
    { prefix: '/api/v1' },
  );
  app.all('/api/*', apiNotFound);

  if (options.web !== false) await app.register(webPlugin, { buildDir: config.webBuildDir });

  app.addHook('preClose', async () => {
    // Disconnect every socket client first, or the HTTP server would wait for them forever.
    await sockets.close();
  });
  app.addHook('onClose', async () => loader.close());
  return app;
}
