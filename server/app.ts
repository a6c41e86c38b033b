/**
 * Builds the Fastify instance: cross-cutting plugins, then the API modules
 * under /api/v1, then Socket.io and the web app. No listening here: main.ts
 * and the tests decide where it listens.
 */
import cookie from '@fastify/cookie';
import { TypeBoxValidatorCompiler, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Config } from './config.ts';
import type { Database } from './db/client.ts';
import { DomainEvents } from './events.ts';
import { authRoutes, authServicePlugin } from './modules/auth/index.ts';
import { annotationHandlers } from './modules/annotations/handlers.ts';
import { annotationRoutes } from './modules/annotations/routes.ts';
import { AnnotationService } from './modules/annotations/service.ts';
import { DraftCommentService } from './modules/annotations/comments.ts';
import { createConferenceModule } from './modules/conference/index.ts';
import { voteHandlers } from './modules/votes/handlers.ts';
import { voteRoutes } from './modules/votes/routes.ts';
import { BallotSeal } from './modules/votes/sealing.ts';
import { VoteService } from './modules/votes/service.ts';
import { endpointRoutes } from './modules/conference/endpoints-routes.ts';
import { EndpointService } from './modules/conference/endpoints-service.ts';
import { attachDisplayNamespace, DisplayService, displayRoutes } from './modules/display/index.ts';
import { documentRoutes } from './modules/documents/routes.ts';
import { DocumentService } from './modules/documents/service.ts';
import { liveHandlers } from './modules/live/handlers.ts';
import { LiveService } from './modules/live/service.ts';
import { meetingRoutes } from './modules/meetings/routes.ts';
import { MeetingService } from './modules/meetings/service.ts';
import { notificationRoutes } from './modules/notifications/routes.ts';
import { NotificationService } from './modules/notifications/service.ts';
import { subscribeNotifications } from './modules/notifications/subscriptions.ts';
import { systemRoutes } from './modules/system/routes.ts';
import { unitRoutes } from './modules/units/routes.ts';
import { userRoutes } from './modules/users/routes.ts';
import { apiNotFound, errorsPlugin } from './plugins/errors.ts';
import { originCheckPlugin } from './plugins/origin-check.ts';
import { sessionPlugin } from './plugins/session.ts';
import { webPlugin } from './plugins/web.ts';
import { createSocketServer, type AppServer } from './realtime/socket-server.ts';
import './types.ts';

declare module 'fastify' {
  interface FastifyInstance {
    io: AppServer;
  }
}

export type BuildOptions = {
  config: Config;
  database: Database;
  /** pino options, or false for silence (tests) */
  logger?: FastifyServerOptions['logger'];
  /** serve the built web app (off in API-only tests) */
  web?: boolean;
};

export async function buildApp(options: BuildOptions): Promise<FastifyInstance> {
  const { config, database } = options;
  const app = Fastify({
    logger: options.logger ?? { level: config.logLevel },
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024, // JSON bodies; document uploads stream with their own limit
    genReqId: () => crypto.randomUUID(),
    return503OnClosing: true,
  })
    .setValidatorCompiler(TypeBoxValidatorCompiler)
    .withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('config', config);
  app.decorate('database', database);
  app.decorate('events', new DomainEvents());

  await app.register(cookie);
  await app.register(errorsPlugin);
  await app.register(authServicePlugin);

  // Services of the domain modules, created once; modules reach each other only through these.
  const meetingService = new MeetingService(database.db, app.events);
  const notificationService = new NotificationService(database.db, app.events);
  const documentService = new DocumentService(database.db, meetingService, notificationService, {
    dataDir: config.dataDir,
    uploadLimitBytes: config.uploadLimitBytes,
    log: app.log,
    events: app.events,
  });
  const endpointService = new EndpointService(database.db, meetingService);
  // Video conference: the MediaService starts on the first join and closes with the app.
  const conference = createConferenceModule(app, database.db);
  const liveService = new LiveService(database.db, meetingService, app.events);
  const annotationService = new AnnotationService(database.db, documentService, app.events);
  const commentService = new DraftCommentService(database.db, documentService);
  const voteService = new VoteService(database.db, meetingService, app.events, await BallotSeal.load(config.dataDir, config.ballotKey));
  const displayService = new DisplayService(database.db, { live: liveService, polls: voteService, meetings: meetingService, documents: documentService });
  app.events.on('document.versionAdded', ({ documentId, fromVersion, toVersion }) => {
    annotationService
      .carryOver(documentId, fromVersion, toVersion)
      .then((result) => app.log.info({ documentId, toVersion, ...result }, 'annotations carried over'))
      .catch((error: unknown) => app.log.error({ err: error, documentId }, 'carrying annotations over failed'));
  });
  subscribeNotifications(app.events, notificationService, app.log);
  app.addHook('onClose', async () => documentService.close());

  await app.register(
    async (api) => {
      await api.register(originCheckPlugin);
      await api.register(sessionPlugin);
      await api.register(systemRoutes);
      await api.register(authRoutes);
      await api.register(unitRoutes);
      await api.register(userRoutes);
      await api.register(meetingRoutes(meetingService));
      await api.register(documentRoutes(documentService, config.uploadLimitBytes));
      await api.register(notificationRoutes(notificationService));
      await api.register(endpointRoutes(endpointService));
      await api.register(conference.routes);
      await api.register(annotationRoutes(annotationService, commentService, documentService));
      await api.register(voteRoutes(voteService));
      await api.register(displayRoutes(displayService));
      api.all('/*', apiNotFound);
    },
    { prefix: '/api/v1' },
  );
  app.all('/api/*', apiNotFound);

  if (options.web !== false) await app.register(webPlugin, { buildDir: config.webBuildDir });

  const sockets = await createSocketServer(app, [liveHandlers(app, liveService, meetingService), annotationHandlers(app, annotationService), voteHandlers(app, voteService), conference.socketModule]);
  app.decorate('io', sockets.io);
  attachDisplayNamespace(app, sockets.io, displayService);
  app.addHook('preClose', async () => {
    // Disconnect every socket client first, or the HTTP server would wait for them forever.
    await sockets.close();
  });
  return app;
}
