/**
 * The conference module as the app wires it: the lazily started media
 * service, the conference service, its socket handlers and REST routes.
 */
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/client.ts';
import { conferenceHandlers } from './conference-handlers.ts';
import { conferenceRoutes } from './conference-routes.ts';
import { ConferenceService } from './conference-service.ts';
import { MediaHost, mediaConfigFrom } from './media-host.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** the process's MediaService, started by the first conference join (`media.current`) */
    media: MediaHost;
    conference: ConferenceService;
  }
}

export function createConferenceModule(app: FastifyInstance, db: Db) {
  const media = new MediaHost(mediaConfigFrom(app.config.media), app.log);
  const service = new ConferenceService(db, media, app.events, app.log);
  app.decorate('media', media);
  app.decorate('conference', service);
  app.addHook('onClose', async () => {
    service.close();
    media.close();
  });
  return { media, service, routes: conferenceRoutes(service), socketModule: conferenceHandlers(app, service) };
}

export { ConferenceService } from './conference-service.ts';
export { MediaHost } from './media-host.ts';
